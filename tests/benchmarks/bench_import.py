"""Benchmark of the plan importers: one paragraph of 100 KB and of 400 KB, and a file of 2,000
sections, parsed (text and Markdown) and imported into a throw-away database.

A script, not a test: `make bench` (tests/benchmarks/run.py) runs it and prints the figures.
Import time must grow linearly with the input: the 400 KB / 100 KB ratio should be about 4
(it was about 15 when paragraphs were joined again for every wrapped line).

    .venv/bin/python tests/benchmarks/bench_import.py
"""

from __future__ import annotations

import itertools
import random

from harness import benchmark_database, median_time  # sets Django up; import first

WORDS = [
    "the",
    "committee",
    "reviews",
    "career",
    "advancement",
    "of",
    "members",
    "in",
    "every",
    "institute",
    "and",
    "its",
    "leadership",
    "decision-making",
    "with",
    "care",
    "equity",
    "inclusion",
    "diversity",
    "full-",
    "and",
    "part-time",
    "indi-",
    "vidual",
    "collaboration",
]


def paragraph(size: int, *, seed: int = 1) -> str:
    """About `size` characters of prose, wrapped at 72 columns as text taken from a PDF is."""
    rng = random.Random(seed)
    lines, line, length = [], [], 0
    while length < size:
        word = rng.choice(WORDS)
        line.append(word)
        length += len(word) + 1
        if sum(len(w) + 1 for w in line) > 72:
            lines.append(" ".join(line))
            line = []
    lines.append(" ".join(line))
    return "\n".join(lines)


def text_document(size: int) -> str:
    return f"Our plan\n\n1 Introduction\n\n{paragraph(size)}\n\n2 Scope\n\nWho the plan is for.\n"


def markdown_document(size: int) -> str:
    return f"# Our plan\n\n## Introduction\n\n{paragraph(size)}\n\n## Scope\n\nWho the plan is for.\n"


def sections_document(count: int) -> str:
    return "\n\n".join(f"{number} Section {number}\n\n{paragraph(200, seed=number)}" for number in range(1, count + 1))


def main() -> None:
    from plans.importers import plan_import, plan_parse
    from plans.models import Node

    print("Parsing (no database): median of 3 runs")
    figures = {}
    for name, build in (("text", text_document), ("Markdown", markdown_document)):
        for kb in (100, 400):
            source = build(kb * 1000)
            figures[name, kb] = median_time(lambda source=source: plan_parse(source), repeat=3)
            print(f"  {name:8} one paragraph of {kb:3} KB: {figures[name, kb]:6.3f} s")
        print(f"  {name:8} 400 KB / 100 KB: {figures[name, 400] / figures[name, 100]:.1f} (linear: about 4)")
    source = sections_document(2000)
    parsed = plan_parse(source)
    seconds = median_time(lambda: plan_parse(source), repeat=3)
    size = len(source) // 1000
    print(f"  text     2,000 sections ({size} KB): {seconds:6.3f} s, {len(parsed.sections)} sections read")

    print("Importing into the database (one run each)")
    slugs = (f"bench-{number}" for number in itertools.count())
    with benchmark_database():
        for kb in (100, 400):
            document = text_document(kb * 1000)
            seconds = median_time(lambda document=document: plan_import(source=document, slug=next(slugs)), repeat=1)
            print(f"  text one paragraph of {kb:3} KB: {seconds:6.3f} s")
        plans = []
        seconds = median_time(lambda: plans.append(plan_import(source=source, slug=next(slugs))), repeat=1)
        count = Node.objects.filter(plan=plans[0]).count()
        print(f"  text 2,000 sections: {seconds:6.3f} s, {count} sections saved")


if __name__ == "__main__":
    main()
