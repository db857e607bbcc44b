"""The PDF of a published version: safe from user text, complete, accessible, stored once, served with care."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import unicodedata
from http import HTTPStatus
from unittest import mock

import pypdf
import pytest
import typst
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plans.models import NodeKind, Plan, Reference, VersionDocument, Visibility
from plans.pdf import (
    DocumentError,
    compile_pdf,
    document,
    heading,
    markdown_to_typst,
    markup,
    paragraph,
    string,
    version_source,
)
from plans.pdf import documents as stored
from plans.pdf.blocks import layout
from plans.services import plan_publish
from tests.conftest import add_node, node

# --- Helpers ---------------------------------------------------------------------------------


def typst_value(source: str, prelude: str = ""):
    """What Typst makes of `#metadata(source) <x>`: a string, or content as a JSON tree."""
    document = f"{prelude}\n#metadata({source}) <x>".encode()
    return json.loads(typst.Compiler(document).query("<x>", field="value", one=True, format="json"))


def elements(tree) -> set[str]:
    """Every kind of element in a content tree."""
    found = set()
    if isinstance(tree, dict):
        if "func" in tree:
            found.add(tree["func"])
        for value in tree.values():
            found |= elements(value)
    elif isinstance(tree, list):
        for value in tree:
            found |= elements(value)
    return found


def flatten(tree) -> str:
    """The text of a content tree made only of text; fails on any other element (emphasis, code...)."""
    if isinstance(tree, str):
        return tree
    func = tree["func"]
    if func == "sequence":
        return "".join(flatten(child) for child in tree["children"])
    if func in ("text", "symbol"):
        return tree["text"]
    if func == "space":
        return " "
    raise AssertionError(f"user text became a {func} element: {tree}")


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def pdf_url(plan: Plan, number: str = "1.0") -> str:
    return reverse("plans:version_pdf", kwargs={"slug": plan.slug, "number": number})


# --- Escaping: no user text can run Typst code ------------------------------------------------

# Typst's syntax characters, markup that starts lines, escapes, comments and odd whitespace, mixed with anything.
TYPST_SYNTAX = st.sampled_from(
    [
        *(
            "#",
            "[",
            "]",
            "{",
            "}",
            "(",
            ")",
            "*",
            "_",
            "$",
            "`",
            "<",
            ">",
            "@",
            "=",
            "-",
            "+",
            "/",
            "\\",
            "~",
            "'",
            '"',
        ),
        *("//", "/*", "*/", "#set text(red)", "#panic()", "1.", "\\u{41}", "https://x.org", "\n", "\n\n", "\u2028"),
        *("\t", "\x00", "\x85", "u{41}", "---", "...", "= ", "- ", "+ ", "/ term: ", "<label>", "@ref", "#{", ";"),
    ]
)
USER_TEXT = st.lists(st.one_of(TYPST_SYNTAX, st.text(max_size=8)), max_size=12).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(USER_TEXT)
def test_markup_shows_any_text_as_plain_text(text):
    # Control characters other than whitespace are dropped, runs of whitespace become one space.
    kept = "".join(c for c in text if unicodedata.category(c) != "Cc" or c in "\t\n\x0b\x0c\r\x85")
    expected = " ".join(kept.split())
    shown = flatten(typst_value(f"[{markup(text)}]"))
    assert " ".join(shown.split()) == expected


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(USER_TEXT)
def test_string_literals_keep_any_text_exactly(text):
    assert typst_value(string(text)) == text


# What a section body may become; code run from the text (a `set` rule, an image, a panic) would not fit.
BODY_ELEMENTS = {
    "sequence", "text", "symbol", "space", "parbreak", "linebreak", "emph", "strong", "strike", "raw", "link",
    "list", "enum", "item", "quote", "heading", "line", "figure", "table", "cell", "header", "caption",
}  # fmt: skip
MARKDOWN_TEXT = st.lists(
    st.one_of(TYPST_SYNTAX, st.sampled_from(["*", "**", "`", "[1]", "](", "#", "|", "> ", "1. ", "```\n"])),
    max_size=16,
).map("".join)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MARKDOWN_TEXT)
def test_any_markdown_body_compiles_to_formatting_only(text):
    source = markdown_to_typst(text, citations={"1": "ref-1"}, anchors={"s-1"}, level=2)
    body = typst_value(f"[{source}]", prelude=layout() + "\n#block[]<ref-1>")
    assert elements(body) <= BODY_ELEMENTS


def test_markdown_formatting_becomes_typst_and_citations_link_to_references():
    source = markdown_to_typst(
        "Some *emphasis*, **strong** and `code`, as agreed in [1] and [9].\n\n"
        "- one\n- two\n\n3. three\n\n> quoted\n\n| a | b |\n|:-|-:|\n| 1 | 2 |\n\n"
        "[site](https://example.org) [bad](javascript:alert(1)) [page](/plans/x/) [there](#s-2)",
        citations={"1": "ref-1"},
        anchors={"s-2"},
        level=1,
    )
    assert "#emph[emphasis]" in source
    assert "#strong[strong]" in source
    assert '#raw("code")' in source
    assert "#link(<ref-1>)[\\[1\\]]" in source
    assert "\\[9\\]" in source  # no such reference: plain text
    assert "#list(" in source
    assert "#enum(start: 3" in source
    assert "#quote[" in source
    assert "#data-table(columns: (auto, auto,), align: (left, right,)" in source
    assert '#link("https://example.org")[site]' in source
    assert '#link("javascript' not in source  # an unsafe link is only text
    assert '#link("http://localhost:8000/plans/x/")[page]' in source
    assert "#link(<s-2>)[there]" in source


@pytest.mark.parametrize(
    ("body", "levels"),
    [
        ("# A\n\n## B\n\n### C", [3, 4, 5]),
        ("### Deep at once\n\n# Back up", [3, 3]),
        ("#### Four\n\n#### Four again\n\n## Two", [3, 3, 3]),
    ],
)
def test_headings_in_a_body_never_skip_a_level(body, levels):
    source = markdown_to_typst(body, level=2)
    found = [int(part.split(",")[0].split(")")[0]) for part in source.split("#heading(level: ")[1:]]
    assert found == levels


# Odd Markdown: empty headings (PDF/UA forbids them), empty links and table headers, deep nesting...
ODD_BODIES = [
    "[](https://x.org)", "| | |\n|-|-|\n| a | b |", "![](x.png)", "# \n\ntext", "#", "####### seven", "- \n- ",
    "```\n```", "> ", "***", "[1]", "<https://auto.link>", "a  \nb", "1) x\n2) y", "\\", "[x](mailto:a@b.c)",
    "[x](https://例え.jp/パス)", "| a | b |\n|-|-|\n| **x** | [l](https://a) |", "- # In a list\n- ## deeper",
    "> # In a quote\n> ### deeper",
    "1. a\n   1. b\n      - c\n        > d\n        > ```\n        > code\n        > ```",
]  # fmt: skip


def test_odd_markdown_still_makes_a_valid_pdf_ua_document():
    body = []
    for index, text in enumerate(ODD_BODIES, start=1):
        body += [heading(f"{index} Case", level=1), markdown_to_typst(text, level=1)]
    pdf = compile_pdf(document(title=" ", header="", footer="", day=dt.date(2025, 1, 1), body=body))
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.metadata.title == "Untitled document"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert f"{len(ODD_BODIES)} Case" in text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30))
def test_any_text_anywhere_makes_a_valid_pdf_ua_and_pdf_a_document(text):
    # Controls, format and private-use characters, unassigned code points, scripts no font covers.
    body = [heading(f"1 {text}", level=1), paragraph(text), markdown_to_typst(f"`{text}`\n\n```\n{text}\n```\n")]
    pdf = compile_pdf(document(title=text, header=text, footer=text, day=dt.date(2025, 1, 1), body=body))
    assert pdf.startswith(b"%PDF-")


def test_a_character_no_font_can_show_becomes_a_replacement_character(caplog):
    name = markup("Name: \U0010fffd end")
    source = f'#set document(title: "T")\n#set text(lang: "en")\n{name}'
    with caplog.at_level(logging.WARNING, logger="plans.pdf.compile"):
        pdf = compile_pdf(source)
    assert "Name: \ufffd end" in pages_text(pdf)[0]
    assert "The PDF cannot show" in caplog.text


def test_only_the_unshowable_character_is_replaced_in_a_string_not_an_escaped_backslash():
    code = string("\\u{10fffd} stays, \U0010fffd goes")  # the text "\u{10fffd}", then the character
    pdf = compile_pdf(f'#set document(title: "T")\n#set text(lang: "en")\n#raw({code})')
    assert "\\u{10fffd} stays, \ufffd goes" in pages_text(pdf)[0]


def test_a_broken_source_raises_a_document_error():
    with pytest.raises(DocumentError):
        compile_pdf("#unknown-function()")


# --- The version's document -------------------------------------------------------------------


@pytest.fixture
def rich_plan(plan):
    """The test plan with a reference without text, an unsafe-looking title and an indicator."""
    Reference.objects.create(plan=plan, label="2", text="", url="")
    equity = node(plan, "Equity")
    equity.body = "Fair access, see [2] and [the site](https://example.org/equity)."
    equity.save()
    add_node(plan, "Tricky #set text(red) *title* $x$", body="Body with // not a comment and <b>html</b>.")
    add_node(
        plan,
        "Share of newcomers who stay",
        parent=node(plan, "Community engagement"),
        kind=NodeKind.INDICATOR,
        unit="%",
        direction="increase",
        baseline_value="40",
        target_value="60",
    )
    plan_publish(plan=plan, user=None, notes="First version.\n\nWith a second paragraph.")
    return plan


@pytest.fixture
def rich_pdf(client, rich_plan) -> bytes:
    response = client.get(pdf_url(rich_plan))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    return response.content


SECTION_TITLES = [
    "1 Introduction",
    "2 Definitions",
    "2.1 Diversity",
    "2.2 Equity",
    "3 Community engagement",
    "3.1 Welcome newcomers",
    "3.1.1 Run a mentoring scheme",
    "3.2 Share of newcomers who stay",
    "4 Tricky #set text(red) *title* $x$",
    "References",
]


def test_the_document_has_a_title_page_contents_and_every_section_in_order(rich_pdf):
    pages = pages_text(rich_pdf)
    title_page = pages[0]
    for expected in ("Test plan", "Version 1.0", "by the DEI Committee", "Release notes", "With a second paragraph."):
        assert expected in title_page
    assert "Contents" in pages[1]
    body = "\n".join(pages[2:])
    positions = [body.index(title) for title in SECTION_TITLES]
    assert positions == sorted(positions)
    # The contents lists the same numbered titles, with page numbers.
    assert "3.1.1 Run a mentoring scheme" in pages[1]
    assert "Body with // not a comment and <b>html</b>." in body


def test_kind_facts_and_the_reference_list_are_in_the_document(rich_pdf):
    body = "\n".join(pages_text(rich_pdf))
    assert "Status: In progress" in body
    assert "Owner: Mentoring subcommittee" in body
    assert "Baseline: 40 %" in body
    assert "Target: 60 %" in body
    assert "[1] Code of Conduct https://example.org/coc" in body
    assert "[2] Citation text not yet added." in body


def test_every_page_carries_the_version_and_date_in_its_footer(rich_plan, rich_pdf):
    version = rich_plan.versions.get()
    date = f"{version.published_at.day} {version.published_at:%B %Y}"
    pages = pages_text(rich_pdf)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"Version 1.0, published {date}" in text
        assert f"Page {number} of {len(pages)}" in text


def test_links_work_outside_and_inside_the_document(rich_pdf):
    reader = pypdf.PdfReader(io.BytesIO(rich_pdf))
    uris, internal = set(), 0
    for page in reader.pages:
        for annotation in page.get("/Annots", []):
            annotation = annotation.get_object()
            action = annotation.get("/A")
            if action is not None and action.get("/S") == "/URI":
                uris.add(action["/URI"])
            elif annotation.get("/Dest") is not None:
                internal += 1
    assert {"https://example.org/coc", "https://example.org/equity"} <= uris
    assert "http://localhost:8000/plans/test-plan/v/1.0/" in uris
    # The contents entries and the citations [1] and [2] jump inside the document.
    assert internal >= len(SECTION_TITLES) + 2


def test_the_pdf_is_tagged_with_title_language_and_pdf_ua_and_pdf_a_identification(rich_pdf):
    reader = pypdf.PdfReader(io.BytesIO(rich_pdf))
    root = reader.trailer["/Root"]
    assert reader.metadata.title == "Test plan"
    assert reader.metadata.author == "the DEI Committee"
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in root
    xmp = root["/Metadata"].get_object().get_data()
    assert b"<pdfuaid:part>1<" in xmp  # PDF/UA-1
    assert b"<pdfaid:part>2<" in xmp  # PDF/A-2a
    assert b"<pdfaid:conformance>A<" in xmp


def test_the_title_comes_from_the_snapshot_not_the_draft(client, published_plan):
    published_plan.title = "A draft title nobody published"
    published_plan.save()
    source = version_source(published_plan.versions.get())
    assert "A draft title nobody published" not in source
    assert '"Test plan"' in source


# --- Stored once, served with ETag ------------------------------------------------------------


def test_it_is_typeset_once_and_then_served_as_stored(client, published_plan):
    with mock.patch.object(stored, "compile_pdf", wraps=compile_pdf) as compiler:
        first = client.get(pdf_url(published_plan))
        second = client.get(pdf_url(published_plan))
    assert compiler.call_count == 1
    assert first.content == second.content
    assert VersionDocument.objects.count() == 1
    assert first["Content-Disposition"] == 'inline; filename="test-plan-1.0.pdf"'


def test_publishing_makes_the_pdf_after_the_commit(plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = plan_publish(plan=plan, user=None, notes="First version.")
    document = VersionDocument.objects.get(version=version)
    assert bytes(document.content).startswith(b"%PDF-")


def test_a_failure_at_publish_time_never_fails_publishing_and_the_first_request_retries(
    client, plan, django_capture_on_commit_callbacks, caplog
):
    with (
        mock.patch.object(stored, "compile_pdf", side_effect=DocumentError("boom")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        version = plan_publish(plan=plan, user=None, notes="First version.")
    assert version.pk is not None
    assert not VersionDocument.objects.exists()
    assert "Could not make the PDF" in caplog.text
    assert client.get(pdf_url(plan)).status_code == HTTPStatus.OK
    assert VersionDocument.objects.count() == 1


def test_a_failure_on_request_is_a_503_with_a_plain_message(client, published_plan):
    with mock.patch.object(stored, "compile_pdf", side_effect=DocumentError("boom")):
        response = client.get(pdf_url(published_plan))
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "try again" in response.text


def test_a_matching_etag_gets_304_and_headers_allow_long_caching(client, published_plan):
    response = client.get(pdf_url(published_plan))
    etag = response["ETag"]
    assert "immutable" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    assert response["Last-Modified"]
    again = client.get(pdf_url(published_plan), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert again["ETag"] == etag
    assert not again.content
    other = client.get(pdf_url(published_plan), HTTP_IF_NONE_MATCH='"something-else"')
    assert other.status_code == HTTPStatus.OK


def test_a_stored_copy_costs_a_fixed_number_of_queries(client, published_plan, django_assert_num_queries):
    etag = client.get(pdf_url(published_plan))["ETag"]
    with django_assert_num_queries(4):  # the plan, the version, the document's row, its bytes
        assert client.get(pdf_url(published_plan)).status_code == HTTPStatus.OK
    with django_assert_num_queries(3):  # a 304 never reads the bytes
        assert client.get(pdf_url(published_plan), HTTP_IF_NONE_MATCH=etag).status_code == HTTPStatus.NOT_MODIFIED


@pytest.mark.parametrize("change", ["layout", "threshold"])
def test_a_stale_document_is_typeset_again(client, published_plan, change):
    client.get(pdf_url(published_plan))
    if change == "layout":
        VersionDocument.objects.update(layout=stored.LAYOUT - 1)
    else:
        Plan.objects.filter(pk=published_plan.pk).update(small_count_threshold=10)
    with mock.patch.object(stored, "compile_pdf", wraps=compile_pdf) as compiler:
        assert client.get(pdf_url(published_plan)).status_code == HTTPStatus.OK
    assert compiler.call_count == 1
    document = VersionDocument.objects.get()
    assert (document.layout, document.small_count_threshold) == (stored.LAYOUT, 10 if change == "threshold" else 5)


# --- Who may download it ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "signed_in", "expected", "cache"),
    [
        (Visibility.PUBLIC, False, HTTPStatus.OK, "public"),
        (Visibility.PUBLIC, True, HTTPStatus.OK, "private"),
        (Visibility.MEMBERS, False, HTTPStatus.NOT_FOUND, None),
        (Visibility.MEMBERS, True, HTTPStatus.OK, "private"),
    ],
)
def test_access_follows_the_plan_pages(client, make_plan, make_user, visibility, signed_in, expected, cache):
    plan = make_plan("access", visibility=visibility)
    plan_publish(plan=plan, user=None, notes="First version.")
    if signed_in:
        client.force_login(make_user())
    response = client.get(pdf_url(plan))
    assert response.status_code == expected
    if cache:
        assert cache in response["Cache-Control"]


def test_an_unpublished_plan_and_a_missing_version_are_404(client, plan, published_plan):
    assert client.get(pdf_url(published_plan, "1.1")).status_code == HTTPStatus.NOT_FOUND
    assert client.get(pdf_url(Plan(slug="nothing-here"))).status_code == HTTPStatus.NOT_FOUND
    unpublished = Plan.objects.create(slug="unpublished", title="Not yet")
    add_node(unpublished, "Introduction")
    assert client.get(pdf_url(unpublished)).status_code == HTTPStatus.NOT_FOUND
    assert not VersionDocument.objects.exists()


def test_a_version_number_spelled_another_way_redirects(client, published_plan):
    response = client.get(f"/plans/{published_plan.slug}/v/01.0.pdf")
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == pdf_url(published_plan)


def test_post_is_refused(client, published_plan):
    assert client.post(pdf_url(published_plan)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_the_version_page_links_to_its_pdf(client, published_plan):
    response = client.get(reverse("plans:version_detail", kwargs={"slug": published_plan.slug, "number": "1.0"}))
    assert f'href="{pdf_url(published_plan)}">PDF</a>' in response.text
