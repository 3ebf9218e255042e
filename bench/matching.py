"""Matchmaking benchmark: does the ranker find the solutions that answer a challenge, and the
open challenges that suit a company, better than counting shared words?

It builds a throw-away SQLite database with the labelled set of bench/matching_set.py
(60 open challenges in 20 topics; 80 relevant published solutions written in the vendors'
words, four per challenge; 20 unpublished ones; 60 distractors; 20 closed or cancelled
challenges; that module's docstring says how it is made and what it does and does not
prove), then ranks:

- for each labelled challenge, the published solutions: the relevant ones are its topic's;
- for each company with a published solution in a topic, the open challenges: the relevant
  ones are the open challenges of its topics.

Each method is measured with recall@5 (the share of the relevant items among the first five,
out of at most five, averaged) and MRR (the mean of 1/rank of the first relevant item among
the first ten, 0 if none):

- ranker: the pages' own code (ranking.recommend_for_challenge / recommend_for_companies),
  with search-index retrieval, capped candidate pools and re-ranking, word rarity measured on
  the catalogue; for companies, all of them in one call (one pool for all) and, as the page
  does for a person, one company per call;
- ranker on the whole catalogue: the same scoring without retrieval (every published solution
  is a candidate), to show what the capped pools lose;
- words only, words + sectors, words + CPV: the ranker with some signals switched off;
- shared stems: the baseline with stemming, to separate what stemming and weighting bring;
- keyword overlap (the baseline): the number of distinct words the problem statement and the
  solution share, every word counting the same, no stemming, sectors or codes, over the whole
  catalogue; ties keep the order of creation, which is shuffled.

The ranker's weights were set by hand before the set existed and not fitted to it; there is
no separate test set. Different seeds give different realisations of the set, and the figures
move by a few points from one to the next: compare methods within a run.

Then `generate --scale` (S by default) adds organisations, people, challenges and a
catalogue of synthetic solutions from the same vendors' vocabularies, whose topics it writes
to var/catalogue-topics.json, and a second labelled set is built beside them (with the
seed, as the first). The first set's challenges are ranked again against
the grown catalogue, relevance being the same topic: there are then some twenty relevant
solutions per challenge, so this table is easier than the first and mostly shows whether the
capped pools of the pipeline lose what the whole catalogue would find.

It also checks that no unpublished solution and no closed or cancelled challenge is ever
recommended, and counts the queries of the two pages before and after `generate`: they must
be equal. It times the two pages at both sizes of the catalogue (the labelled set's 140
published solutions, then some 5.6 times as many) and reports larger/smaller as a ratio: the
work of a request is meant not to grow with the catalogue (target: at most 1.5). After a
first request that fills the caches, each page is requested `--repeat` times in each of three
rounds, the two pages taking turns, so that a burst of work by other programs slows some of
each page's requests, rarely all. The ratio is of the medians of the process's CPU time
(time.process_time: SQLite runs in the process, and CPU time leaves out most of the time
other programs take); the medians of wall-clock time and the fastest requests are reported
beside it, with their ratios (on a shared machine the fastest request is the noisiest
figure: it depends on whether a quiet moment came). "first" is one request with the cache
emptied, as after a publication: the word statistics of the catalogue are then counted again.

    .venv/bin/python bench/matching.py [--seed 2026] [--scale S|M|L] [--repeat 15]

Results are printed and written to bench/results/matching.json. The exit status is 1 if the
ranker does not beat the baseline on both recall@5 and MRR for challenges, if anything that
must never be recommended is, or if a page's query count grows with the data. The time ratio
is reported, not enforced: timings move with the machine.
"""

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

import throwaway

ROOT = Path(__file__).resolve().parent.parent
CUTOFF = 10  # MRR looks at the first ten, as many as a page shows
TARGET_TIME_RATIO = 1.5  # a page's time with the larger catalogue over its time with the smaller
ROUNDS = 3  # the pages are timed in turns, `--repeat` requests each time


def recall_at(ranked: list[int], relevant: set[int], k: int = 5) -> float:
    """The share of the relevant items in the first k, out of at most k: with four relevant
    solutions (the labelled set) it is plain recall; with more (at scale) it stays reachable."""
    return len(set(ranked[:k]) & relevant) / min(k, len(relevant)) if relevant else 0.0


def reciprocal_rank(ranked: list[int], relevant: set[int], cutoff: int = CUTOFF) -> float:
    for position, key in enumerate(ranked[:cutoff], start=1):
        if key in relevant:
            return 1.0 / position
    return 0.0


