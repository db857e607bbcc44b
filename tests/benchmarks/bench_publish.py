"""Benchmark: publishing a 500-node plan and serving its public page.

Prints figures; asserts nothing. Runs on a throw-away test database (SQLite in
memory, or test_<name> on the server DATABASE_URL points at):

    .venv/bin/python tests/benchmarks/bench_publish.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dei_bench .venv/bin/python tests/benchmarks/bench_publish.py
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from generated import generated_plan
from harness import benchmark_database, median_time  # sets Django up; import first

from plans.models import Node, Plan
from plans.services import plan_publish

NODES = 500


def build_plan(slug: str) -> Plan:
    body = "A paragraph of plan text citing [1], with *emphasis* and a list:\n\n- one\n- two\n" * 3
    return generated_plan(slug, sections=NODES, body=body, area_body=body)


def main() -> None:
    with benchmark_database():
        plan = build_plan("bench")
        first = Node.objects.filter(plan=plan).first()

        def publish():
            first.title = f"Edited {time.perf_counter()}"
            first.save()
            return plan_publish(plan=plan, notes="Benchmark.")

        publish_time = median_time(publish)
        print(f"publish a {NODES}-node plan (median of 5): {publish_time * 1000:.1f} ms")

        client = Client()
        url = f"/plans/{plan.slug}/"

        def cold():
            cache.clear()
            return client.get(url)

        cold_time = median_time(cold)
        warm_time = median_time(lambda: client.get(url), repeat=20)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"public plan page, first render (median of 5): {cold_time * 1000:.1f} ms")
        print(f"public plan page, cached render (median of 20): {warm_time * 1000:.1f} ms")
        print(f"public plan page SQL queries: {len(queries)}")
        print(f"database: {connection.vendor}")


if __name__ == "__main__":
    main()
