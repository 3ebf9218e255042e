"""The load benchmark's harness works from end to end: `bench/load.py --smoke` builds the S
database on SQLite (once: later runs reuse it), serves Ponte as in production, drives every
page with wrk and writes its report.
Its figures mean nothing on a second a page; what is checked is that every page was served
without an error and that the report holds what bench/README.md promises."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def wrk():
    if shutil.which("wrk") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("wrk is required in CI: install Debian's wrk package.")
        pytest.skip("wrk is not installed: install Debian's wrk package to run the load benchmark's smoke test.")


def test_the_load_harness_serves_every_page_and_reports_it(wrk, tmp_path):
    from bench.pages import PAGES

    output = tmp_path / "load.json"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_"))}
    subprocess.run(
        [sys.executable, "bench/load.py", "--smoke", "--output", str(output)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    report = json.loads(output.read_text())
    assert [page["page"] for page in report["pages"]] == [name for name, _person, _url in PAGES]
    for page in report["pages"]:
        assert page["errors"] == 0, page
        assert page["requests_per_second"] > 0 and page["bare_requests_per_second"] > 0
        assert page["ratio_to_bare"] > 0 and page["queries"]["S"] is not None
    assert report["ocds_export"]["releases"] > 0
    assert report["worker_peak_memory_mb"] > 0
    assert {"cores", "python", "database", "server", "load tool"} <= set(report["versions"])
