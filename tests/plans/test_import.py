"""The plan importer: text pasted from a PDF, Markdown, JSON exports, bad input, the command."""

from __future__ import annotations

import json
import os
import textwrap
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from plans.importers import PlanImportError, mend_hyphenation, plan_import, plan_parse
from plans.models import Direction, Node, NodeKind, Plan, Reference, Visibility
from plans.services import plan_publish
from plans.snapshot import plan_snapshot, snapshot_content, snapshot_hash, version_export
from plans.tree import plan_tree, walk
from tests.conftest import add_node, node

SEED_NAME = "us-cms-dei-plan-overview.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def seed_file() -> Path:
    seed_dir = os.environ.get("DEI_SEED_DIR")
    base = Path(seed_dir) if seed_dir else Path(__file__).resolve().parents[3] / "shared" / "seed"
    return base / SEED_NAME


def numbered(plan: Plan) -> list[tuple[str, str]]:
    return [(item.number, item.node.title) for item in walk(plan_tree(plan))]


# --- The seed: text pasted from the U.S. CMS plan's PDF ---------------------------------


@pytest.mark.django_db
def test_seed_file_gives_numbered_sections_joined_words_and_a_missing_reference():
    path = seed_file()
    if not path.exists():
        pytest.skip(f"The seed file {path} is not here (set DEI_SEED_DIR to the folder holding it).")

    plan = plan_import(source=path.read_bytes(), slug="us-cms-dei", title="U.S. CMS DEI plan")

    assert numbered(plan) == [
        ("1", "Introduction"),
        ("2", "Defining Diversity, Equity, and Inclusion"),
        ("2.1", "Diversity"),
        ("2.2", "Equity"),
        ("2.3", "Inclusion"),
    ]
    assert plan.title == "U.S. CMS DEI plan"
    assert all(n.kind == NodeKind.NARRATIVE for n in Node.objects.filter(plan=plan))
    diversity = node(plan, "Diversity").body
    assert "“invisible” aspects (e.g." in diversity
    assert "as- pects" not in diversity
    inclusion = node(plan, "Inclusion").body
    assert "each individual is respected" in inclusion
    introduction = node(plan, "Introduction").body
    paragraphs = introduction.split("\n\n")
    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("The U.S. CMS Collaboration is committed")
    assert paragraphs[1].startswith("Our DEI framework")
    (reference,) = Reference.objects.filter(plan=plan)
    assert reference.label == "1"
    assert reference.is_missing_text


@pytest.mark.django_db
def test_seed_file_title_defaults_to_the_text_before_the_first_heading():
    path = seed_file()
    if not path.exists():
        pytest.skip(f"The seed file {path} is not here (set DEI_SEED_DIR to the folder holding it).")

    plan = plan_import(source=path.read_text(encoding="utf-8"), slug="seed")

    assert plan.title == "Overview"


# --- Plain text -------------------------------------------------------------------------

PDF_TEXT = """\
Our Inclusion Plan

1 Introduction
This plan sets out how the collaboration
will welcome new members. It was written
in 2024 by the committee.

2 people from each institute joined the first meeting.

2 Definitions

2.1. Diversity
Diversity covers indi-
vidual backgrounds, full- and part-time staff, and long- or short-term
visitors, and all as- pects of identity.
2.2. Equity
Equity means fair access [2].
3 Members of the committee meet monthly.
2.3 Inclusion
Everyone is heard.

3 References
[1] CMS Code of Conduct, https://cms.cern/
collaboration/code-of-conduct
[2] A report on equity in physics, with a citation
that wraps, 2021.
"""


@pytest.mark.django_db
def test_text_headings_follow_the_numbering_and_prose_numbers_stay_prose():
    plan = plan_import(source=PDF_TEXT, slug="text-plan")

    assert numbered(plan) == [
        ("1", "Introduction"),
        ("2", "Definitions"),
        ("2.1", "Diversity"),
        ("2.2", "Equity"),
        ("2.3", "Inclusion"),
    ]
    assert plan.title == "Our Inclusion Plan"
    introduction = node(plan, "Introduction").body
    assert introduction == (
        "This plan sets out how the collaboration will welcome new members. It was written in 2024 by the committee."
        "\n\n2 people from each institute joined the first meeting."
    )
    # "3 Members ... monthly." ends with a full stop: prose, not section 3.
    assert node(plan, "Equity").body == "Equity means fair access [2]. 3 Members of the committee meet monthly."


