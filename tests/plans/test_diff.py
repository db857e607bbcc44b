"""The differ: word-level text diffs, field diffs and structured snapshot diffs."""

from __future__ import annotations

import copy
import random
import re
from datetime import date

import pytest

from plans.diff import Status, diff_fields, diff_snapshots, diff_text, text_opcodes, tokenize


def _old_and_new(ops):
    old = "".join(text for tag, text in ops if tag != "+")
    new = "".join(text for tag, text in ops if tag != "-")
    return old, new


def _changes(html: str) -> str:
    """The diff HTML without the hidden screen-reader words, to compare with expectations."""
    return html.replace('<span class="visually-hidden">deleted: </span>', "").replace(
        '<span class="visually-hidden">inserted: </span>', ""
    )


# --- diff_text -------------------------------------------------------------


def test_insertion_is_marked_inserted():
    html = diff_text("The committee meets.", "The committee meets monthly.")
    assert _changes(html) == "The committee meets<ins> monthly</ins>."
    assert '<span class="visually-hidden">inserted: </span>' in html


def test_deletion_is_marked_deleted():
    html = diff_text("The whole committee meets.", "The committee meets.")
    assert _changes(html) == "The <del>whole </del>committee meets."
    assert '<span class="visually-hidden">deleted: </span>' in html


def test_replacement_shows_old_words_then_new_ones():
    html = diff_text("Goals are set yearly by the chair.", "Goals are agreed each term by the chair.")
    assert _changes(html) == "Goals are <del>set yearly</del><ins>agreed each term</ins> by the chair."


def test_identical_texts_have_no_changes():
    assert diff_text("Same & same", "Same & same") == "Same &amp; same"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "", ""),
        (None, None, ""),
        ("", "New text", "<ins>New text</ins>"),
        ("Old text", "", "<del>Old text</del>"),
        (None, "Filled in", "<ins>Filled in</ins>"),
    ],
)
def test_empty_texts(old, new, expected):
    assert _changes(diff_text(old, new)) == expected


def test_html_in_text_is_escaped_never_raw():
    html = diff_text("<b>bold</b> claim", '<script>alert("x")</script> claim & more')
    markup = re.sub(r"</?(ins|del)>|<span class=\"visually-hidden\">|</span>", "", html)
    assert "<" not in markup
    assert ">" not in markup
    assert "&lt;" in markup
    assert "&amp; more" in markup
    assert "<script>" not in diff_text("", "<script>alert(1)</script>")


def test_unicode_combining_characters_stay_whole():
    # "cafe" + combining acute: the accent must not be split from its letter.
    html = diff_text("un cafe noir", "un cafe\u0301 noir")
    assert _changes(html) == "un <del>cafe</del><ins>cafe\u0301</ins> noir"
    assert tokenize("nai\u0308ve cafe\u0301s") == ["nai\u0308ve", " ", "cafe\u0301s"]


@pytest.mark.parametrize(
    "emoji",
    ["\U0001f469\u200d\U0001f52c", "\U0001f44d\U0001f3fd", "\u2764\ufe0f", "\U0001f1eb\U0001f1f7"],
    ids=["zwj-sequence", "skin-tone", "variation-selector", "flag"],
)
def test_emoji_are_never_cut_in_two(emoji):
    assert emoji in tokenize(f"Welcome {emoji} all")
    html = diff_text("Welcome all", f"Welcome {emoji} all")
    assert _changes(html) == f"Welcome <ins>{emoji} </ins>all"


def test_non_latin_scripts():
    html = diff_text("Équité für alle Menschen", "Équité für viele Menschen")
    assert _changes(html) == "Équité für <del>alle</del><ins>viele</ins> Menschen"


def test_whitespace_between_changes_joins_them():
    assert _changes(diff_text("a b c", "x y z")) == "<del>a b c</del><ins>x y z</ins>"


def test_short_unchanged_words_between_changes_join_them():
    # "meets" alone between two rewrites is noise: one deletion, one insertion.
    html = diff_text("The committee meets monthly in the hall.", "The group meets weekly in the room.")
    assert _changes(html) == (
        "The <del>committee meets monthly</del><ins>group meets weekly</ins> in the <del>hall</del><ins>room</ins>."
    )


