"""Synthetic data at scale (`python -m ponte generate --scale S|M|L`), for benchmarks and
query-count tests: organisations and people, challenges in every state with what follows
their deadline, and a catalogue of solutions. Written in bulk, from random generators seeded
by the scale: the same scale on the same database always produces the same data."""

from . import catalogue, challenges, organisations

# In this order: challenges need public bodies and companies with members.
STEPS = (organisations, challenges, catalogue)


def build(scale: str, progress) -> None:
    for step in STEPS:
        step.build(scale, progress)
