"""Markdown is rendered through the sanitiser: user text is never trusted HTML."""

from html.parser import HTMLParser

import pytest

from plans.markdown import render_markdown


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "Hello <img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "<a href='javascript:alert(1)'>x</a>",
        "![x](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        "[x]: javascript:alert(1)\n\n[see][x]",
        "<style>body{display:none}</style>",
    ],
)
def test_dangerous_input_never_reaches_the_page(text):
    found = elements(render_markdown(text))
    assert not [tag for tag, _ in found if tag in {"script", "iframe", "style", "img", "object"}]
    for _tag, attrs in found:
        assert not [name for name in attrs if name.startswith("on")]
        assert not [value for value in attrs.values() if "javascript:" in value.lower().replace(" ", "")]


def test_commonmark_basics():
    html = render_markdown("# Title\n\nSome *emphasis* and **strong**.\n\n- one\n- two\n\n[link](https://example.org)")
    assert "<em>emphasis</em>" in html
    assert "<strong>strong</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://example.org"' in html
    assert 'rel="noopener noreferrer"' in html


def test_citations_link_to_known_references_only():
    html = render_markdown("As in [1] and [2], see also [link](https://example.org).", references={"1"})
    assert ("a", {"class": "citation", "href": "#ref-1", "rel": "noopener noreferrer"}) in elements(html)
    assert "[2]" in html
    assert "#ref-2" not in html
    assert 'href="https://example.org"' in html


def test_citation_inside_code_stays_text():
    html = render_markdown("`array[1]`", references={"1"})
    assert "#ref-1" not in html


def test_citation_followed_by_a_colon_is_still_a_citation():
    html = render_markdown("As our bylaws say [3]: students vote.", references={"3"})
    assert 'href="#ref-3"' in html
