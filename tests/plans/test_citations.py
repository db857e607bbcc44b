"""One rule for what a citation is: the renderer, the importer and the reference checks agree."""

import pytest

from plans.importers import plan_parse
from plans.markdown import cited_labels, render_markdown

CASES = [
    ("See [1] and [2].", ["1", "2"]),
    ("Twice [3], again [3].", ["3"]),
    ("A link [1](https://example.org) is not a citation.", []),
    ("A reference link [1][x] is not either.\n\n[x]: https://example.org", []),
    ("In code `[4]` it is literal.", []),
    ("```\n[5]\n```", []),
    ("Prose [sic] and [a] stay text.", []),
    ("Known label [CoC] counts.", ["CoC"]),
    ("Too long [12345] is not a number citation.", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_cited_labels_reads_text_as_the_renderer_does(text, expected):
    known = {"CoC"}
    assert cited_labels(text, known) == expected
    html = render_markdown(text, {*known, "1", "2", "3", "4", "5"})
    assert html.count('class="citation"') == sum(text.count(f"[{label}]") for label in expected)


def test_the_importer_adds_an_entry_for_exactly_the_cited_labels():
    parsed = plan_parse("# 1 Scope\n\nWe cite [2] here, not `[7]`, and link [3](https://example.org). [sic]\n")
    assert [ref.label for ref in parsed.references] == ["2"]
