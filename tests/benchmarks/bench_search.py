"""Benchmark: searching a 500-section plan that has ten published versions.

Prints figures; asserts nothing. Runs on a throw-away test database (SQLite in memory, or
test_<name> on the server DATABASE_URL points at):

    .venv/bin/python tests/benchmarks/bench_search.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dei_bench .venv/bin/python tests/benchmarks/bench_search.py
"""

from __future__ import annotations

import random
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from generated import generated_plan
from harness import benchmark_database, median_time  # sets Django up; import first

from plans.models import Node, NodeKind, Plan
from plans.services import plan_publish
from search.models import IndexedSection
from search.query import parse_query
from search.selectors import search_readable_plans, search_version
from search.services import version_index

SECTIONS = 500
VERSIONS = 10
QUERIES = [
    "mentoring",
    "career advancement",
    '"climate survey"',
    "retention -survey",
    "leadership or governance",
    "xylophone",  # no hits
]

# Plain words for the plan's text; the queries' words among them, at different frequencies.
COMMON = tuple(
    str.split(
        "members collaboration committee plan work meeting group people support year report "
        "institute students researchers data policy review process access training time new "
        "survey results action goal indicator progress share staff engineers visitors plenary"
    )
)
RARE = tuple(str.split("mentoring career advancement climate retention leadership governance childcare travel"))


def paragraph(rng: random.Random, words: int = 60) -> str:
    chosen = [rng.choice(RARE) if rng.random() < 0.03 else rng.choice(COMMON) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def build_plan(slug: str) -> Plan:
    rng = random.Random(2026)
    return generated_plan(
        slug,
        sections=SECTIONS,
        area_body=lambda _i: paragraph(rng),
        action_title=lambda i: f"Action {i} on {rng.choice(COMMON)} {rng.choice(RARE)}",
        body=lambda _i: f"{paragraph(rng)}\n\n{paragraph(rng)}",
    )


def main() -> None:
    with benchmark_database():
        plan = build_plan("bench")
        rng = random.Random(7)
        nodes = list(Node.objects.filter(plan=plan, kind=NodeKind.ACTION))
        publish_times = []
        for number in range(VERSIONS):
            for node in rng.sample(nodes, 10):
                node.body = f"{node.body}\n\n{paragraph(rng, 20)}"
                node.save()
            start = time.perf_counter()
            version = plan_publish(plan=plan, notes=f"Version {number + 1}.")
            publish_times.append(time.perf_counter() - start)
        rows = IndexedSection.objects.count()
        print(f"plan: {SECTIONS} sections, {VERSIONS} published versions, {rows} index rows")
        publish_median = sorted(publish_times)[VERSIONS // 2]
        print(f"publish one version, indexing included (median of {VERSIONS}): {publish_median * 1000:.1f} ms")
        index_time = median_time(lambda: version_index(version=version, replace=True))
        print(f"index one {SECTIONS}-section version (median of 5): {index_time * 1000:.1f} ms")

        client = Client()
        print(f"{'query':<28} {'hits':>5} {'one query':>10} {'page':>9} {'all plans':>10}")
        for text in QUERIES:
            query = parse_query(text)
            results = search_version(query, version, versioned=False)
            one = median_time(lambda query=query: search_version(query, version, versioned=False), repeat=21)
            page = median_time(lambda text=text: client.get(f"/plans/{plan.slug}/search/", {"q": text}), repeat=21)
            every = median_time(lambda query=query: search_readable_plans(query, None), repeat=21)
            print(f"{text:<28} {results.total:>5} {one * 1000:>8.2f}ms {page * 1000:>7.2f}ms {every * 1000:>8.2f}ms")
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/plans/{plan.slug}/search/", {"q": "mentoring"})
        print(f"search page SQL queries: {len(queries)} (one of them the search)")
        print(f"database: {connection.vendor}")


if __name__ == "__main__":
    main()
