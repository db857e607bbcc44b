"""Benchmark: publishing a 500-node plan and serving its public page.

Prints figures; asserts nothing. Runs on a throw-away test database (SQLite in
memory, or test_<name> on the server DATABASE_URL points at):

    .venv/bin/python tests/benchmarks/bench_publish.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dei_bench .venv/bin/python tests/benchmarks/bench_publish.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dei_portal.settings.test")

import django

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

NODES = 500


def build_plan(slug: str):
    from plans.models import Node, NodeKind, Plan

    plan = Plan.objects.create(slug=slug, title="Benchmark plan")
    body = "A paragraph of plan text citing [1], with *emphasis* and a list:\n\n- one\n- two\n" * 3
    areas = [
        Node.objects.create(plan=plan, position=i, kind=NodeKind.AREA, title=f"Area {i}", body=body) for i in range(4)
    ]
    goals = [
        Node.objects.create(plan=plan, parent=areas[i % 4], position=i, kind=NodeKind.GOAL, title=f"Goal {i}")
        for i in range(16)
    ]
    Node.objects.bulk_create(
        Node(
            plan=plan,
            parent=goals[i % 16],
            position=i,
            kind=NodeKind.ACTION,
            title=f"Action {i}",
            body=body,
            status="planned",
            owner="A subcommittee",
        )
        for i in range(NODES - len(areas) - len(goals))
    )
    return plan


def timed(func, repeat: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    from plans.models import Node
    from plans.services import plan_publish

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        plan = build_plan("bench")
        first = Node.objects.filter(plan=plan).first()

        def publish():
            first.title = f"Edited {time.perf_counter()}"
            first.save()
            return plan_publish(plan=plan, notes="Benchmark.")

        publish_time, _ = timed(publish)
        print(f"publish a {NODES}-node plan (median of 5): {publish_time * 1000:.1f} ms")

        client = Client()
        url = f"/plans/{plan.slug}/"

        def cold():
            cache.clear()
            return client.get(url)

        cold_time, _ = timed(cold)
        warm_time, _ = timed(lambda: client.get(url), repeat=20)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        print(f"public plan page, first render (median of 5): {cold_time * 1000:.1f} ms")
        print(f"public plan page, cached render (median of 20): {warm_time * 1000:.1f} ms")
        print(f"public plan page SQL queries: {len(queries)}")
        print(f"database: {connection.vendor}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