@pytest.mark.django_db
def test_text_mends_words_broken_by_hyphens_but_keeps_suspended_hyphens():
    plan = plan_import(source=PDF_TEXT, slug="text-plan")

    assert node(plan, "Diversity").body == (
        "Diversity covers individual backgrounds, full- and part-time staff, and long- or short-term "
        "visitors, and all aspects of identity."
    )


@pytest.mark.parametrize(
    ("pdf", "mended"),
    [
        ("as- pects", "aspects"),
        ("each indi- vidual is", "each individual is"),
        ("full- and part-time", "full- and part-time"),
        ("long- or short-term", "long- or short-term"),
        ("pre- to post-doctoral", "pre- to post-doctoral"),
        ("COVID- 19", "COVID- 19"),
        ("a - b", "a - b"),
    ],
)
def test_mend_hyphenation(pdf, mended):
    assert mend_hyphenation(pdf) == mended


def test_compounds_the_document_spells_with_a_hyphen_keep_it():
    text = (
        "1 Leadership\nWe share decision-making. Leadership and decision-\nmaking roles, and decision- making\n"
        "bodies, are open to every indi-\nvidual.\n"
    )

    (section,) = plan_parse(text).sections

    assert section.body == (
        "We share decision-making. Leadership and decision-making roles, and decision-making bodies, "
        "are open to every individual."
    )


@pytest.mark.django_db
def test_text_reference_list_with_wrapped_citations_and_urls():
    plan = plan_import(source=PDF_TEXT, slug="text-plan")

    references = list(Reference.objects.filter(plan=plan).values_list("label", "text", "url"))
    assert references == [
        ("1", "CMS Code of Conduct", "https://cms.cern/collaboration/code-of-conduct"),
        ("2", "A report on equity in physics, with a citation that wraps, 2021.", ""),
    ]
    assert not Node.objects.filter(plan=plan, title__icontains="References").exists()


def test_text_unnumbered_references_heading_and_missing_citations():
    parsed = plan_parse("1 Scope\nAs shown in [1] and [3].\n\nReferences\n[1] Code of Conduct\n")

    assert [s.title for s in parsed.sections] == ["Scope"]
    assert [(r.label, r.text) for r in parsed.references] == [("1", "Code of Conduct"), ("3", "")]


def test_text_reference_list_numbered_without_brackets():
    parsed = plan_parse(
        "1 Scope\nAs in [2].\n\n2 References\n1. Code of Conduct\n2. A report,\nhttps://example.org/r\n"
    )

    assert [(r.label, r.text, r.url) for r in parsed.references] == [
        ("1", "Code of Conduct", ""),
        ("2", "A report", "https://example.org/r"),
    ]


@pytest.mark.parametrize(
    "prose",
    [
        "2 people came.",  # ends with a full stop
        "2 people came to the meeting",  # starts lower case
        "3 Members came",  # 3 does not follow 1
        "1.2 Members came",  # 1.2 does not follow 1 (1.1 would)
        # Too long for a heading:
        "2 Members of the committee and the many observers who came to the first meeting in Geneva last spring",
    ],
)
def test_text_lines_that_are_not_headings(prose):
    parsed = plan_parse(f"1 Introduction\nSome text.\n\n{prose}\n")

    assert [s.title for s in parsed.sections] == ["Introduction"]
    assert prose in parsed.sections[0].body


def test_text_line_continuing_a_sentence_is_not_a_heading():
    parsed = plan_parse("1 Introduction\nThe committee has grown to\n2 Members in March and will grow\n")

    assert len(parsed.sections) == 1
    assert parsed.sections[0].body == "The committee has grown to 2 Members in March and will grow"


