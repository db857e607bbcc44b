"""Fuzzing the plan importers (text, Markdown, JSON) and import_plan: whatever the file, the
result is a plan or one plain line saying why not, never a traceback, and a refused import
writes nothing."""

from __future__ import annotations

import itertools
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.importers import MAX_SECTION_DEPTH, ParsedPlan, PlanImportError, plan_import, plan_parse
from plans.models import Node, Plan, Reference

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ_DB = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of the documents people import, and of the ones that broke the importers.
LINES = [
    "1 Introduction",
    "2 Defining Diversity, Equity, and Inclusion",
    "2.1 Diversity",
    "2.1.1 Deeper",
    "999 Nearly the end",
    "1000 Section one thousand",
    "1.1.1.1.1.1.1 Seven levels",
    "# Title",
    "## 2 Scope",
    "###### Six",
    "Title\n=====",
    "**2.1 Diversity**",
    "References",
    "[1] Code of Conduct, https://example.org/coc",
    "[2]: https://example.org/x",
    "1. first item",
    "- a bullet",
    "• a PDF bullet",
    "The collaboration is indi-",
    "vidual and full- and part-time.",
    "Text citing [1] and [3].",
    "12",
    "",
    "   ",
    "{",
    '{"sections": [',
    "\u0000",
    "\ud800",
    "\u200b",
    "\t\f\r",
    "café\u0301",
    "👩‍🔬",
    "a" * 300,
    "x- " * 50,
]


def documents() -> st.SearchStrategy[str]:
    line = st.one_of(st.sampled_from(LINES), st.text(max_size=40))
    return st.lists(line, max_size=40).map("\n".join)


def json_values(depth: int = 3):
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
        st.sampled_from(["narrative", "area", "goal", "action", "indicator", "definition", "2025-12-31", "12.5"]),
    )
    keys = st.sampled_from(
        [
            "sections",
            "title",
            "body",
            "kind",
            "children",
            "status",
            "unit",
            "baseline_value",
            "target_date",
            "counts_people",
            "references",
            "label",
            "text",
            "url",
            "schema",
            "plan",
            "description",
        ]
    )
    return st.recursive(
        leaves,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=6)),
        max_leaves=25,
    )


def section_trees():
    section = st.fixed_dictionaries(
        {"title": st.text(min_size=1, max_size=20), "kind": st.sampled_from(["narrative", "definition"])},
        optional={"body": st.text(max_size=40)},
    )
    return st.recursive(
        section,
        lambda inner: st.builds(
            lambda s, c: {**s, "kind": "narrative", "children": c}, section, st.lists(inner, max_size=3)
        ),
        max_leaves=12,
    )


def check_result(source) -> ParsedPlan | None:
    try:
        return plan_parse(source)
    except PlanImportError as error:
        message = str(error)
        assert message
        assert "\n" not in message
        assert "Traceback" not in message
        return None


@FUZZ
@given(documents())
def test_any_text_gives_a_plan_or_a_one_line_error(text):
    parsed = check_result(text)
    if parsed is not None:
        assert parsed.sections
        assert all(section.title.strip() for section in parsed.walk())


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_give_a_plan_or_a_one_line_error(data):
    check_result(data)


@FUZZ
@given(json_values())
def test_any_json_gives_a_plan_or_a_one_line_error(value):
    check_result(json.dumps(value))


@FUZZ
@given(st.lists(section_trees(), min_size=1, max_size=3))
def test_json_section_trees_import_whole(sections):
    parsed = check_result(json.dumps({"sections": sections}))

    def count(items):
        return sum(1 + count(item.get("children", [])) for item in items)

    if parsed is not None:
        assert sum(1 for _ in parsed.walk()) == count(sections)


@pytest.mark.parametrize("depth", [3000, 100_000])
def test_json_nested_thousands_deep_is_refused_in_one_line(depth):
    with pytest.raises(PlanImportError, match="nested too deeply") as caught:
        plan_parse('{"sections": ' + "[" * depth + "]" * depth + "}")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("depth", [MAX_SECTION_DEPTH + 1, 300])
