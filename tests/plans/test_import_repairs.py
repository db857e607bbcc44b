"""What the parsers repair is recorded on the parsed plan (ParsedPlan.repairs), for the preview."""

from __future__ import annotations

import pytest

from plans.importers import plan_parse


@pytest.mark.parametrize(
    ("text", "repairs"),
    [
        ("1 Scope\nEvery indi-\nvidual counts.\n", ["Rejoined “indi-” + “vidual” as “individual”."]),
        ("1 Scope\nThe as- pects of it.\n", ["Rejoined “as-” + “pects” as “aspects”."]),
        # A compound the text spells with its hyphen elsewhere keeps it: no repair.
        ("1 Scope\nDecision-making and decision-\nmaking again.\n", []),
        ("1 Scope\nFull- and part-time staff.\n", []),
        ("1 Scope\nText.\n\n12\n\nMore text.\n", ["Left out the page number “12”, alone on its line."]),
        (
            "1 Scope\n2 Rules\n1 Scope\nText.\n\n2 Rules\nMore.\n",
            ["Left out a table of contents (2 headings without text before the text)."],
        ),
        (
            "1 Scope\nAs in [1].\n\nReferences\n[1] Code of Conduct, https://example.org/\ncode-of-conduct\n",
            ["Rejoined the web address of reference [1], broken across lines."],
        ),
        ("# Scope\n\nText.\n\n# Rules\n\nMore.\n", []),
    ],
)
def test_repairs_are_recorded(text, repairs):
    assert plan_parse(text).repairs == repairs


def test_repairs_of_one_parse_do_not_leak_into_the_next():
    assert plan_parse("1 Scope\nEvery indi-\nvidual counts.\n").repairs
    assert plan_parse("1 Scope\nEvery person counts.\n").repairs == []
