"""Benchmark: the tracking dashboards of a plan with 400 actions and 100 indicators.

Prints figures; asserts nothing. Runs on a throw-away test database (SQLite in
memory, or test_<name> on the server DATABASE_URL points at):

    .venv/bin/python tests/benchmarks/bench_tracking.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dei_bench .venv/bin/python tests/benchmarks/bench_tracking.py
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from harness import benchmark_database, median_time  # sets Django up; import first

ACTIONS, INDICATORS, UPDATES_PER_ACTION, MEASUREMENTS_PER_INDICATOR = 400, 100, 5, 12


def build_plan(slug: str):
    from plans.models import Node, NodeKind, Plan
    from plans.services import plan_publish
    from tracking.models import Measurement, ProgressUpdate

    plan = Plan.objects.create(slug=slug, title="Benchmark plan")
    areas = [Node.objects.create(plan=plan, position=i, kind=NodeKind.AREA, title=f"Area {i}") for i in range(4)]
    goals = [
        Node.objects.create(plan=plan, parent=areas[i % 4], position=i, kind=NodeKind.GOAL, title=f"Goal {i}")
        for i in range(20)
    ]
    actions = Node.objects.bulk_create(
        Node(
            plan=plan,
            parent=goals[i % 20],
            position=100 + i,
            kind=NodeKind.ACTION,
            title=f"Action {i}",
            status="in_progress",
            owner=f"Subcommittee {i % 7}",
            target_date=dt.date(2025 + i % 4, 6, 30),
        )
        for i in range(ACTIONS)
    )
    indicators = Node.objects.bulk_create(
        Node(
            plan=plan,
            parent=areas[i % 4],
            position=1000 + i,
            kind=NodeKind.INDICATOR,
            title=f"Indicator {i}",
            unit="%",
            direction="increase",
            baseline_value=Decimal(20),
            baseline_date=dt.date(2020, 1, 1),
            target_value=Decimal(40),
        )
        for i in range(INDICATORS)
    )
    ProgressUpdate.objects.bulk_create(
        ProgressUpdate(node=action, date=dt.date(2024, 1, 1) + dt.timedelta(days=30 * k), status="in_progress")
        for action in actions
        for k in range(UPDATES_PER_ACTION)
    )
    Measurement.objects.bulk_create(
        Measurement(
            node=indicator,
            period_end=dt.date(2014 + k, 12, 31),
            # Every fifth is about a group too small to publish, so suppression is measured too.
            value=Decimal(20 + k) if k % 5 else Decimal(2),
            numerator=20 + k if k % 5 else 2,
            denominator=100 if k % 5 else 3,
        )
        for indicator in indicators
        for k in range(MEASUREMENTS_PER_INDICATOR)
    )
    plan_publish(plan=plan, notes="Benchmark.")
    return plan


def main() -> None:
    with benchmark_database():
        plan = build_plan("bench")
        client = Client()
        pages = {
            "actions page": f"/plans/{plan.slug}/actions/",
            "actions page, filtered and sorted": f"/plans/{plan.slug}/actions/?status=overdue&sort=-target",
            # A day before the version was published: the statuses come from the actions' history too.
            "actions page as of a year ago": f"/plans/{plan.slug}/actions/?as_of={dt.date.today().year - 1}-06-30",
            "actions CSV": f"/plans/{plan.slug}/actions.csv",
            "indicators page (100 SVG charts)": f"/plans/{plan.slug}/indicators/",
            "measurements CSV": f"/plans/{plan.slug}/indicators.csv",
            "annual report": f"/plans/{plan.slug}/reports/{dt.date.today().year}/",
        }
        print(
            f"{ACTIONS} actions x {UPDATES_PER_ACTION} updates, "
            f"{INDICATORS} indicators x {MEASUREMENTS_PER_INDICATOR} measurements"
        )

        def built(url: str):
            # Built again, not served from the page cache (plans.caching).
            cache.clear()
            return client.get(url)

        for label, url in pages.items():
            assert client.get(url).status_code == 200, url
            median = median_time(lambda url=url: built(url))
            with CaptureQueriesContext(connection) as queries:
                built(url)
            count = len(queries)  # before the next request empties the query log
            client.get(url)
            cached = median_time(lambda url=url: client.get(url))
            print(
                f"{label} (median of 5): {median * 1000:.1f} ms, {count} SQL queries; "
                f"from the page cache {cached * 1000:.1f} ms"
            )
        print(f"database: {connection.vendor}")


if __name__ == "__main__":
    main()