def test_text_numbered_list_is_not_taken_for_headings():
    parsed = plan_parse("1 Introduction\nWe will:\n1. Listen\n2. Act\n\n2 Next steps\nMore.\n")

    assert [s.title for s in parsed.sections] == ["Introduction", "Next steps"]
    assert parsed.sections[0].body == "We will:\n1. Listen\n2. Act"


def test_text_bullets_become_markdown_list_items_and_page_numbers_go():
    parsed = plan_parse("1 Actions\n• Mentoring for new\nmembers\n• Annual survey\n\n7\n\nEnd.\n")

    assert parsed.sections[0].body == "- Mentoring for new members\n- Annual survey\n\nEnd."


@pytest.mark.django_db
def test_title_falls_back_to_the_slug_in_words():
    plan = plan_import(source="1 Introduction\nText.\n", slug="equity-plan")

    assert plan.title == "Equity Plan"


# --- Markdown ---------------------------------------------------------------------------

MARKDOWN = """\
# Inclusion Plan of the Detector Group

A short plan.

## 1 Introduction

Why we do this [1].

```
# not a heading
```

## 2 Definitions

### 2.1 Diversity

Many kinds of people,
on *wrapped* lines.

### 2.2 Equity

Fair access [4].

## References

- [1] Code of Conduct, <https://example.org/coc>
- [2] A citation
  that wraps.
"""


@pytest.mark.django_db
def test_markdown_headings_nest_by_level_under_the_document_title():
    plan = plan_import(source=MARKDOWN.encode(), slug="md-plan", visibility=Visibility.MEMBERS)

    assert plan.title == "Inclusion Plan of the Detector Group"
    assert plan.description == "A short plan."
    assert plan.visibility == Visibility.MEMBERS
    assert numbered(plan) == [("1", "Introduction"), ("2", "Definitions"), ("2.1", "Diversity"), ("2.2", "Equity")]
    assert node(plan, "Introduction").body == "Why we do this [1].\n\n```\n# not a heading\n```"
    assert node(plan, "Diversity").body == "Many kinds of people,\non *wrapped* lines."
    references = list(Reference.objects.filter(plan=plan).values_list("label", "text", "url"))
    assert references == [
        ("1", "Code of Conduct", "https://example.org/coc"),
        ("2", "A citation that wraps.", ""),
        ("4", "", ""),
    ]


def test_markdown_without_a_title_heading_keeps_every_heading_as_a_section():
    parsed = plan_parse("Plan for 2025\n\n# Introduction\nText.\n\n# Goals\n\n## Retention\nKeep people.\n")

    assert parsed.title == "Plan for 2025"
    assert [s.title for s in parsed.sections] == ["Introduction", "Goals"]
    assert [s.title for s in parsed.sections[1].children] == ["Retention"]


def test_markdown_reads_the_portals_own_markdown_export():
    text = (
        "# Test plan\n\nVersion 1.0, published 2026-01-01.\n\n## 1 Introduction\n\nAs agreed in [1].\n\n"
        "## References\n\n[1] (citation to be added)\n\n[2] Code of Conduct, https://example.org/coc\n"
    )

    parsed = plan_parse(text)

    assert parsed.title == "Test plan"
    assert [(r.label, r.text, r.url) for r in parsed.references] == [
        ("1", "", ""),
        ("2", "Code of Conduct", "https://example.org/coc"),
    ]


def test_markdown_numbers_are_kept_when_most_headings_have_none():
    parsed = plan_parse("# Introduction\nText.\n\n# 10 Steps to Inclusion\nMore.\n\n# Summary\nEnd.\n")

    assert [s.title for s in parsed.sections] == ["Introduction", "10 Steps to Inclusion", "Summary"]


def test_markdown_with_only_underlined_headings():
    parsed = plan_parse("Introduction\n============\n\nText.\n\nGoals\n=====\n\nMore.\n")

    assert parsed.format == "markdown"
    assert [s.title for s in parsed.sections] == ["Introduction", "Goals"]


# --- JSON export round trip -------------------------------------------------------------


