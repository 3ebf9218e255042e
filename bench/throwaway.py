"""A throw-away Ponte for a benchmark: Django set up on a fresh SQLite file in a temporary
folder, migrated, tasks run inline, so that nothing of a developer's own data is touched."""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def set_up(prefix: str) -> None:
    workdir = tempfile.mkdtemp(prefix=prefix)
    os.environ.update(
        PONTE_VAR_DIR=workdir,
        SQLITE_PATH=str(Path(workdir) / "bench.sqlite3"),
        DJANGO_SETTINGS_MODULE="ponte.settings",
        PONTE_TASKS_IMMEDIATE="1",
    )
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
