"""Benchmark of the differ: two 50 KB bodies, and a 500-section snapshot, compared.

A script, not a test: `make bench` (tests/benchmarks/run.py) runs it and prints the figures.
The requirement is "well under a second" for two 50 KB bodies with scattered edits.
"""

from __future__ import annotations

import copy
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dei_portal.settings.test")

import django

django.setup()

from plans.diff import diff_snapshots, diff_text  # noqa: E402

SIZE = 50_000


def _words(rng: random.Random) -> list[str]:
    common = [
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "with",
        "as",
        "on",
        "by",
        "are",
        "we",
        "our",
        "this",
        "be",
        "at",
    ]
    rare = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 10))) for _ in range(1500)]
    return common * 40 + rare


def _sentence(rng: random.Random, words: list[str]) -> str:
    return " ".join(rng.choice(words) for _ in range(rng.randint(6, 28))).capitalize() + rng.choice(".....?!")


def _text(rng: random.Random, words: list[str], *, paragraph_sep: str) -> str:
    paragraphs: list[str] = []
    while sum(len(p) for p in paragraphs) < SIZE:
        paragraphs.append(" ".join(_sentence(rng, words) for _ in range(rng.randint(3, 9))))
    return paragraph_sep.join(paragraphs)[:SIZE]


def _edit(rng: random.Random, words: list[str], text: str, edits: int) -> str:
    tokens = text.split(" ")
    for _ in range(edits):
        i = rng.randrange(len(tokens))
        action = rng.random()
        if action < 0.4:
            tokens[i] = rng.choice(words)
        elif action < 0.7:
            tokens.insert(i, " ".join(rng.choice(words) for _ in range(rng.randint(1, 6))))
        else:
            del tokens[i : i + rng.randint(1, 4)]
    return " ".join(tokens)


def _every_sentence_edited(rng: random.Random, words: list[str], text: str) -> str:
    sentences = text.split(". ")
    for i, sentence in enumerate(sentences):
        tokens = sentence.split(" ")
        tokens[rng.randrange(len(tokens))] = rng.choice(words)
        sentences[i] = " ".join(tokens)
    return ". ".join(sentences)


def _snapshot(rng: random.Random, words: list[str], sections: int) -> dict:
    counter = iter(range(1, sections + 1))

    def node(depth: int) -> dict:
        return {
            "id": next(counter),
            "kind": "narrative",
            "title": _sentence(rng, words)[:60],
            "body": " ".join(_sentence(rng, words) for _ in range(rng.randint(2, 12))),
            "children": [],
        }

    roots = []
    nodes = []
    for _ in range(sections):
        item = node(1)
        parents = [n for n in nodes if len(n["children"]) < 8]
        if nodes and rng.random() < 0.8:
            rng.choice(parents[-40:] or nodes)["children"].append(item)
        else:
            roots.append(item)
        nodes.append(item)
    snapshot = {"plan": {"title": "Bench", "description": ""}, "sections": roots, "references": []}
    _number(snapshot["sections"], "")
    return snapshot


def _number(sections: list[dict], prefix: str) -> None:
    for index, section in enumerate(sections, start=1):
        section["number"] = f"{prefix}{index}"
        section["anchor"] = "s-" + section["number"].replace(".", "-")
        _number(section["children"], section["number"] + ".")


def _all(sections: list[dict]) -> list[dict]:
    result = []
    for section in sections:
        result.append(section)
        result.extend(_all(section["children"]))
    return result


def _edited_snapshot(rng: random.Random, words: list[str], snapshot: dict) -> dict:
    new = copy.deepcopy(snapshot)
    nodes = _all(new["sections"])
    for section in rng.sample(nodes, 50):
        section["body"] = _edit(rng, words, section["body"], 3)
    leaves = [section for section in nodes if not section["children"]]
    for section in rng.sample(leaves, 5):  # move five leaves to the end of the top level
        for parent in nodes:
            if section in parent["children"]:
                parent["children"].remove(section)
        if section in new["sections"]:
            new["sections"].remove(section)
        new["sections"].append(section)
    new["sections"].insert(0, {"id": 10_000, "kind": "narrative", "title": "New", "body": "Brand new.", "children": []})
    _number(new["sections"], "")
    return new


def _best_of(runs: int, func: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    rng = random.Random(20261128)
    words = _words(rng)
    lines = _text(rng, words, paragraph_sep="\n\n")
    one_line = _text(rng, words, paragraph_sep=" ")
    other = _text(rng, words, paragraph_sep="\n\n")
    cases = [
        ("50 KB Markdown, 100 scattered edits", lines, _edit(rng, words, lines, 100)),
        ("50 KB in one line, 100 scattered edits", one_line, _edit(rng, words, one_line, 100)),
        ("50 KB, every sentence edited", lines, _every_sentence_edited(rng, words, lines)),
        ("50 KB, rewritten completely", lines, other),
        ("50 KB, identical", lines, lines),
    ]
    print("diff_text (best of 3):")
    for name, old, new in cases:
        seconds = _best_of(3, lambda old=old, new=new: diff_text(old, new))
        print(f"  {name:<44} {len(old) // 1000:>3} KB -> {len(new) // 1000:>3} KB  {seconds * 1000:8.1f} ms")
    old_snapshot = _snapshot(rng, words, 500)
    new_snapshot = _edited_snapshot(rng, words, old_snapshot)
    seconds = _best_of(3, lambda: diff_snapshots(old_snapshot, new_snapshot))
    result = diff_snapshots(old_snapshot, new_snapshot)
    summary = ", ".join(f"{count} {name}" for name, count in result.summary)
    print("diff_snapshots (best of 3):")
    print(f"  500 sections, {summary}: {seconds * 1000:.1f} ms")


if __name__ == "__main__":
    main()