@pytest.fixture
def exported(make_plan, make_user) -> tuple[Plan, dict]:
    """A published plan with an indicator (decimals, dates) and its JSON export."""
    source = make_plan("source-plan")
    area = Node.objects.get(plan=source, kind=NodeKind.AREA)
    goal = Node.objects.get(plan=source, kind=NodeKind.GOAL)
    Node.objects.filter(plan=source, kind=NodeKind.ACTION).update(
        start_date=date(2025, 1, 15), target_date=date(2026, 6, 30), leads="A. Person, B. Person"
    )
    add_node(
        source,
        "Share of women among conveners",
        parent=area,
        kind=NodeKind.INDICATOR,
        body="Conveners who are women, as a share of all conveners.",
        unit="%",
        direction=Direction.INCREASE,
        data_source="Collaboration database",
        baseline_value=Decimal("12.5000"),
        baseline_date=date(2024, 1, 1),
        target_value=Decimal("20.0000"),
        target_date=date(2027, 12, 31),
    )
    add_node(source, "New members per year", parent=goal, kind=NodeKind.INDICATOR, baseline_value=Decimal("0.0001"))
    version = plan_publish(plan=source, user=make_user(), notes="First version.")
    return source, json.loads(json.dumps(version_export(version)))


@pytest.mark.django_db
def test_json_export_imports_to_the_same_content(exported):
    source, export = exported

    copy = plan_import(source=json.dumps(export).encode(), slug="copy-plan")

    assert copy.title == source.title
    assert snapshot_content(plan_snapshot(copy)) == snapshot_content(plan_snapshot(source))
    assert snapshot_hash(plan_snapshot(copy)) == snapshot_hash(plan_snapshot(source))
    indicator = node(copy, "Share of women among conveners")
    assert indicator.kind == NodeKind.INDICATOR
    assert indicator.baseline_value == Decimal("12.5")
    assert indicator.target_date == date(2027, 12, 31)


@pytest.mark.django_db
def test_json_import_of_a_raw_snapshot_keeps_the_description(plan):
    snapshot = plan_snapshot(plan)

    copy = plan_import(source=json.dumps(snapshot), slug="snapshot-copy")

    assert snapshot_hash(plan_snapshot(copy)) == snapshot_hash(snapshot)


@pytest.mark.django_db
def test_title_option_overrides_the_documents_title(exported):
    _, export = exported

    copy = plan_import(source=json.dumps(export), slug="renamed", title="Renamed plan")

    assert copy.title == "Renamed plan"


# --- History ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_created_rows_have_history_records_naming_the_user(make_user):
    user = make_user()

    plan = plan_import(source=MARKDOWN, slug="md-plan", user=user)

    nodes = list(Node.objects.filter(plan=plan))
    assert nodes
    for item in nodes:
        (record,) = item.history.all()
        assert record.history_type == "+"
        assert record.history_user == user
    for reference in Reference.objects.filter(plan=plan):
        assert reference.history.get().history_user == user


# --- Bad input: a clear error and nothing created -----------------------------------------


def section(**fields) -> dict:
    return {"kind": "narrative", "title": "Introduction", "body": "", "children": [], **fields}