def test_paragraph_breaks_are_never_swallowed_by_a_change():
    html = diff_text("One.\n\nTwo.", "Uno.\n\nDos.")
    assert _changes(html) == "<del>One</del><ins>Uno</ins>.\n\n<del>Two</del><ins>Dos</ins>."


def test_removed_line_break_is_visible():
    html = diff_text("First line\nsecond line", "First line second line")
    assert "¶" in html
    assert "line break" in html


@pytest.mark.parametrize("seed", range(30))
def test_edit_script_rebuilds_both_texts(seed):
    rng = random.Random(seed)
    alphabet = ["word", "other", " ", "\n", ".", "é", "e\u0301", "\U0001f469\u200d\U0001f52c", "x", "\n\n", "! "]
    old = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200)))
    new = list(old)
    for _ in range(rng.randint(0, 10)):
        position = rng.randint(0, len(new))
        new[position : position + rng.randint(0, 5)] = rng.choice(alphabet)
    new = "".join(new)
    assert _old_and_new(text_opcodes(old, new)) == (old, new)


def test_two_50_kb_texts_compare_exactly():
    # How fast: tests/benchmarks/bench_diff.py prints the figure (timed tests flake on a busy machine).
    rng = random.Random(1)
    words = [f"w{n}" for n in range(800)] + ["the", "of", "and", "a"] * 100
    sentences = [" ".join(rng.choice(words) for _ in range(rng.randint(5, 25))) + "." for _ in range(900)]
    old = "\n\n".join(" ".join(sentences[i : i + 6]) for i in range(0, len(sentences), 6))[:50_000]
    tokens = old.split(" ")
    for _ in range(100):
        tokens[rng.randrange(len(tokens))] = rng.choice(words)
    new = " ".join(tokens)
    ops = text_opcodes(old, new)
    assert _old_and_new(ops) == (old, new)


def test_many_repeated_lines_stay_precise():
    rng = random.Random(2)
    lines = ["|---|---|\n" if i % 2 else f"| row | {rng.randrange(40)} |\n" for i in range(6000)]
    edited = list(lines)
    for _ in range(20):
        edited[rng.randrange(len(edited))] = "| changed | row |\n"
    ops = text_opcodes("".join(lines), "".join(edited))
    assert _old_and_new(ops) == ("".join(lines), "".join(edited))
    assert sum(len(text) for tag, text in ops if tag == "+") < 20 * 30


# --- diff_fields -----------------------------------------------------------


def test_diff_fields_reports_only_changed_fields_with_labels():
    changes = diff_fields(
        {"title": "Mentoring", "owner": "Chair", "status": "planned", "body": ""},
        {"title": "Mentoring", "owner": "Mentoring subcommittee", "status": "planned", "body": None},
        labels={"owner": "Owner"},
    )
    assert [(c.name, c.label, c.old, c.new) for c in changes] == [("owner", "Owner", "Chair", "Mentoring subcommittee")]
    assert _changes(changes[0].html) == "<del>Chair</del><ins>Mentoring subcommittee</ins>"


def test_diff_fields_shows_non_text_values_old_then_new():
    changes = diff_fields({"target_date": date(2026, 1, 1)}, {"target_date": date(2027, 6, 30)})
    assert changes[0].label == "Target date"
    assert _changes(changes[0].html) == "<del>2026-01-01</del><ins>2027-06-30</ins>"
    cleared = diff_fields({"target_date": date(2026, 1, 1)}, {"target_date": None})
    assert _changes(cleared[0].html) == "<del>2026-01-01</del>"


def test_diff_fields_escapes_values():
    changes = diff_fields({"title": "a"}, {"title": "<script>x</script>"})
    assert "<script>" not in changes[0].html


# --- diff_snapshots --------------------------------------------------------


def section(node_id, title, body="", kind="narrative", children=(), **fields):
    return {"id": node_id, "kind": kind, "title": title, "body": body, **fields, "children": list(children)}


def snapshot(sections, references=(), title="Plan"):
    """A snapshot as plans.snapshot makes it, numbered and anchored."""

    def number(items, prefix):
        for index, item in enumerate(items, start=1):
            item["number"] = f"{prefix}{index}"
            item["anchor"] = "s-" + item["number"].replace(".", "-")
            number(item["children"], item["number"] + ".")

    sections = copy.deepcopy(list(sections))
    number(sections, "")
    return {
        "schema": 1,
        "plan": {"slug": "p", "title": title, "description": ""},
        "sections": sections,
        "references": [dict(r) for r in references],
    }


