"""Staff-exchange matching benchmark: how long the optimal matcher takes and how much memory it
needs at national scale, and how much better than the greedy baseline its rounds are.

For each size it builds a reproducible random round of that many public applicants and as many
company applicants (seeded), then runs ponte.exchange.matching.match and greedy_match on it:

- a 26-week window starting on a Monday; each person free in 1 to 3 ranges of one to six
  weeks inside it;
- skills and interests: 2 to 5 each from a vocabulary of 40 topics, some topics much more
  common than others;
- 12 sectors (one's own, and 1 to 3 one would like to visit), 1 to 3 of 5 languages (the
  first, the country's, most common), 10 regions, 60% willing to travel;
- about three applicants per organisation;
- one pair excluded for every ten people (declined in an earlier round).

Each size runs in two scenarios: "unlimited", without host capacities, and "binding", where
the same people are regrouped into organisations of 3 to 10 applicants, each able to host 1 to
3 guests, so that most organisations have more applicants than places (the matcher then adds
dummy rows and columns to its assignment; see ponte.exchange.assignment.optimal_pairs).

Each size runs in a fresh process, so that the peak memory measured there (the process's
maximum resident set size, resource.getrusage) is that size's alone: it includes the
interpreter, numpy, scipy and the population, and the table gives the figure before `match`
beside it. Times are wall-clock (time.perf_counter) of one call each.

    .venv/bin/python bench/exchange_matching.py [--sizes 1000 2000 5000] [--seed 2026]
        [--scenarios unlimited binding] [--output FILE.json]

The table is printed, and written as JSON with the versions and the machine when --output is
given. The exit status is 1 if `match` takes more than 10 seconds or peaks above 1 GB at any
size and scenario, or if it ever scores less than the greedy baseline.
"""

import argparse
import dataclasses
import json
import os
import platform
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, date, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import scipy  # noqa: E402

from ponte.exchange.matching import Applicant, greedy_match, match  # noqa: E402

TARGET_SECONDS = 10.0  # for match at 5,000 per side, on the 2-core machine of the brief
TARGET_PEAK_MB = 1024.0

WINDOW_WEEKS = 26
WINDOW_START = date(2027, 3, 1)  # a Monday
TOPICS = [f"topic-{index:02d}" for index in range(40)]
SECTORS = [
    "health",
    "education",
    "transport",
    "energy",
    "finance",
    "agriculture",
    "environment",
    "justice",
    "defence",
    "culture",
    "digital",
    "social-care",
]
LANGUAGES = ["sl", "en", "de", "it", "hr"]
LANGUAGE_WEIGHTS = [10, 6, 2, 1, 1]
REGIONS = [f"region-{index}" for index in range(10)]
TRAVEL_SHARE = 0.6
PEOPLE_PER_ORGANISATION = 3
PEOPLE_PER_EXCLUSION = 10
SCENARIOS = ["unlimited", "binding"]
BINDING_ORGANISATION_SIZES = (3, 10)  # applicants per organisation, in the binding scenario
BINDING_CAPACITIES = (1, 3)  # guests each organisation can host, in the binding scenario


def window() -> tuple[date, date]:
    return WINDOW_START, WINDOW_START + timedelta(weeks=WINDOW_WEEKS) - timedelta(days=1)