BAD_SOURCES = {
    "empty": (b"", "empty"),
    "only blank lines": (b"  \n\n\t\n", "empty"),
    "no headings": (b"Just some prose.\nNo sections here.\n", "No headings found"),
    "NUL bytes": (b"1 Introduction\n\x00\x01\x02", "binary"),
    "not UTF-8": ("1 Introduction\nCaf\u00e9\n".encode("latin-1"), "not valid UTF-8"),
    "UTF-16": ("1 Introduction\n".encode("utf-16"), "binary"),
    "invalid JSON": (b'{"sections": [', "not valid JSON"),
    "JSON without sections": (b'{"plan": {"title": "X"}}', "needs a list of 'sections'"),
    "JSON with no sections": (b'{"sections": []}', "no sections"),
    "JSON section without title": (json.dumps({"sections": [section(title="")]}).encode(), "has no title"),
    "JSON section not an object": (b'{"sections": ["Introduction"]}', "not an object"),
    "JSON unknown kind": (json.dumps({"sections": [section(kind="chapter")]}).encode(), "unknown kind"),
    "JSON kind not allowed at top": (
        json.dumps({"sections": [section(kind="goal")]}).encode(),
        "a goal cannot be placed under the top level",
    ),
    "JSON kind not allowed under parent": (
        json.dumps({"sections": [section(kind="definition", children=[section(title="Sub")])]}).encode(),
        "cannot have sections under it",
    ),
    "JSON action without status": (
        json.dumps(
            {"sections": [section(kind="area", children=[section(kind="goal", children=[section(kind="action")])])]}
        ).encode(),
        "needs a status",
    ),
    "JSON bad date": (
        json.dumps(
            {"sections": [section(kind="area", children=[section(kind="indicator", baseline_date="31/12/2025")])]}
        ).encode(),
        "must be a date",
    ),
    "JSON bad decimal": (
        json.dumps(
            {"sections": [section(kind="area", children=[section(kind="indicator", target_value="lots")])]}
        ).encode(),
        "must be a number",
    ),
    "JSON too many decimal places": (
        json.dumps(
            {"sections": [section(kind="area", children=[section(kind="indicator", target_value="1.23456")])]}
        ).encode(),
        "at most 4 decimal places",
    ),
    "JSON bad status": (
        json.dumps(
            {
                "sections": [
                    section(
                        kind="area",
                        children=[section(kind="goal", children=[section(kind="action", status="someday")])],
                    )
                ]
            }
        ).encode(),
        "must be one of",
    ),
    "JSON field of another kind": (
        json.dumps({"sections": [section(owner="Someone")]}).encode(),
        "cannot have 'owner'",
    ),
    "JSON start after target": (
        json.dumps(
            {
                "sections": [
                    section(
                        kind="area",
                        children=[
                            section(
                                kind="goal",
                                children=[
                                    section(
                                        kind="action",
                                        status="planned",
                                        start_date="2026-01-01",
                                        target_date="2025-01-01",
                                    )
                                ],
                            )
                        ],
                    )
                ]
            }
        ).encode(),
        "is after the target date",
    ),
    "JSON duplicate reference": (
        json.dumps(
            {"sections": [section()], "references": [{"label": "1", "text": "A"}, {"label": "1", "text": "B"}]}
        ).encode(),
        "appears twice",
    ),
    "JSON bad reference URL": (
        json.dumps(
            {"sections": [section()], "references": [{"label": "1", "text": "A", "url": "javascript:alert(1)"}]}
        ).encode(),
        "not a valid web address",
    ),
    "JSON newer schema": (json.dumps({"schema": 99, "sections": [section()]}).encode(), "schema 99"),
    "text duplicate reference": (b"1 Intro\nText [1].\n\nReferences\n[1] A\n[1] B\n", "appears twice"),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "message"), BAD_SOURCES.values(), ids=BAD_SOURCES.keys())
def test_bad_input_is_refused_with_one_line_and_creates_nothing(plan, source, message):
    before = (Plan.objects.count(), Node.objects.count(), Reference.objects.count())

    with pytest.raises(PlanImportError, match=message) as caught:
        plan_import(source=source, slug="new-plan")

    assert "\n" not in str(caught.value)
    assert (Plan.objects.count(), Node.objects.count(), Reference.objects.count()) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"slug": "test-plan"}, "already exists"),
        ({"slug": "Not a slug!"}, "not a valid slug"),
        ({"slug": ""}, "not a valid slug"),
        ({"slug": "x" * 51}, "longer than 50"),
        ({"slug": "ok", "visibility": "secret"}, "Visibility must be one of"),
        ({"slug": "ok", "title": "T" * 201}, "longer than 200"),
    ],
)
def test_bad_slug_title_or_visibility_is_refused(plan, options, message):
    before = (Plan.objects.count(), Node.objects.count())

    with pytest.raises(PlanImportError, match=message):
        plan_import(source="1 Introduction\nText.\n", **options)

    assert (Plan.objects.count(), Node.objects.count()) == before


