"""What the index holds of a section, and how a marked snippet becomes safe HTML."""

from __future__ import annotations

import pytest

from search.text import MARK_END, MARK_START, markdown_text, section_facts, snapshot_sections, snippet_html


def test_markdown_is_indexed_as_the_words_a_reader_sees():
    text = markdown_text("# Heading\n\nSome *emphasis* and **strong**,\n\n- one\n- two\n\n[a link](https://x.org) [1]")
    assert text == "Heading Some emphasis and strong, one two a link [1]"


def test_raw_html_in_markdown_is_indexed_as_the_text_readers_see():
    assert markdown_text("<b>bold</b> & more") == "<b>bold</b> & more"


def test_facts_of_a_kind_are_labelled_and_dates_left_out():
    section = {
        "kind": "action",
        "title": "Run a mentoring scheme",
        "body": "",
        "owner": "Mentoring subcommittee",
        "leads": "Ana, Bo",
        "status": "in_progress",
        "start_date": "2026-01-01",
        "target_date": "2027-06-30",
    }
    assert section_facts(section) == "Owner: Mentoring subcommittee. Leads: Ana, Bo. Status: In progress."


def test_every_section_of_a_snapshot_in_document_order():
    def section(id_, number, title, body="", children=()):
        anchor = "s-" + number.replace(".", "-")
        return {"id": id_, "number": number, "anchor": anchor, "kind": "narrative", "title": title, "body": body,
                "children": list(children)}  # fmt: skip

    snapshot = {
        "plan": {"title": "P"},
        "sections": [section(7, "1", "One", "First.", [section(9, "1.1", "Sub")]), section(8, "2", "Two\x00")],
    }
    rows = list(snapshot_sections(snapshot))
    assert [(r.position, r.section_id, r.number, r.anchor, r.title, r.text) for r in rows] == [
        (0, 7, "1", "s-1", "One", "First."),
        (1, 9, "1.1", "s-1-1", "Sub", ""),
        (2, 8, "2", "s-2", "Two", ""),
    ]


@pytest.mark.parametrize(
    ("marked", "html"),
    [
        (f"a {MARK_START}mentor{MARK_END} b", "a <mark>mentor</mark> b"),
        (f"<script>{MARK_START}x{MARK_END}</script>", "&lt;script&gt;<mark>x</mark>&lt;/script&gt;"),
        (f"{MARK_START}unclosed", "<mark>unclosed</mark>"),
        (f"stray{MARK_END} {MARK_START}{MARK_START}twice{MARK_END}", "stray <mark>twice</mark>"),
        ("Tom & Jerry <3", "Tom &amp; Jerry &lt;3"),
        (None, ""),
    ],
)
def test_snippets_are_escaped_and_marks_balanced(marked, html):
    assert snippet_html(marked) == html
