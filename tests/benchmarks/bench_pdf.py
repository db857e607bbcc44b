"""Benchmark: typesetting the PDF of a 500-section plan with ten published versions.

Prints figures; asserts nothing. Runs on a throw-away test database (SQLite in memory, or
test_<name> on the server DATABASE_URL points at):

    .venv/bin/python tests/benchmarks/bench_pdf.py
"""

from __future__ import annotations

import datetime as dt
import io
import statistics
import time
from collections.abc import Callable
from decimal import Decimal

import pypdf
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from generated import generated_plan
from harness import benchmark_database  # sets Django up; import first

from plans.models import Direction, Node, NodeKind, Plan, Reference, VersionDocument
from plans.pdf import compile_pdf, version_source
from plans.pdf.documents import version_pdf_build
from plans.services import plan_publish
from tracking.models import Measurement

SECTIONS = 500
VERSIONS = 10
BODY = (
    "A paragraph of plan text citing [1], with *emphasis*, **strong** words and a "
    "[link](https://example.org/plan).\n\n- one point\n- another point\n\n"
    "A second paragraph, long enough to wrap over a few lines of the page so that the "
    "typesetter has real line breaking to do, as a plan's sections do.\n"
)


def _indicators(plan: Plan, _areas: list, goals: list) -> int:
    """40 indicators with a year of monthly values, under the goals."""
    indicators = Node.objects.bulk_create(
        Node(
            plan=plan,
            parent=goals[i % 16],
            position=100 + i,
            kind=NodeKind.INDICATOR,
            title=f"Indicator {i}",
            body=BODY,
            unit="%",
            direction=Direction.INCREASE,
            baseline_value=Decimal(20),
            baseline_date=dt.date(2024, 1, 1),
            target_value=Decimal(40),
            target_date=dt.date(2028, 12, 31),
        )
        for i in range(40)
    )
    Measurement.objects.bulk_create(
        Measurement(node=indicator, period_end=dt.date(2025, month, 28), value=Decimal(20 + month), denominator=200)
        for indicator in indicators
        for month in range(1, 13)
    )
    return len(indicators)


def build_plan(slug: str) -> Plan:
    """4 areas, 16 goals, 40 indicators with a year of monthly values, and actions up to 500 sections."""
    plan = generated_plan(
        slug, sections=SECTIONS, body=BODY, area_body=BODY, goal_body=BODY, before_actions=_indicators
    )
    Reference.objects.create(plan=plan, label="1", text="The code of conduct.", url="https://example.org/coc")
    return plan


def timed(func: Callable[[], object], repeat: int) -> str:
    """Median wall time and median CPU time of `repeat` calls. On a busy machine the wall time
    waits for a core; the CPU time (all of this process's threads) is what the work costs."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        func()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return f"{statistics.median(walls) * 1000:.0f} ms (CPU {statistics.median(cpus) * 1000:.0f} ms), median of {repeat}"


def main() -> None:
    with benchmark_database():
        plan = build_plan("bench")
        first = Node.objects.filter(plan=plan, kind=NodeKind.ACTION).first()
        for number in range(VERSIONS):
            first.title = f"Action edited for version {number}"
            first.save()
            version = plan_publish(plan=plan, notes=f"Version {number + 1} of the benchmark.")
        assert Node.objects.filter(plan=plan).count() == SECTIONS
        print(f"plan: {SECTIONS} sections (40 indicators with 12 values each), {VERSIONS} published versions")

        print(f"version PDF: Typst source built: {timed(lambda: version_source(version), 3)}")
        source = version_source(version)
        print(
            f"version PDF: compiled by Typst: {timed(lambda: compile_pdf(source, timestamp=version.published_at), 3)}"
        )
        print(
            f"version PDF build time (source, compile, store): {timed(lambda: version_pdf_build(version=version), 3)}"
        )
        pdf = bytes(VersionDocument.objects.get(version=version).content)
        pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
        print(f"version PDF: {pages} pages, {len(pdf) / 1024:.0f} KiB")

        client = Client()
        url = f"/plans/{plan.slug}/v/{version.number}.pdf"
        print(f"version PDF request, stored copy: {timed(lambda: client.get(url), 10)}")
        etag = client.get(url)["ETag"]
        print(f"version PDF request, 304 Not Modified: {timed(lambda: client.get(url, HTTP_IF_NONE_MATCH=etag), 10)}")

        report_url = f"/plans/{plan.slug}/reports/{timezone.localdate().year}.pdf"

        def report_cold():
            cache.clear()
            return client.get(report_url)

        print(f"annual report PDF, typeset on request: {timed(report_cold, 3)}")
        print(f"annual report PDF, cached copy: {timed(lambda: client.get(report_url), 5)}")
        print(f"measured at {time.strftime('%Y-%m-%d %H:%M')}")


if __name__ == "__main__":
    main()