@pytest.mark.django_db
def test_bom_is_accepted():
    plan = plan_import(source=b"\xef\xbb\xbf1 Introduction\nText.\n", slug="bom")

    assert numbered(plan) == [("1", "Introduction")]


@pytest.mark.django_db
def test_failure_while_writing_rolls_everything_back(monkeypatch):
    def fail(*args, **kwargs):
        raise PlanImportError("Disk full.")

    monkeypatch.setattr("plans.importers.service._create_references", fail)

    with pytest.raises(PlanImportError):
        plan_import(source=MARKDOWN, slug="md-plan")

    assert not Plan.objects.exists()
    assert not Node.objects.exists()


# --- The management command -------------------------------------------------------------


@pytest.mark.django_db
def test_command_imports_a_file_and_says_what_it_made(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PDF_TEXT.replace("[2] A report", "[9] A report"), encoding="utf-8")
    out = StringIO()

    call_command("import_plan", str(path), "--slug", "cmd-plan", "--title", "Our plan", stdout=out)

    assert out.getvalue() == (
        "Imported 'Our plan' as /plans/cmd-plan/: 5 sections, 3 references (1 missing its citation text).\n"
    )
    plan = Plan.objects.get(slug="cmd-plan")
    assert plan.visibility == Visibility.PUBLIC


@pytest.mark.django_db
def test_command_reads_markdown_fixture_for_members():
    out = StringIO()

    call_command(
        "import_plan", str(FIXTURES / "small-plan.md"), "--slug", "small", "--visibility", "members", stdout=out
    )

    assert out.getvalue() == "Imported 'Small plan' as /plans/small/: 2 sections, 1 reference.\n"
    assert Plan.objects.get(slug="small").visibility == Visibility.MEMBERS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "slug", "message"),
    [
        (b"", "new", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "new", "binary"),
        (b"1 Introduction\n", "test-plan", "already exists"),
    ],
)
def test_command_refuses_bad_input_with_one_line(plan, tmp_path, content, slug, message):
    path = tmp_path / "plan.txt"
    path.write_bytes(content)
    before = Plan.objects.count()

    with pytest.raises(CommandError, match=message) as caught:
        call_command("import_plan", str(path), "--slug", slug)

    assert "\n" not in str(caught.value)
    assert Plan.objects.count() == before


@pytest.mark.django_db
def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_plan", str(tmp_path / "nowhere.txt"), "--slug", "new")

    assert not Plan.objects.exists()


def test_text_table_of_contents_is_skipped():
    text = (
        "Our plan\nContents\n1 Introduction ........ 2\n2 Definitions ........ 3\n2.1 Diversity ........ 3\n\n"
        "1 Introduction\nWhy.\n\n2 Definitions\nWords.\n\n2.1 Diversity\nPeople.\n"
    )

    parsed = plan_parse(text)

    assert parsed.title == "Our plan"
    assert [(s.title, s.body) for s in parsed.walk()] == [
        ("Introduction", "Why."),
        ("Definitions", "Words."),
        ("Diversity", "People."),
    ]


def test_seed_rewrapped_as_a_pdf_gives_the_same_sections():
    path = seed_file()
    if not path.exists():
        pytest.skip(f"The seed file {path} is not here (set DEI_SEED_DIR to the folder holding it).")
    original = path.read_text(encoding="utf-8")
    rewrapped = "\n\n".join("\n".join(textwrap.wrap(p, 64, break_on_hyphens=False)) for p in original.split("\n\n"))

    assert [(s.title, s.body) for s in plan_parse(rewrapped).walk()] == [
        (s.title, s.body) for s in plan_parse(original).walk()
    ]


def test_markdown_title_heading_with_references_at_the_same_level():
    parsed = plan_parse("# Plan\n\n## Introduction\nText [1].\n\n# References\n\n[1] Code of Conduct\n")

    assert parsed.title == "Plan"
    assert [s.title for s in parsed.sections] == ["Introduction"]
    assert [(r.label, r.text) for r in parsed.references] == [("1", "Code of Conduct")]