def base_sections():
    return [
        section(1, "Introduction", "Why this plan exists, as agreed in [1]."),
        section(
            2,
            "Definitions",
            "The words we use.",
            children=[
                section(3, "Diversity", "Many kinds of people.", kind="definition"),
                section(4, "Equity", "Fair access for all.", kind="definition"),
            ],
        ),
        section(
            5,
            "Community engagement",
            "How we reach out.",
            kind="area",
            children=[
                section(
                    6,
                    "Welcome newcomers",
                    "Newcomers stay longer.",
                    kind="goal",
                    children=[section(7, "Run a mentoring scheme", kind="action", owner="Chair", status="planned")],
                )
            ],
        ),
    ]


REFS = [{"label": "1", "text": "Code of Conduct", "url": "https://example.org/coc"}]


def summary(diff):
    return [(c.status, c.moved, c.old_number, c.new_number, c.title) for c in diff.sections]


def test_identical_snapshots_are_empty():
    diff = diff_snapshots(snapshot(base_sections(), REFS), snapshot(base_sections(), REFS))
    assert diff.is_empty
    assert diff.sections == []
    assert diff.unchanged_count == 7


def test_changed_body_is_diffed_word_by_word():
    new = base_sections()
    new[1]["children"][0]["body"] = "Many different kinds of people."
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert summary(diff) == [(Status.CHANGED, False, "2.1", "2.1", "Diversity")]
    (body,) = diff.sections[0].fields
    assert body.name == "body"
    assert _changes(body.html) == "Many <ins>different </ins>kinds of people."
    assert diff.unchanged_count == 6
    assert diff.sections[0].labels == ["Changed"]


def test_added_section_before_others_renumbers_without_moving_them():
    new = base_sections()
    new.insert(0, section(99, "Scope", "Who this covers."))
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert summary(diff) == [(Status.ADDED, False, None, "1", "Scope")]
    assert diff.added[0].labels == ["Added"]
    assert [f.name for f in diff.added[0].fields] == ["body"]
    assert diff.moved == []
    assert diff.unchanged_count == 7


def test_inserted_sibling_does_not_move_later_siblings():
    new = base_sections()
    new[1]["children"].insert(0, section(98, "Inclusion", "Everyone takes part.", kind="definition"))
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert summary(diff) == [(Status.ADDED, False, None, "2.1", "Inclusion")]


def test_node_moved_and_edited():
    new = base_sections()
    equity = new[1]["children"].pop(1)
    equity["body"] = "Fair access and support for all."
    new[2]["children"].insert(0, equity)  # Equity now sits under Community engagement
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert summary(diff) == [(Status.CHANGED, True, "2.2", "3.1", "Equity")]
    change = diff.sections[0]
    assert (change.old_id, change.new_id) == (4, 4)
    assert change.labels == ["Moved from 2.2 to 3.1", "Changed"]
    assert _changes(change.fields[0].html) == "Fair access <ins>and support </ins>for all."


def test_swapped_siblings_report_one_move_not_all():
    new = base_sections()
    new[0], new[1] = new[1], new[0]
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert len(diff.moved) == 1
    assert diff.moved[0].title in ("Introduction", "Definitions")
    assert diff.moved[0].status == Status.UNCHANGED
    assert diff.changed == []
    # The children of Definitions followed it: renumbered, not moved.
    assert all(c.title in ("Introduction", "Definitions") for c in diff.sections)


def test_removed_subtree_reports_each_section_where_it_was():
    new = base_sections()
    del new[1]  # Definitions with Diversity and Equity
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert summary(diff) == [
        (Status.REMOVED, False, "2", None, "Definitions"),
        (Status.REMOVED, False, "2.1", None, "Diversity"),
        (Status.REMOVED, False, "2.2", None, "Equity"),
    ]
    assert _changes(diff.removed[0].fields[0].html) == "<del>The words we use.</del>"
    assert diff.moved == []
    assert diff.unchanged_count == 4


