"""Ponte's foundation benchmark: do pages stay fast as the data grows to national scale?

It builds a throw-away SQLite database with the demo world and a small synthetic base
(`generate --scale S`: 200 organisations, 1,000 people, so every list page is full),
times each page, then adds data at scale (`--scale`, M by default: 2,000 organisations
and 20,000 people more) and times the same pages again. On a noisy machine only ratios within one run
mean anything, so the targets are ratios: each page at scale takes at most
MAX_SLOWDOWN times as long as on the base data, and makes exactly as many queries.

    .venv/bin/python bench/run.py [--scale S|M|L] [--repeat 15]

Results are printed and written to bench/results/foundation-<scale>.json.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import throwaway

MAX_SLOWDOWN = 3.0
ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=["S", "M", "L"], default="M")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()

    throwaway.set_up(prefix="ponte-bench-")
    from django.conf import settings

    # One client asks each API page dozens of times a minute: a benchmark is not an abuser.
    settings.PONTE_API_RATE_ANON = settings.PONTE_API_RATE_AUTH = "100000/m"
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    call_command("seed_demo", quiet=True)
    call_command("generate", scale="S")

    from ponte.accounts.models import User
    from ponte.challenges.models import Challenge

    orgadmin = User.objects.get(email="orgadmin@example.org")
    company_member = User.objects.get(email="company@example.org")
    challenge_url = Challenge.objects.filter(status="published").order_by("pk").first().get_absolute_url()
    pages = [
        ("home, visitor", None, "/"),
        ("home, organisation admin", orgadmin, "/"),
        ("organisation list", None, "/organisations/"),
        ("organisation list, filtered", None, "/organisations/?kind=company&sector=digital"),
        ("organisation page", orgadmin, "/organisations/ama/"),
        ("members page", orgadmin, "/organisations/ama/members/"),
        ("search", None, "/search/?q=agency"),
        ("API organisation list", None, "/api/organisations/?limit=50"),
        ("challenge list", None, "/challenges/"),
        ("challenge list, company member", company_member, "/challenges/"),
        # The list's filter is called `status`, as in its form and the API.
        ("challenge list, filtered", None, "/challenges/?status=open&sector=digital"),
        ("challenge page", None, challenge_url),
        ("API challenge list", None, "/api/challenges/?limit=50"),
        ("OCDS release package", None, "/open-data/ocds/releases.json"),
        ("solution catalogue", None, "/solutions/"),
        ("solution catalogue, filtered", None, "/solutions/?sector=digital"),
    ]

    def measure() -> dict:
        results = {}
        for name, user, url in pages:
            client = Client()
            if user is not None:
                client.force_login(user)
            client.get(url)  # warm caches
            timings = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            results[name] = {"median_ms": statistics.median(timings) * 1000, "queries": len(queries)}
        return results

    before = measure()
    print(f"Generating scale {args.scale}…", flush=True)
    call_command("generate", scale=args.scale)
    after = measure()

    rows, ok = [], True
    for name, _user, url in pages:
        ratio = after[name]["median_ms"] / before[name]["median_ms"]
        same_queries = after[name]["queries"] == before[name]["queries"]
        passed = ratio <= MAX_SLOWDOWN and same_queries
        ok &= passed
        rows.append(
            {
                "page": name,
                "url": url,
                "base_ms": round(before[name]["median_ms"], 2),
                "scale_ms": round(after[name]["median_ms"], 2),
                "ratio": round(ratio, 2),
                "base_queries": before[name]["queries"],
                "scale_queries": after[name]["queries"],
                "passed": passed,
            }
        )

    print(f"\n{'page':<30} {'base ms':>8} {'scale ms':>9} {'ratio':>6} {'queries':>9}  target")
    for row in rows:
        print(
            f"{row['page']:<30} {row['base_ms']:>8.1f} {row['scale_ms']:>9.1f} {row['ratio']:>6.2f} "
            f"{row['base_queries']:>4}→{row['scale_queries']:<4}  {'ok' if row['passed'] else 'MISSED'}"
        )
    out = ROOT / "bench" / "results" / f"foundation-{args.scale}.json"
    out.write_text(json.dumps({"scale": args.scale, "max_slowdown": MAX_SLOWDOWN, "pages": rows}, indent=2) + "\n")
    print(f"\nWritten to {out.relative_to(ROOT)}. Target: ratio ≤ {MAX_SLOWDOWN} and equal query counts.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
