"""Readers see "what changed" rendered: bold as bold, lists as lists, tables as tables, words marked."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.diff.rendered import diff_rendered, rendered_snapshot_diff
from plans.services import plan_publish
from tests.conftest import node

RAW_MARKDOWN = re.compile(r"\*\*|^\s*[-*] |\|\s*-{3}", re.MULTILINE)


def text_of(html: str) -> str:
    """The words a reader sees, without the words only screen readers hear."""
    html = re.sub(r'<span class="visually-hidden">[^<]*</span>', "", html)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_bold_stays_bold_and_changed_words_are_marked():
    html = diff_rendered("Members of **every** institute.", "Members of **every** group and institute.")
    assert "<strong>every</strong>" in html
    assert re.search(r"<ins><span class=\"visually-hidden\">inserted: </span>group and </ins>", html)
    assert "**" not in html


def test_new_bold_words_are_inserted_inside_the_bold():
    html = diff_rendered("Plain words.", "Plain **strong** words.")
    assert re.search(r"<strong><ins>(<span[^>]*>inserted: </span>)?strong\s*</ins></strong>", html)


def test_lists_stay_lists_with_items_marked():
    html = diff_rendered("- one\n- two\n- three\n", "- one\n- two, reworded\n- four\n")
    assert html.count("<ul>") == 1
    assert html.count("</ul>") == 1
    items = re.findall(r"<li>(.*?)</li>", html, re.DOTALL)
    assert items[0] == "one"
    assert "<ins>" in items[1]
    assert "reworded" in items[1]
    assert any("<del>" in item and "three" in item for item in items)  # removed, still a list item
    assert any("<ins>" in item and "four" in item for item in items)
    assert not RAW_MARKDOWN.search(html)


def test_a_list_replaced_by_a_paragraph():
    html = diff_rendered("- a\n- b\n", "A sentence instead.")
    assert re.search(r"<ul>\s*<li><del>.*?a</del></li>\s*<li><del>.*?b</del></li>\s*</ul>", html, re.DOTALL)
    assert re.search(r"<p><ins>.*?A sentence instead\.</ins></p>", html)


def test_links_keep_their_new_address():
    html = diff_rendered("See [the code](https://example.org/old).", "See [the code](https://example.org/new).")
    assert 'href="https://example.org/new"' in html
    assert "example.org/old" not in html
    assert "](" not in html


def test_tables_are_compared_row_by_row_and_cell_by_cell():
    old = "| Group | Share |\n|---|---|\n| Postdocs | 20% |\n| Students | 31% |\n"
    new = "| Group | Share |\n|---|---|\n| Postdocs | 24% |\n| Fellows | 5% |\n| Students | 31% |\n"
    html = diff_rendered(old, new)
    assert html.count("<table>") == 1
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    assert len(rows) == 4  # header, the changed row, the added row, the unchanged row
    postdocs = next(row for row in rows if "Postdocs" in row)
    cells = re.findall(r"<td>(.*?)</td>", postdocs, re.DOTALL)
    assert cells[0] == "Postdocs"
    assert "<del>" in cells[1]
    assert "20" in cells[1]
    assert "<ins>" in cells[1]
    assert "24" in cells[1]
    fellows = next(row for row in rows if "Fellows" in row)
    assert "<ins>" in fellows
    assert "<del>" not in fellows
    assert "|" not in html


def test_a_removed_table_row_stays_a_row():
    html = diff_rendered("| A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n", "| A | B |\n|---|---|\n| 1 | 2 |\n")
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.DOTALL)
    assert len(rows) == 3
    assert re.findall(r"<td>(.*?)</td>", rows[2], re.DOTALL) == [
        '<del><span class="visually-hidden">deleted: </span>3</del>',
        "<del>4</del>",
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Text <script>alert(1)</script>", "Text <img src=x onerror=alert(1)>"),
        ("[click](javascript:alert(1))", "[click](javascript:alert(2)) now"),
        ("A", "<!--section-extra:1--> B"),
        ("\U000f0000 private use", "\U000f0001 private use, changed"),
    ],
)
def test_the_result_is_sanitised(old, new):
    html = diff_rendered(old, new)
    assert "<script" not in html
    assert "<img" not in html
    assert 'href="javascript' not in html
    assert "<!--" not in html
    assert "\U000f0000" not in html
    assert "\U000f0001" not in html


def test_unchanged_text_reads_as_rendered():
    html = diff_rendered("Same **text**.", "Same **text**.")
    assert html.strip() == "<p>Same <strong>text</strong>.</p>"


def test_a_reworded_phrase_reads_old_then_new():
    html = diff_rendered("The committee meets monthly.", "The committee meets every two weeks.")
    assert re.search(
        r"<p>The committee meets <del>(<span[^>]*>[^<]*</span>)?monthly</del>"
        r"<ins>(<span[^>]*>[^<]*</span>)?every two weeks</ins>\.</p>",
        html,
    )
    assert text_of(html) == "The committee meets monthly every two weeks ."


def test_rendered_snapshot_diff_renders_only_the_markdown_fields():
    old = {"sections": [{"id": 1, "number": "1", "anchor": "s-1", "kind": "action", "title": "A", "body": "- x",
                         "owner": "**Team**", "children": []}]}  # fmt: skip
    new = {"sections": [{"id": 1, "number": "1", "anchor": "s-1", "kind": "action", "title": "A", "body": "- y",
                         "owner": "**Crew**", "children": []}]}  # fmt: skip
    (change,) = rendered_snapshot_diff(old, new).sections
    by_name = {field.name: field for field in change.fields}
    assert by_name["body"].rendered is True
    assert "<li>" in by_name["body"].html
    assert getattr(by_name["owner"], "rendered", False) is False  # plain text: shown as typed


def test_the_public_compare_page_shows_rendered_text(client, published_plan):
    intro = node(published_plan, "Introduction")
    intro.body = "Why this plan exists:\n\n- **fairness** in careers\n- a welcome for all\n"
    intro.save()
    plan_publish(plan=published_plan, user=None, notes="Reasons as a list.")
    url = reverse("plans:compare", kwargs={"slug": published_plan.slug, "from_number": "1.0", "to_number": "1.1"})
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    diff = response.text[response.text.index('class="snapshot-diff"') :]
    assert re.search(r"<strong><ins>(<span[^>]*>[^<]*</span>)?fairness</ins></strong>", diff)
    assert re.search(r"<li>.*?fairness.*?</li>", diff, re.DOTALL)
    assert "**fairness**" not in diff
    assert "- a welcome" not in diff
    assert 'class="diff-rendered"' in diff


def test_editors_still_see_the_source_in_unpublished_changes(client, published_plan, make_user):
    editor = make_user(plan=published_plan, role="editor")
    intro = node(published_plan, "Introduction")
    intro.body = "Now with **bold** words."
    intro.save()
    client.force_login(editor)
    response = client.get(reverse("plans:unpublished_changes", kwargs={"slug": published_plan.slug}))
    assert response.status_code == HTTPStatus.OK
    assert "**bold**" in response.text