def test_json_sections_nested_deeper_than_allowed_are_refused_in_one_line(depth):
    nested = {"title": "Leaf"}
    for _ in range(depth - 1):
        nested = {"title": "Level", "children": [nested]}

    with pytest.raises(PlanImportError, match=f"more than {MAX_SECTION_DEPTH} levels") as caught:
        plan_parse(json.dumps({"sections": [nested]}))
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('{"sections": [{"title": "A\\u0000B"}]}', "NUL character"),
        ('{"sections": [{"title": "A", "body": "\\ud800"}]}', "broken character"),
        ('{"sections": [{"title": "A", "kind": ["x"]}]}', "'kind' must be text"),
        ('{"sections": [1' + "0" * 5000 + "]}", "too many digits"),
        (
            '{"sections": [{"title": "A", "kind": "area", "children": [{"title": "I", "kind": "indicator", '
            '"counts_people": "yes"}]}]}',
            "must be true or false",
        ),
    ],
)
def test_json_that_broke_the_importer_is_refused_in_one_line(source, message):
    with pytest.raises(PlanImportError, match=message) as caught:
        plan_parse(source)
    assert "\n" not in str(caught.value)


def test_sections_numbered_from_1000_are_sections_of_their_own():
    text = "\n\n".join(f"{number} Section {number}\nText of section {number}." for number in range(1, 2000))

    parsed = plan_parse(text)

    assert [s.title for s in parsed.sections] == [f"Section {number}" for number in range(1, 2000)]
    assert parsed.sections[1998].body == "Text of section 1999."


def test_sections_nest_to_the_deepest_level_allowed_and_no_deeper():
    def numbered(levels: int) -> str:
        return "\n".join(".".join(["1"] * depth) + f" Level {depth}\nText {depth}." for depth in range(1, levels + 1))

    parsed = plan_parse(numbered(MAX_SECTION_DEPTH))
    deepest = parsed.sections[0]
    for _ in range(MAX_SECTION_DEPTH - 1):
        (deepest,) = deepest.children
    assert deepest.title == f"Level {MAX_SECTION_DEPTH}"

    with pytest.raises(PlanImportError, match=f"nested {MAX_SECTION_DEPTH + 1} levels deep"):
        plan_parse(numbered(MAX_SECTION_DEPTH + 1))


def test_a_file_over_the_size_limit_is_refused_saying_the_limit(settings):
    settings.PLAN_IMPORT_MAX_BYTES = 1000

    with pytest.raises(PlanImportError, match=r"larger than the 0 MB.*PLAN_IMPORT_MAX_BYTES"):
        plan_parse("1 Introduction\n" + "word " * 300)
    assert plan_parse("1 Introduction\nShort.\n").sections


def counts() -> tuple[int, int, int]:
    return Plan.objects.count(), Node.objects.count(), Reference.objects.count()


_slugs = itertools.count()


@pytest.mark.django_db
@FUZZ_DB
@given(st.one_of(documents(), json_values().map(json.dumps)))
def test_an_import_writes_the_whole_plan_or_nothing(source):
    before = counts()
    slug = f"fuzz-{next(_slugs)}"
    try:
        plan, refused = plan_import(source=source, slug=slug), None
    except PlanImportError as error:
        plan, refused = None, error
    if refused is not None:
        assert "\n" not in str(refused)
        assert counts() == before
    else:
        parsed = plan_parse(source)
        assert Node.objects.filter(plan=plan).count() == sum(1 for _ in parsed.walk())


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.one_of(documents(), st.binary(max_size=100)))
def test_the_command_ends_in_one_line_either_way(tmp_path_factory, source):
    path = tmp_path_factory.mktemp("fuzz") / "plan.txt"
    path.write_bytes(source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source)
    before = counts()
    try:
        call_command("import_plan", str(path), "--slug", f"cmd-{next(_slugs)}", stdout=StringIO())
        refused = None
    except CommandError as error:
        refused = error
    if refused is not None:
        assert "\n" not in str(refused)
        assert counts() == before


@pytest.mark.django_db
def test_the_command_refuses_a_file_over_the_limit_without_reading_it(settings, tmp_path):
    settings.PLAN_IMPORT_MAX_BYTES = 100
    path = tmp_path / "big.txt"
    path.write_text("1 Introduction\n" + "x" * 200)

    with pytest.raises(CommandError, match="PLAN_IMPORT_MAX_BYTES") as caught:
        call_command("import_plan", str(path), "--slug", "big")

    assert "\n" not in str(caught.value)
    assert not Plan.objects.filter(slug="big").exists()