def population(size: int, seed: int) -> tuple[list[Applicant], list[Applicant], frozenset[tuple[int, int]]]:
    """`size` public and `size` company applicants, and the excluded pairs, from `seed`."""
    rng = random.Random(seed)
    # Some topics are in demand everywhere, most are niche: weights fall with the rank.
    topic_weights = [1 / (rank + 1) ** 0.7 for rank in range(len(TOPICS))]
    first, last = window()

    def some(items: list[str], low: int, high: int, weights: list[float] | None = None) -> frozenset[str]:
        chosen: set[str] = set()
        wanted = rng.randint(low, high)
        while len(chosen) < wanted:
            chosen.add(rng.choices(items, weights=weights)[0])
        return frozenset(chosen)

    def availability() -> tuple[tuple[date, date], ...]:
        ranges = []
        for _ in range(rng.randint(1, 3)):
            start = first + timedelta(days=rng.randrange((last - first).days + 1))
            end = min(start + timedelta(days=rng.randint(7, 42) - 1), last)
            ranges.append((start, end))
        return tuple(sorted(ranges))

    def side(name: str, first_id: int, first_organisation: int) -> list[Applicant]:
        applicants = []
        for offset in range(size):
            applicants.append(
                Applicant(
                    id=first_id + offset,
                    side=name,
                    # Organisations of 1 to 5 applicants, about 3 on average.
                    organisation_id=first_organisation + offset // PEOPLE_PER_ORGANISATION + rng.randint(-1, 1),
                    skills=some(TOPICS, 2, 5, topic_weights),
                    interests=some(TOPICS, 2, 5, topic_weights),
                    sectors_wanted=some(SECTORS, 1, 3),
                    sector=rng.choice(SECTORS),
                    languages=some(LANGUAGES, 1, 3, LANGUAGE_WEIGHTS),
                    region=rng.choice(REGIONS),
                    travels=rng.random() < TRAVEL_SHARE,
                    available=availability(),
                )
            )
        return applicants

    public = side("public", 1, 1)
    company = side("company", 1 + size, 1 + size)  # ids and organisations apart from the public side's
    excluded = frozenset(
        (rng.choice(public).id, rng.choice(company).id) for _ in range(max(size // PEOPLE_PER_EXCLUSION, 1))
    )
    return public, company, excluded


def binding_capacities(
    public: list[Applicant], company: list[Applicant], seed: int
) -> tuple[list[Applicant], list[Applicant], dict[int, int]]:
    """The same people in organisations of 3 to 10 consecutive applicants, each with a capacity
    of 1 to 3 guests (organisation ids apart between the sides), from `seed`."""
    rng = random.Random(seed + 1)
    capacity: dict[int, int] = {}

    def regroup(applicants: list[Applicant], first_organisation: int) -> list[Applicant]:
        regrouped, organisation_id, index = [], first_organisation, 0
        while index < len(applicants):
            members = applicants[index : index + rng.randint(*BINDING_ORGANISATION_SIZES)]
            regrouped += [dataclasses.replace(member, organisation_id=organisation_id) for member in members]
            capacity[organisation_id] = rng.randint(*BINDING_CAPACITIES)
            organisation_id += 1
            index += len(members)
        return regrouped

    return regroup(public, 1), regroup(company, 1 + len(public)), capacity


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def measure(size: int, seed: int, scenario: str) -> dict:
    """One size and scenario, in a process of its own (see the module docstring)."""
    public, company, excluded = population(size, seed)
    capacity = None
    if scenario == "binding":
        public, company, capacity = binding_capacities(public, company, seed)
    before_mb = peak_mb()
    started = time.perf_counter()
    optimal = match(public, company, window=window(), excluded=excluded, capacity=capacity)
    seconds = time.perf_counter() - started
    match_peak_mb = peak_mb()
    started = time.perf_counter()
    greedy = greedy_match(public, company, window=window(), excluded=excluded, capacity=capacity)
    greedy_seconds = time.perf_counter() - started
    reasons = [entry.reason for entry in optimal.unmatched]
    return {
        "size": size,
        "scenario": scenario,
        "seconds": round(seconds, 3),
        "peak_mb": round(match_peak_mb, 1),
        "peak_mb_before_match": round(before_mb, 1),
        "total_optimal": optimal.total_score,
        "total_greedy": greedy.total_score,
        "ratio": round(optimal.total_score / greedy.total_score, 4) if greedy.total_score else None,
        "pairs": len(optimal.pairs),
        "pairs_greedy": len(greedy.pairs),
        "greedy_seconds": round(greedy_seconds, 3),
        "unmatched": {reason: reasons.count(reason) for reason in sorted(set(reasons))},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000], help="applicants per side")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--scenarios", nargs="+", choices=SCENARIOS, default=SCENARIOS, help="host capacities: none, or binding ones"
    )
    parser.add_argument("--output", type=Path, help="write the results as JSON to this file")
    arguments = parser.parse_args()

    rows = []
    for size in arguments.sizes:
        for scenario in arguments.scenarios:
            with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
                rows.append(pool.submit(measure, size, arguments.seed, scenario).result())

    header = [
        "per side",
        "capacities",
        "seconds",
        "peak MB",
        "MB before",
        "total optimal",
        "total greedy",
        "ratio",
        "pairs",
    ]
    header += ["greedy pairs", "greedy s"]
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join(["---:"] * len(header)) + " |")
    for row in rows:
        cells = [
            row["size"],
            row["scenario"],
            row["seconds"],
            row["peak_mb"],
            row["peak_mb_before_match"],
            row["total_optimal"],
        ]
        cells += [row["total_greedy"], row["ratio"], row["pairs"], row["pairs_greedy"], row["greedy_seconds"]]
        print("| " + " | ".join(f"{cell:,}" if isinstance(cell, int) else str(cell) for cell in cells) + " |")
    for row in rows:
        print(f"unmatched at {row['size']:,} per side, {row['scenario']}: {row['unmatched']}")

    failures = [
        f"{row['size']:,} per side, {row['scenario']}: {problem}"
        for row in rows
        for problem, failed in (
            (f"match took {row['seconds']} s (target {TARGET_SECONDS} s)", row["seconds"] > TARGET_SECONDS),
            (f"peak {row['peak_mb']} MB (target {TARGET_PEAK_MB} MB)", row["peak_mb"] > TARGET_PEAK_MB),
            ("the optimum scored less than greedy", row["total_optimal"] < row["total_greedy"]),
        )
        if failed
    ]
    for failure in failures:
        print(f"FAILED: {failure}")

    if arguments.output:
        report = {
            "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "seed": arguments.seed,
            "window": [day.isoformat() for day in window()],
            "targets": {"seconds": TARGET_SECONDS, "peak_mb": TARGET_PEAK_MB},
            "python": platform.python_version(),
            "numpy": np.__version__,
            "scipy": scipy.__version__,
            "cpu_count": os.cpu_count(),
            "machine": platform.machine(),
            "rows": rows,
            "failures": failures,
        }
        arguments.output.write_text(json.dumps(report, indent=2) + "\n")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