def summarise(rankings: dict[int, list[int]], labels: dict[int, set[int]]) -> dict:
    keys = [key for key in labels if labels[key]]
    return {
        "recall_at_5": round(statistics.fmean(recall_at(rankings[k], labels[k]) for k in keys), 4),
        "mrr": round(statistics.fmean(reciprocal_rank(rankings[k], labels[k]) for k in keys), 4),
        "queries": len(keys),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", choices=["S", "M", "L"], default="S")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    throwaway.set_up(prefix="ponte-bench-matching-")
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.matching_set import build_labelled_set, topics
    from ponte.accounts.models import User
    from ponte.challenges.models import Challenge
    from ponte.matchmaking import ranking
    from ponte.organisations.models import Organisation

    started = time.perf_counter()
    labelled = build_labelled_set(seed=args.seed)
    built_in = time.perf_counter() - started

    challenges = list(
        Challenge.objects.filter(pk__in=labelled.challenges).prefetch_related("sectors", "cpv_codes").order_by("pk")
    )
    unpublished = set(labelled.unpublished_solutions)
    violations = {"unpublished solutions recommended": 0, "closed or cancelled challenges recommended": 0}
    example = {}

    def statement(challenge) -> str:
        return " ".join(getattr(challenge, name) for name, _weight in ranking.CHALLENGE_FIELDS)

    def order(scores: dict[int, float]) -> list[int]:
        return [key for key, score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])) if score > 0]

    def evaluate_challenges(labels: dict[int, set[int]], variants: dict) -> dict:
        """Rank the catalogue for each labelled challenge with each method."""
        catalogue = list(ranking.recommendable_solutions().prefetch_related("sectors", "cpv_codes").order_by("pk"))
        profiles = [ranking.solution_profile(s) for s in catalogue]
        texts = {s.pk: " ".join([s.title, s.summary, s.description]) for s in catalogue}
        plain = {pk: ranking.plain_words(text) for pk, text in texts.items()}
        stems = {pk: {ranking.stem(w) for w in found} for pk, found in plain.items()}
        rankings: dict[str, dict[int, list[int]]] = {
            name: {} for name in ["ranker", *variants, "shared stems", "keyword overlap (baseline)"]
        }
        for challenge in challenges:
            found = ranking.recommend_for_challenge(challenge, limit=CUTOFF)
            rankings["ranker"][challenge.pk] = [m.key for m in found.solutions]
            violations["unpublished solutions recommended"] += sum(m.key in unpublished for m in found.solutions)
            if not example and found.solutions:
                example.update(
                    challenge=challenge.title,
                    solution=found.solutions[0].obj.title,
                    reasons=[str(r) for r in found.solutions[0].reasons],
                )
            query = ranking.challenge_profile(challenge)
            for name, weights in variants.items():
                rankings[name][challenge.pk] = [m.key for m in ranking.rank([query], profiles, weights=weights)]
            words = ranking.plain_words(statement(challenge))
            own_stems = {ranking.stem(w) for w in words}
            rankings["keyword overlap (baseline)"][challenge.pk] = order(
                {pk: len(words & found_words) for pk, found_words in plain.items()}
            )
            rankings["shared stems"][challenge.pk] = order({pk: len(own_stems & s) for pk, s in stems.items()})
        return {name: summarise(r, labels) for name, r in rankings.items()} | {
            "_catalogue": {"published_solutions": len(catalogue)}
        }

    challenge_results = evaluate_challenges(
        labelled.challenges,
        {
            "ranker on the whole catalogue": None,
            "words only": {"text": 1.0, "sector": 0.0, "cpv": 0.0},
            "words + sectors": {**ranking.WEIGHTS, "cpv": 0.0},
            "words + CPV": {**ranking.WEIGHTS, "sector": 0.0},
        },
    )
    catalogue_size = challenge_results.pop("_catalogue")["published_solutions"]
    reasons_example = dict(example)

    # Companies → open challenges --------------------------------------------------------
    companies = list(Organisation.objects.filter(pk__in=labelled.companies).order_by("pk"))
    open_challenges = list(Challenge.objects.open().order_by("pk"))
    closed = set(labelled.closed_challenges)
    solutions_of: dict[int, list[str]] = {}
    for solution in ranking.recommendable_solutions().order_by("pk"):
        solutions_of.setdefault(solution.company_id, []).append(
            " ".join([solution.title, solution.summary, solution.description])
        )
    company_rankings: dict[str, dict[int, list[int]]] = {
        "ranker": {},
        "ranker, one company per request": {},
        "keyword overlap (baseline)": {},
    }
    sections = ranking.recommend_for_companies(companies, limit=CUTOFF)
    for section in sections:
        company_rankings["ranker"][section.company.pk] = [m.key for m in section.challenges]
        violations["closed or cancelled challenges recommended"] += sum(m.key in closed for m in section.challenges)
    for company in companies:
        [section] = ranking.recommend_for_companies([company], limit=CUTOFF)
        company_rankings["ranker, one company per request"][company.pk] = [m.key for m in section.challenges]
        violations["closed or cancelled challenges recommended"] += sum(m.key in closed for m in section.challenges)
    for company in companies:
        words = ranking.plain_words(" ".join(solutions_of.get(company.pk, [])))
        company_rankings["keyword overlap (baseline)"][company.pk] = order(
            {c.pk: len(words & ranking.plain_words(statement(c))) for c in open_challenges}
        )
    company_results = {name: summarise(r, labelled.companies) for name, r in company_rankings.items()}

    # Query counts of the two pages at two sizes of data ---------------------------------
    challenge = challenges[0]
    owner_member = User.objects.get(pk=labelled.owner_members[challenge.owner_id])
    company_pk = next(iter(labelled.companies))
    company_member = User.objects.get(pk=labelled.company_members[company_pk])
    pages = [
        ("recommended solutions and companies", owner_member, f"/challenges/{challenge.pk}/matches/"),
        ("challenges for your company", company_member, "/challenges/recommended/"),
    ]

    def measure() -> dict:
        # Both sizes are timed from the same state: the write-ahead log folded into the database
        # (a long one slows every read), the garbage of the set-up collected and what it leaves
        # frozen, so that the collector does not walk the benchmark's own objects in a request.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        gc.collect()
        gc.freeze()
        clients, first = {}, {}
        for name, user, url in pages:
            clients[name] = Client()
            clients[name].force_login(user)
            clients[name].get(url)  # the per-process caches: templates, translations, content types
            cache.clear()
            start = time.perf_counter()
            clients[name].get(url)  # the first after a change: the catalogue's word statistics are counted
            first[name] = time.perf_counter() - start
        # The pages take turns, in ROUNDS rounds of `--repeat` requests each.
        wall: dict[str, list[float]] = {name: [] for name, _user, _url in pages}
        cpu: dict[str, list[float]] = {name: [] for name, _user, _url in pages}
        for _round in range(ROUNDS):
            for name, _user, url in pages:
                for _ in range(args.repeat):
                    start, start_cpu = time.perf_counter(), time.process_time()
                    response = clients[name].get(url)
                    wall[name].append(time.perf_counter() - start)
                    cpu[name].append(time.process_time() - start_cpu)
                    assert response.status_code == 200, (url, response.status_code)
        results = {}
        for name, _user, url in pages:
            with CaptureQueriesContext(connection) as queries:
                clients[name].get(url)
            results[name] = {
                "median_ms": round(statistics.median(wall[name]) * 1000, 1),
                "median_cpu_ms": round(statistics.median(cpu[name]) * 1000, 1),
                "fastest_cpu_ms": round(min(cpu[name]) * 1000, 1),
                "first_ms": round(first[name] * 1000, 1),
                "requests": len(cpu[name]),
                "queries": len(queries),
            }
        return results

    def sizes() -> dict:
        from ponte.solutions.models import Solution

        return {
            "published solutions": ranking.recommendable_solutions().count(),
            "solutions": Solution.objects.count(),
            "challenges": Challenge.objects.count(),
            "open challenges": Challenge.objects.open().count(),
        }

    base_size, base = sizes(), measure()
    print(f"Generating scale {args.scale}…", flush=True)
    call_command("generate", scale=args.scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
    second = build_labelled_set(seed=args.seed)
    scale_size, scaled = sizes(), measure()
    catalogue_topics = json.loads(
        (Path(os.environ["PONTE_VAR_DIR"]) / "catalogue-topics.json").read_text(encoding="utf-8")
    )
    topic_of = dict(labelled.topic_of_solution)
    topic_of |= second.topic_of_solution
    topic_of |= {int(pk): topic for pk, topic in catalogue_topics.items() if topic}
    at_scale_labels = {
        pk: {solution for solution, key in topic_of.items() if key == topic}
        for pk, topic in labelled.topic_of_challenge.items()
    }
    scale_results = evaluate_challenges(at_scale_labels, {"ranker on the whole catalogue": None})
    scale_catalogue = scale_results.pop("_catalogue")["published_solutions"]
    growth = round(scale_size["published solutions"] / base_size["published solutions"], 2)
    page_rows = [
        {
            "page": name,
            "url": url,
            "base": base[name],
            "scale": scaled[name],
            "catalogue_ratio": growth,
            "time_ratio": round(scaled[name]["median_cpu_ms"] / base[name]["median_cpu_ms"], 2),
            "wall_time_ratio": round(scaled[name]["median_ms"] / base[name]["median_ms"], 2),
            "fastest_time_ratio": round(scaled[name]["fastest_cpu_ms"] / base[name]["fastest_cpu_ms"], 2),
            "same_queries": base[name]["queries"] == scaled[name]["queries"],
        }
        for name, _user, url in pages
    ]

    # Report -----------------------------------------------------------------------------
    baseline = challenge_results["keyword overlap (baseline)"]
    ranker = challenge_results["ranker"]
    beats = ranker["recall_at_5"] > baseline["recall_at_5"] and ranker["mrr"] > baseline["mrr"]
    clean = not any(violations.values())
    constant = all(row["same_queries"] for row in page_rows)
    bounded = all(row["time_ratio"] <= TARGET_TIME_RATIO for row in page_rows)

    relevant = sorted(len(v) for v in labelled.challenges.values())
    print(
        f"\nLabelled set: {len(challenges)} open challenges in {len(topics())} topics; {catalogue_size} published "
        f"solutions, {relevant[0]} to {relevant[-1]} relevant to each challenge; {len(unpublished)} unpublished "
        f"solutions; {len(labelled.closed_challenges)} closed or cancelled challenges. Built in {built_in:.1f} s.\n"
    )
    tables = [
        ("Challenges → solutions", challenge_results),
        ("Companies → challenges", company_results),
        (f"Challenges → solutions, {scale_catalogue} solutions", scale_results),
    ]
    for title, results in tables:
        print(f"{title:<34} {'recall@5':>9} {'MRR':>7}")
        for name, row in results.items():
            print(f"  {name:<32} {row['recall_at_5']:>9.3f} {row['mrr']:>7.3f}")
        print()
    for name, count in violations.items():
        print(f"{name}: {count}")
    print(
        f"\nTime of a page with {base_size['published solutions']} and {scale_size['published solutions']} published "
        f"solutions ({growth}×), ms, and the ratio larger/smaller: the median of CPU time, of wall-clock time, the "
        "fastest request's CPU time; the first request after a change (wall-clock):"
    )
    columns = f"{'median CPU':>20} {'median wall':>20} {'fastest CPU':>20} {'first':>11}"
    print(f"{'page':<38} {columns}")
    for row in page_rows:
        b, c = row["base"], row["scale"]
        print(
            f"{row['page']:<38} "
            f"{b['median_cpu_ms']:>5.1f} → {c['median_cpu_ms']:<5.1f} {row['time_ratio']:>5.2f} "
            f"{b['median_ms']:>5.1f} → {c['median_ms']:<5.1f} {row['wall_time_ratio']:>5.2f} "
            f"{b['fastest_cpu_ms']:>5.1f} → {c['fastest_cpu_ms']:<5.1f} {row['fastest_time_ratio']:>5.2f} "
            f"{b['first_ms']:>4.0f} → {c['first_ms']:<4.0f}"
        )
    print(f"queries: {', '.join(f'{r["base"]["queries"]} → {r["scale"]["queries"]}' for r in page_rows)}")
    print(f"data: {base_size} → {scale_size}")
    if reasons_example:
        print(f"\nFor example, “{reasons_example['challenge']}” → “{reasons_example['solution']}”:")
        for reason in reasons_example["reasons"]:
            print(f"  - {reason}")

    out = ROOT / "bench" / "results" / "matching.json"
    out.write_text(
        json.dumps(
            {
                "seed": args.seed,
                "scale": args.scale,
                "weights": ranking.WEIGHTS,
                "labelled_set": {
                    "challenges": len(challenges),
                    "topics": len(topics()),
                    "published_solutions": catalogue_size,
                    "relevant_per_challenge": [relevant[0], relevant[-1]],
                    "closed_or_cancelled_challenges": len(labelled.closed_challenges),
                    "unpublished_solutions": len(unpublished),
                    "companies": len(companies),
                },
                "challenges_to_solutions": challenge_results,
                "companies_to_challenges": company_results,
                "challenges_to_solutions_at_scale": {"published_solutions": scale_catalogue, **scale_results},
                "violations": violations,
                "pages": page_rows,
                "time_ratio_target": TARGET_TIME_RATIO,
                "time_ratio_within_target": bounded,
                "data": {"base": base_size, "scale": scale_size},
                "example": reasons_example,
                "ranker_beats_baseline": beats,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    print(f"\nWritten to {out.relative_to(ROOT)}.")
    print(
        f"Ranker beats the baseline on recall@5 and MRR: {'yes' if beats else 'NO'}; "
        f"nothing unpublished, closed or cancelled recommended: {'yes' if clean else 'NO'}; "
        f"constant query counts: {'yes' if constant else 'NO'}; "
        f"time ratio at most {TARGET_TIME_RATIO} for a {growth}× catalogue: {'yes' if bounded else 'NO'}."
    )
    return 0 if beats and clean and constant else 1


if __name__ == "__main__":
    sys.exit(main())
