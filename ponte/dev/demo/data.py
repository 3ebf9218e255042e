"""Reads the demo world's data files (ponte/dev/data/*.yaml)."""

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent.parent / "data"


@cache
def load(name: str) -> Any:
    """The content of data/<name>.yaml. Read once per process; callers must not change it."""
    with (DATA / f"{name}.yaml").open(encoding="utf-8") as file:
        return yaml.safe_load(file)