def test_removed_section_appears_between_its_old_neighbours():
    new = base_sections()
    del new[1]["children"][0]  # Diversity
    new.append(section(50, "Governance", "Who decides."))
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert [(c.status, c.title) for c in diff.sections] == [
        (Status.REMOVED, "Diversity"),
        (Status.ADDED, "Governance"),
    ]


def test_moved_to_another_parent_when_parent_removed():
    new = base_sections()
    definitions = new.pop(1)
    new.extend(definitions["children"])
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert [(c.status, c.moved, c.title) for c in diff.sections] == [
        (Status.REMOVED, False, "Definitions"),
        (Status.UNCHANGED, True, "Diversity"),
        (Status.UNCHANGED, True, "Equity"),
    ]
    assert diff.sections[1].labels == ["Moved from 2.1 to 3"]


def test_action_fields_and_kind_changes_use_labels():
    new = base_sections()
    action = new[2]["children"][0]["children"][0]
    action["status"] = "in_progress"
    action["owner"] = "Mentoring subcommittee"
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    (change,) = diff.changed
    assert [(f.label, f.old, f.new) for f in change.fields] == [
        ("Owner", "Chair", "Mentoring subcommittee"),
        ("Status", "Planned", "In progress"),
    ]


def test_sections_without_ids_match_by_kind_and_title():
    def strip_ids(items):
        for item in items:
            item["id"] = None
            strip_ids(item["children"])
        return items

    old = strip_ids(base_sections())
    new = strip_ids(base_sections())
    new[0]["body"] = "Why this plan exists."
    new.insert(1, section(None, "Scope", "Who this covers."))
    diff = diff_snapshots(snapshot(old), snapshot(new))
    assert summary(diff) == [
        (Status.CHANGED, False, "1", "1", "Introduction"),
        (Status.ADDED, False, None, "2", "Scope"),
    ]


def test_unmatched_ids_fall_back_to_kind_and_title():
    # A re-imported plan: every row is new, but the content is the same.
    old = base_sections()

    def renumber_ids(items):
        for item in items:
            item["id"] += 1000
            renumber_ids(item["children"])
        return items

    diff = diff_snapshots(snapshot(old), snapshot(renumber_ids(base_sections())))
    assert diff.is_empty


def test_renamed_section_matched_by_id_shows_the_title_change():
    new = base_sections()
    new[0]["title"] = "About this plan"
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    (change,) = diff.sections
    assert change.status == Status.CHANGED
    assert change.fields[0].name == "title"
    assert _changes(change.fields[0].html) == "<del>Introduction</del><ins>About this plan</ins>"


def test_reference_changes():
    old_refs = [*REFS, {"label": "2", "text": "Old survey", "url": ""}]
    new_refs = [
        {"label": "1", "text": "Code of Conduct, 2026 edition", "url": "https://example.org/coc"},
        {"label": "3", "text": "Climate survey", "url": "https://example.org/survey"},
    ]
    diff = diff_snapshots(snapshot(base_sections(), old_refs), snapshot(base_sections(), new_refs))
    assert [(r.status, r.label) for r in diff.references] == [
        (Status.CHANGED, "1"),
        (Status.ADDED, "3"),
        (Status.REMOVED, "2"),
    ]
    assert _changes(diff.references[0].fields[0].html) == "Code of Conduct<ins>, 2026 edition</ins>"
    assert not diff.is_empty
    assert diff.sections == []


def test_plan_title_change_is_reported():
    diff = diff_snapshots(snapshot(base_sections()), snapshot(base_sections(), title="Our DEI plan"))
    assert [(f.label, f.old, f.new) for f in diff.plan] == [("Plan title", "Plan", "Our DEI plan")]


def test_everything_new_against_an_empty_snapshot():
    diff = diff_snapshots({"sections": [], "references": []}, snapshot(base_sections(), REFS))
    assert len(diff.added) == 7
    assert [r.status for r in diff.references] == [Status.ADDED]
    assert [c.new_number for c in diff.sections] == ["1", "2", "2.1", "2.2", "3", "3.1", "3.1.1"]


def test_summary_counts():
    new = base_sections()
    new.insert(0, section(99, "Scope"))
    new[1]["body"] = "Changed."
    diff = diff_snapshots(snapshot(base_sections()), snapshot(new))
    assert diff.summary == [("added", 1), ("changed", 1)]
