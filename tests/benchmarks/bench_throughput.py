"""Throughput of warm public pages: the portal under gunicorn against a bare WSGI app serving the same bytes.

Prints figures; asserts nothing. `make bench` runs it (tests/benchmarks/run.py); alone:

    .venv/bin/python tests/benchmarks/bench_throughput.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dei_bench .venv/bin/python tests/benchmarks/bench_throughput.py

What it does: migrates a throw-away database (a new database on the server DATABASE_URL
points at, dropped afterwards; SQLite in a temporary folder otherwise), imports and publishes
the seed plan (../shared/seed, skipped with a message if absent) and a generated 500-section
plan, and starts the portal under gunicorn (2 workers, production settings, example secrets,
127.0.0.1 on a free port). It fetches each page once to read its body, then serves those
bytes from tests/benchmarks/bare_app.py under the same gunicorn settings. Each page is driven
by the same load generator (Debian's `wrk` if installed, else a small Python client with
threads), portal and bare app alternating, three rounds each; the ratio is portal / bare
(the median of the rounds' ratios). It also prints the CPU time the servers' processes used
per request and their ratio (bare / portal: the share of the bare app's rate a server bound by
its CPU reaches), which a machine busy with other work disturbs less than the request rate.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from tests.benchmarks.generated import generated_plan  # noqa: E402
from tests.servers import gunicorn, manage, production_env  # noqa: E402

SEED = ROOT.parent / "shared" / "seed" / "us-cms-dei-plan-overview.txt"
ROUND_SECONDS = 2
ROUNDS = 3
CONNECTIONS = 8
SECTIONS = 500
# The portal sits behind a proxy that terminates TLS, as in production.
HEADERS = {"X-Forwarded-Proto": "https"}


@contextmanager
def database():
    """The DATABASE_URL of a throw-away database: on the server DATABASE_URL names, or SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    import psycopg2  # only needed for PostgreSQL

    name = f"bench_throughput_{os.getpid()}"
    parts = urlsplit(url)
    server = urlunsplit(parts._replace(path="/postgres"))
    with closing(psycopg2.connect(server)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        with closing(psycopg2.connect(server)) as connection:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def build_large_plan() -> None:
    """(In a subprocess with the benchmark's settings.) A published plan of SECTIONS sections."""
    import django

    django.setup()
    from plans.services import plan_publish

    body = "A paragraph of plan text citing nothing, with *emphasis* and a list:\n\n- one\n- two\n"
    plan = generated_plan("large", sections=SECTIONS, title=f"A plan of {SECTIONS} sections", body=body)
    plan_publish(plan=plan, notes="Generated for the benchmark.")


def cpu_seconds(process: subprocess.Popen) -> float:
    """The CPU time a gunicorn (its master and workers) has used so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if process.pid in (int(stat.parent.name), int(fields[1])):
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def fetch(port: int, path: str) -> tuple[bytes, str]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=HEADERS)
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.read(), response.headers["Content-Type"]


def load_wrk(port: int, path: str, seconds: float = ROUND_SECONDS) -> tuple[float, int]:
    headers = [arg for name, value in HEADERS.items() for arg in ("-H", f"{name}: {value}")]
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", *headers, f"http://127.0.0.1:{port}{path}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise RuntimeError(f"{path}: {errors[1]} error responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]), int(re.search(r"(\d+) requests in", output)[1])


def load_python(port: int, path: str, seconds: float = ROUND_SECONDS) -> tuple[float, int]:
    """A small load generator for machines without wrk: CONNECTIONS threads, one request at a time each."""
    stop = time.monotonic() + seconds
    counts = [0] * CONNECTIONS

    def worker(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            connection.request("GET", path, headers=HEADERS)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            counts[index] += 1
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started), sum(counts)


def main() -> None:
    load = load_wrk if shutil.which("wrk") else load_python
    print(
        f"load generator: {'wrk' if load is load_wrk else 'Python threads'}, {CONNECTIONS} connections, "
        f"{ROUNDS} rounds of {ROUND_SECONDS} s each, portal and bare app alternating"
    )
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        url = stack.enter_context(database())
        env = production_env(database_url=url, folder=folder)
        print(f"database: {url.split(':', 1)[0]}")
        # Collecting the static files needs no database: it runs while the database is migrated.
        collecting = subprocess.Popen(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env
        )
        manage(env, "migrate", "--no-input", "-v", "0")
        if collecting.wait() != 0:
            raise RuntimeError("collectstatic failed")
        plans = []
        if SEED.exists():
            manage(env, "import_plan", str(SEED), "--slug", "seed", "--title", "U.S. CMS DEI plan (opening sections)")
            manage(env, "publish_plan", "seed", "--notes", "The seed plan.")
            plans.append(("seed plan", "seed"))
        else:
            print(f"(no seed plan at {SEED}: skipping it)")
        subprocess.run([sys.executable, __file__, "--build-large-plan"], cwd=ROOT, env=env, check=True)
        plans.append((f"{SECTIONS}-section plan", "large"))

        portal, portal_server = stack.enter_context(gunicorn(["dei_portal.wsgi"], env))
        cases = []
        for label, slug in plans:
            for page, path in (
                ("version page", f"/plans/{slug}/v/1.0/"),
                ("actions dashboard", f"/plans/{slug}/actions/"),
            ):
                body, content_type = fetch(portal, path)
                name = folder / f"{slug}-{len(cases)}.body"
                name.write_bytes(body)
                cases.append((f"{label}, {page} ({len(body) / 1024:.0f} KB)", path, str(name), content_type))
        pages = folder / "pages.json"
        pages.write_text(json.dumps({path: [name, content_type] for _, path, name, content_type in cases}))
        bare_env = {**env, "BARE_APP_PAGES": str(pages)}
        bare, bare_server = stack.enter_context(
            gunicorn(["--chdir", str(HERE), "bare_app:application"], bare_env, ready_path=cases[0][1])
        )

        def measure(process: subprocess.Popen, port: int, path: str) -> tuple[float, float]:
            """(requests per second, server CPU microseconds per request) of one round."""
            before = cpu_seconds(process)
            rate, count = load(port, path)
            return rate, (cpu_seconds(process) - before) * 1e6 / max(count, 1)

        print(f"{'page':<46} {'portal req/s':>13} {'bare req/s':>11} {'ratio':>6}   server CPU per request (ratio)")
        for label, path, _, _ in cases:
            # A first round that is not counted: every worker builds the page once (the cache is
            # per process) and imports what its first requests need.
            load(portal, path, seconds=1)
            load(bare, path, seconds=1)
            rounds = [(measure(portal_server, portal, path), measure(bare_server, bare, path)) for _ in range(ROUNDS)]
            mine = statistics.median(p[0] for p, _ in rounds)
            theirs = statistics.median(b[0] for _, b in rounds)
            # Each round's ratio is portal and bare app measured back to back: the median of those
            # is steadier than a ratio of medians when the machine is busy with other work.
            ratio = statistics.median(p[0] / b[0] for p, b in rounds)
            cpu_mine = statistics.median(p[1] for p, _ in rounds)
            cpu_theirs = statistics.median(b[1] for _, b in rounds)
            each = ", ".join(f"{p[0]:.0f}/{b[0]:.0f}" for p, b in rounds)
            print(
                f"{label:<46} {mine:>13,.0f} {theirs:>11,.0f} {ratio:>6.2f}   "
                f"portal {cpu_mine:.0f} µs, bare {cpu_theirs:.0f} µs ({cpu_theirs / cpu_mine:.2f})   (rounds: {each})",
                flush=True,
            )


if __name__ == "__main__":
    if sys.argv[1:] == ["--build-large-plan"]:
        build_large_plan()
    else:
        main()
