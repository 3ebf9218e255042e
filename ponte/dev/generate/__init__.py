"""Synthetic data at scale (`python -m ponte generate --scale S|M|L`), for benchmarks and
query-count tests: organisations and people, challenges in every state with what follows
their deadline, a catalogue of solutions, the lab's problems and projects, the staff
exchange's rounds and applications, the sandbox's exemptions, learning's courses, sessions
and enrolments, and recognition's award programmes and kudos. Written in bulk, from random
generators seeded by the scale: the same scale on the same database always produces the same
data."""

from . import catalogue, challenges, exchange, lab, learning, organisations, recognition, sandbox

# In this order: challenges need public bodies and companies with members.
STEPS = (organisations, challenges, catalogue, lab, exchange, sandbox, learning, recognition)


def build(scale: str, progress) -> None:
    for step in STEPS:
        step.build(scale, progress)
