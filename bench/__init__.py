"""Benchmarks, run as scripts (`.venv/bin/python bench/<name>.py`); a package so that the
tests can build the same labelled sets (bench.matching_set)."""
