"""Ponte under load, measured as a deployment serves it.

`make bench` builds (once, then reuses) a database at scale L on PostgreSQL, serves Ponte as
in production (gunicorn, one worker per core, PONTE_ENV=production, Redis when REDIS_URL is
set, behind a proxy that speaks HTTPS) and drives every page of bench/pages.py with wrk at
1, 8 and 32 connections. Right before each page, the same run measures the bare view
(/healthz: the same middleware, no work) and gives the page's throughput as a ratio to it:
on a shared machine only a ratio within one run means anything.

    .venv/bin/python bench/load.py [--database postgres|sqlite] [--scale S|M|L]
                                   [--connections 1,8,32] [--seconds 10] [--page home ...]

It also reports each page's query count at S and at L, the peak memory of a worker after
the run, the whole OCDS release export (releases a second) and the time the data took to
build. Results go to bench/results/load-<database>-<scale>.json and to the table in
bench/README.md. `--smoke` runs the whole harness on the S database on SQLite (built once, like
the others) for a second a page, the bare view measured once, to prove it works (make test does);
its figures mean nothing.

The benchmark lifts the API's rate limit for its own server: a load tool is not an abuser.
"""

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
# Production refuses a short or default secret; this one serves a benchmark and nothing else.
SECRET = "ponte-benchmark-only-" + "0123456789abcdef" * 4
TABLE_START, TABLE_END = "<!-- load table: start -->", "<!-- load table: end -->"
# What the results' tables show first: the targets the pages are held to (bench/README.md).
PUBLIC_PAGES = {
    "home",
    "challenge list",
    "challenge list, two filters",
    "challenge page",
    "solution catalogue",
    "organisation page",
    "Atom feed",
    "API challenge list",
    "API solution list",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# The database ----------------------------------------------------------------------------


def database_url(database: str, scale: str, workdir: Path) -> str:
    if database == "sqlite":
        return f"sqlite:///{workdir / f'bench-{scale}.sqlite3'}"
    base = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/ponte")
    return base._replace(path=f"/ponte_bench_{scale.lower()}").geturl()


def environment(url: str, workdir: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PONTE_", "DJANGO_", "PYTEST")) and key not in ("DATABASE_URL", "SQLITE_PATH")
    }
    env.update(
        DATABASE_URL=url,
        PONTE_VAR_DIR=str(workdir),
        DJANGO_SETTINGS_MODULE="ponte.settings",
        PONTE_API_RATE_ANON="1000000/m",
        PONTE_API_RATE_AUTH="1000000/m",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def serving(url: str, workdir: Path, database: str) -> dict[str, str]:
    """The environment of Ponte in production, on the benchmark's database; with Redis for
    cache and sessions when REDIS_URL is set (and the database is PostgreSQL, as deployed)."""
    env = environment(url, workdir, PONTE_ENV="production", SECRET_KEY=SECRET, ALLOWED_HOSTS="127.0.0.1")
    if database == "sqlite":
        env.pop("REDIS_URL", None)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PYTHON, "-m", "ponte", *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _recreate_postgres(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def data_fingerprint() -> str:
    """What the built data depends on: the migrations, the demo data and the generators. A
    database built from other ones is built again, so no run measures a stale schema."""
    sources = sorted(
        [*ROOT.glob("ponte/*/migrations/*.py"), *ROOT.glob("ponte/dev/**/*.py"), *ROOT.glob("ponte/dev/data/*")]
    )
    digest = hashlib.sha256()
    for source in sources:
        digest.update(str(source.relative_to(ROOT)).encode())
        digest.update(source.read_bytes())
    return digest.hexdigest()


def build(database: str, scale: str, workdir: Path) -> dict:
    """The database at `scale`, built once: a marker beside it says it is complete, how long it
    took and from which sources; a database without its marker, or built from other sources,
    is built again from nothing."""
    url = database_url(database, scale, workdir)
    marker = workdir / f"built-{database}-{scale}.json"
    fingerprint = data_fingerprint()
    if marker.exists() and json.loads(marker.read_text()).get("fingerprint") == fingerprint:
        if database == "postgres":
            tune_postgres(url)
        return json.loads(marker.read_text())
    log(f"Building the {scale} data set on {database} (once)…")
    started = time.monotonic()
    if database == "postgres":
        _recreate_postgres(url)
    else:
        Path(urlsplit(url).path).unlink(missing_ok=True)
    env = environment(url, workdir, PONTE_TASKS_IMMEDIATE="1")
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--no-input")
    manage(env, "seed_demo")
    manage(env, "generate", "--scale", scale)
    if database == "postgres":
        # As autovacuum would have by the time a deployment holds this much: the planner's
        # statistics describe the data, not the empty tables it was loaded into.
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
    built = {
        "database": database,
        "scale": scale,
        "url": url,
        "build_seconds": round(time.monotonic() - started, 1),
        "fingerprint": fingerprint,
    }
    marker.write_text(json.dumps(built))
    if database == "postgres":
        tune_postgres(url)
    log(f"Built in {built['build_seconds']} s.")
    return built


def tune_postgres(url: str) -> None:
    """PostgreSQL as a deployment on solid-state storage configures it (README, Deploying):
    its default cost of a random read assumes spinning disks, and makes the planner read a
    whole table rather than the few hundred rows an index leads to."""
    import psycopg

    name = urlsplit(url).path.strip("/")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')


def child(env: dict, command: str) -> dict:
    result = subprocess.run(
        [PYTHON, str(BENCH / "pages.py"), command], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# The server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The servers a deployment may run Ponte under, each with one worker process per core.
SERVERS = {
    "gunicorn": lambda port, workers: [
        PYTHON, "-m", "gunicorn", "ponte.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        "--forwarded-allow-ips", "127.0.0.1", "--log-level", "warning",
    ],
    "granian": lambda port, workers: [
        PYTHON, "-m", "granian", "--interface", "wsgi", "ponte.wsgi:application", "--workers", str(workers),
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ],
}  # fmt: skip


class Server:
    """Ponte as in production: gunicorn or granian with one worker per core."""

    def __init__(self, env: dict, workers: int, kind: str = "gunicorn"):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(SERVERS[kind](self.port, workers), env=env, cwd=ROOT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz", None)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise SystemExit("The server did not start within a minute.")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def peak_memory_mb(self) -> float | None:
        """The largest peak resident memory of any worker (VmHWM), in MB."""
        peaks = []
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status")
            found = re.search(r"VmHWM:\s+(\d+) kB", status.read_text()) if status.exists() else None
            if found:
                peaks.append(int(found.group(1)) / 1024)
        return round(max(peaks), 1) if peaks else None

    def get(self, path: str, cookie: str | None) -> tuple[int, bytes]:
        request = urllib.request.Request(self.base + path, headers=headers(cookie))
        try:
            with OPENER.open(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, b""

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Made once: an opener loads the system's certificates as it is made, which would take longer
# than a page of the OCDS export is served.
OPENER = urllib.request.build_opener(NoRedirect)


def headers(cookie: str | None) -> dict[str, str]:
    # The proxy in front of a deployment says the request came over HTTPS.
    return {"X-Forwarded-Proto": "https", **({"Cookie": cookie} if cookie else {})}


# The load --------------------------------------------------------------------------------


def wrk(base: str, path: str, cookie: str | None, connections: int, seconds: float) -> dict:
    command = ["wrk", "-t", str(min(connections, os.cpu_count() or 1)), "-c", str(connections)]
    command += ["-d", f"{max(1, round(seconds))}s", "--timeout", "10s", "-s", str(BENCH / "wrk.lua")]
    for name, value in headers(cookie).items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, base + path], check=True, capture_output=True, text=True).stdout
    found = re.search(r"^PONTE (\{.*\})$", output, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk gave no result for {path}:\n{output}")
    raw = json.loads(found.group(1))
    errors = sum(raw[key] for key in ("connect", "read", "write", "status", "timeout"))
    return {
        "requests_per_second": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "errors": errors,
        "kilobytes_per_request": round(raw["bytes"] / max(raw["requests"], 1) / 1024, 1),
    }


def ocds_export(server: Server) -> dict:
    """Every public release, page after page as a client reads the package."""
    path, releases, started = "/open-data/ocds/releases.json", 0, time.monotonic()
    while path:
        status, body = server.get(path, None)
        if status != 200:
            raise SystemExit(f"The OCDS package answered {status} at {path}")
        package = json.loads(body)
        releases += len(package["releases"])
        following = package.get("links", {}).get("next")
        path = urlsplit(following)._replace(scheme="", netloc="").geturl() if following else ""
    seconds = time.monotonic() - started
    return {"releases": releases, "seconds": round(seconds, 2), "releases_per_second": round(releases / seconds)}


# The run ---------------------------------------------------------------------------------


def server_version(server: str, output) -> str:
    if server == "granian":
        return f"granian {output(PYTHON, '-m', 'granian', '--version').split()[-1]}"
    return f"gunicorn {output(PYTHON, '-m', 'gunicorn', '--version').split()[-1].strip('()')}"


def versions(env: dict, server: str) -> dict:
    def output(*command: str) -> str:
        try:
            result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
            return (result.stdout or result.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "unknown"

    database = "SQLite" if env["DATABASE_URL"].startswith("sqlite") else "PostgreSQL"
    probe = (
        "import django;django.setup();from django.db import connection;connection.ensure_connection();"
        "v=connection.pg_version if connection.vendor=='postgresql' else None;"
        "print(connection.Database.sqlite_version if v is None else f'{v // 10000}.{v % 10000}')"
    )
    return {
        "cores": os.cpu_count(),
        "machine": platform.machine(),
        "python": platform.python_version(),
        "database": f"{database} {output(PYTHON, '-c', probe)}",
        "server": server_version(server, output),
        "load tool": output("wrk", "--version").split(" [")[0],
        "cache": "Redis" if env.get("REDIS_URL") else "local memory",
    }


def run(args) -> dict:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: install Debian's wrk package.")
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    built = {scale: build(args.database, scale, workdir) for scale in sorted({"S", args.scale}, key="SML".index)}
    env = serving(built[args.scale]["url"], workdir, args.database)
    manage(env, "collectstatic", "--no-input")
    log("Counting queries at each scale…")
    counts = {scale: child(serving(b["url"], workdir, args.database), "queries") for scale, b in built.items()}
    resolved = child(env, "resolve")
    pages = [page for page in resolved["pages"] if not args.pages or page[0] in args.pages]
    bare_name, _nobody, bare_path = resolved["bare"]
    workers = os.cpu_count() or 1
    server = Server(env, workers, args.server)
    try:
        for name, person, path in pages:
            status, _body = server.get(path, resolved["cookies"].get(person))
            if status != 200:
                raise SystemExit(f"{name}: {path} answered {status}, not 200")
        results = []
        for connections in args.connections:
            # A smoke run proves the harness, not the figures: the bare view once, no warm-up.
            smoke_bare = wrk(server.base, bare_path, None, connections, args.seconds) if args.smoke else None
            for name, person, path in pages:
                cookie = resolved["cookies"].get(person)
                if smoke_bare is None:
                    wrk(server.base, path, cookie, connections, min(args.seconds, 1))  # warm up
                bare = smoke_bare or wrk(server.base, bare_path, None, connections, args.seconds)
                page = wrk(server.base, path, cookie, connections, args.seconds)
                ratio = page["requests_per_second"] / bare["requests_per_second"]
                results.append(
                    {
                        "page": name,
                        "as": person or "visitor",
                        "path": path,
                        "connections": connections,
                        **page,
                        "bare_requests_per_second": bare["requests_per_second"],
                        "ratio_to_bare": round(ratio, 3),
                        "queries": {scale: counts[scale].get(name) for scale in counts},
                    }
                )
                log(f"{connections:>3} conn  {name:<36} {page['requests_per_second']:>8} req/s  ratio {ratio:.3f}")
        ocds = ocds_export(server)
        peak = server.peak_memory_mb()
    finally:
        server.stop()
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "seconds_per_measure": args.seconds,
        "workers": workers,
        "versions": versions(env, args.server),
        "build_seconds": {scale: b["build_seconds"] for scale, b in built.items()},
        "bare_view": bare_name,
        "pages": results,
        "ocds_export": ocds,
        "worker_peak_memory_mb": peak,
    }


def table(report: dict, connections: int = 8) -> str:
    """The results a reader sees first: one row per page at `connections` connections."""
    rows = [r for r in report["pages"] if r["connections"] == connections] or report["pages"]
    scales = sorted(report["build_seconds"], key="SML".index)
    lines = [
        f"| page | as | req/s | p50 ms | p95 ms | p99 ms | errors | ratio to bare | queries ({', '.join(scales)}) |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        queries = " / ".join(str(r["queries"].get(scale)) for scale in scales)
        lines.append(
            f"| {r['page']} | {r['as']} | {r['requests_per_second']:,} | {r['p50_ms']} | {r.get('p95_ms', '—')} | "
            f"{r['p99_ms']} | "
            f"{r['errors']} | {r['ratio_to_bare']} | {queries} |"
        )
    versions_line = ", ".join(f"{key} {value}" for key, value in report["versions"].items())
    ocds = report["ocds_export"]
    return "\n".join(
        [
            f"Scale {report['scale']}, {rows[0]['connections']} connections, {report['seconds_per_measure']} s a "
            f"measure, {report['workers']} workers, {report['when']}; {versions_line}.",
            "",
            *lines,
            "",
            f"Whole OCDS export: {ocds['releases']:,} releases in {ocds['seconds']} s "
            f"({ocds['releases_per_second']:,} releases/s). Peak memory of a worker after the run: "
            f"{report['worker_peak_memory_mb']} MB. Data built in "
            + ", ".join(f"{seconds} s at {scale}" for scale, seconds in report["build_seconds"].items())
            + ".",
        ]
    )


def write(report: dict, output: Path, readme: Path | None) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=1) + "\n")
    log(f"Results written to {output}")
    if readme is not None and readme.exists():
        text = readme.read_text()
        if TABLE_START in text and TABLE_END in text:
            before, rest = text.split(TABLE_START, 1)
            _old, after = rest.split(TABLE_END, 1)
            readme.write_text(f"{before}{TABLE_START}\n{table(report)}\n{TABLE_END}{after}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--scale", choices=["S", "M", "L"], default="L")
    parser.add_argument("--connections", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--server", choices=sorted(SERVERS), default="gunicorn")
    parser.add_argument("--page", action="append", default=[], help="a page's name, once per page (default: all)")
    parser.add_argument("--workdir", default=str(ROOT / "var" / "bench"))
    parser.add_argument("--output", default="")
    parser.add_argument("--smoke", action="store_true", help="a second a page on a small SQLite database")
    args = parser.parse_args()
    args.connections = [int(c) for c in args.connections.split(",")]
    args.pages = args.page
    if args.smoke:
        # Its S database is built once and reused, like every other: the second `make test`
        # (PostgreSQL after SQLite) and every later one skip the build.
        args.database, args.scale, args.connections, args.seconds = "sqlite", "S", [1], 1
    report = run(args)
    if args.output:
        output = Path(args.output)
    elif args.smoke:
        output = Path(args.workdir) / "smoke.json"
    else:
        output = BENCH / "results" / f"load-{args.database}-{args.scale}.json"
    write(report, output, None if args.smoke or args.output else BENCH / "README.md")
    print(table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
