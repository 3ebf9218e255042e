"""A web worker stays light: the numerical libraries that only the exchange's matcher and the
lab's statistics use (numpy, scipy, statsmodels, pandas) are loaded when those run, not by
every worker that serves pages, each of which would otherwise carry some 50 MB more."""

from .test_cache_shared import in_a_server_process

HEAVY = ("numpy", "scipy", "statsmodels", "pandas")


def test_serving_pages_loads_no_numerical_library(tmp_path):
    # Everything a worker loads to answer: the settings, every app, every address and the API.
    loaded = in_a_server_process(
        tmp_path,
        "import sys; from django.urls import resolve; import ponte.urls; resolve('/'); "
        f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))",
    )
    assert loaded == ""
