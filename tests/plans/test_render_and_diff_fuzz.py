"""Fuzzing the Markdown renderer and the differ: any text, any pair of snapshots, never an
exception, and the guarantees they give (sanitised HTML; edit scripts that rebuild both texts)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.diff import diff_snapshots, diff_text, text_opcodes, tokenize
from plans.markdown import render_markdown

from .test_markdown import elements

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

MARKDOWN_PIECES = [
    "# Heading",
    "## 2.1 Sub",
    "[1]",
    "[12](https://example.org)",
    "[x](javascript:alert(1))",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "**bold** _em_ ~~del~~",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "> quote",
    ">" * 60 + " deep",
    "- item\n  - nested",
    "1. one\n2. two",
    "```\ncode\n```",
    "[" * 40,
    "*" * 40,
    "\u0000",
    "\u202e",
    "&amp; &#0; &#x110000;",
    "\n\n",
]


def markdown_texts():
    return st.lists(st.one_of(st.sampled_from(MARKDOWN_PIECES), st.text(max_size=30)), max_size=25).map(" ".join)


@FUZZ
@given(markdown_texts(), st.sets(st.sampled_from(["1", "2", "12"])))
def test_markdown_renders_anything_to_sanitised_html(text, references):
    html = str(render_markdown(text, references))

    for tag, attributes in elements(html):
        assert tag not in ("script", "img", "iframe", "style"), html
        assert not any(name.startswith("on") for name in attributes), html
        assert not attributes.get("href", "").lower().startswith(("javascript:", "data:")), html


def texts():
    words = st.sampled_from(
        ["the", "plan", "équipe", "cafe\u0301", "👩‍🔬", "🇫🇷", "a", ".", "\n", "\n\n", " ", "-", "[1]"]
    )
    return st.one_of(st.text(max_size=80), st.lists(words, max_size=60).map("".join))


@FUZZ
@given(texts(), texts())
def test_the_edit_script_rebuilds_both_texts(old, new):
    ops = text_opcodes(old, new)

    # The differ reads CRLF and CR as LF (a browser's textarea sends CRLF): otherwise exact.
    assert "".join(text for tag, text in ops if tag in "=-") == one_line_ending(old)
    assert "".join(text for tag, text in ops if tag in "=+") == one_line_ending(new)
    assert "".join(tokenize(old)) == old
    html = str(diff_text(old, new))
    assert "<script" not in html


def one_line_ending(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


SECTION_KINDS = ["narrative", "definition", "area", "goal", "action", "indicator"]


@st.composite
def snapshots(draw):
    # Ids are unique within a snapshot (they are row ids), labels too (a unique constraint).
    ids = iter(draw(st.permutations(range(1, 40))))

    def sections(depth: int):
        items = []
        for _ in range(draw(st.integers(min_value=0, max_value=3 if depth < 3 else 0))):
            kind = draw(st.sampled_from(SECTION_KINDS))
            section = {
                "id": next(ids) if draw(st.booleans()) else None,
                "number": "1",
                "anchor": "s-1",
                "kind": kind,
                "title": draw(st.sampled_from(["Introduction", "Scope", "Goals", ""]) | st.text(max_size=10)),
                "body": draw(texts()),
                "children": sections(depth + 1),
            }
            if kind == "action":
                section |= {"status": draw(st.sampled_from(["planned", "done", "someday", ""])), "owner": "Board"}
                section["target_date"] = draw(st.one_of(st.none(), st.just(dt.date(2026, 1, 1).isoformat())))
            if kind == "indicator":
                section |= {
                    "unit": draw(st.sampled_from(["%", "people", ""])),
                    "baseline_value": draw(st.one_of(st.none(), st.sampled_from(["20", "0.5", "1E+3"]))),
                    "direction": draw(st.sampled_from(["increase", "sideways", ""])),
                }
                if draw(st.booleans()):
                    section["counts_people"] = draw(st.booleans())
            items.append(section)
        return items

    references = draw(
        st.lists(
            st.fixed_dictionaries(
                {"label": st.sampled_from(["1", "2", "x"]), "text": st.text(max_size=10), "url": st.just("")}
            ),
            max_size=3,
            unique_by=lambda reference: reference["label"],
        )
    )
    return {
        "schema": 1,
        "plan": {"title": draw(st.text(max_size=10)), "description": draw(texts())},
        "sections": sections(1),
        "references": references,
    }


@FUZZ
@given(snapshots(), snapshots())
def test_any_two_snapshots_compare(old, new):
    diff = diff_snapshots(old, new)

    assert isinstance(diff.summary, list)
    for change in diff.sections:
        for field in change.fields:
            assert "<script" not in str(field.html)


@FUZZ
@given(snapshots())
def test_a_snapshot_compared_with_itself_has_no_changes(snapshot):
    assert diff_snapshots(snapshot, snapshot).is_empty
