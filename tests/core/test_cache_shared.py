"""Without Redis, the cache is one for every process of the server (a folder under var/):
a write that one worker sees makes what every other worker kept be made again."""

import os
import subprocess
import sys


def in_a_server_process(tmp_path, code: str) -> str:
    """Run `code` in a process of its own, configured as a server without Redis is."""
    env = {
        **os.environ,
        "PONTE_TESTING": "0",
        "PONTE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "ponte.settings",
    }
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_a_write_in_one_worker_is_seen_by_another(tmp_path):
    version = (
        "from django.core.cache import cache; from ponte.core import pagecache; print(cache.get(pagecache.VERSION_KEY))"
    )
    write = "from ponte.core import pagecache; pagecache._move_version()"

    in_a_server_process(tmp_path, write)
    before = in_a_server_process(tmp_path, version)
    in_a_server_process(tmp_path, write)
    after = in_a_server_process(tmp_path, version)

    assert before != "None" and after != "None" and after != before
