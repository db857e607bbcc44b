"""Plain text for the index, and safe HTML for snippets. Pure functions on snapshot data.

A section's searchable text is its title, its body as a reader sees it (Markdown rendered by
`plans.markdown.render_markdown`, then reduced to its words) and its kind's facts ("Owner:
Outreach subcommittee"). The databases mark matched words in snippets with MARK_START and
MARK_END, characters that `clean_text` removes from everything indexed, so `snippet_html`
can escape the whole snippet and then turn only those markers into <mark> elements.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from plans.diff import default_label, section_content
from plans.markdown import render_markdown
from plans.snapshot import iter_sections

from .query import clean_text

MARK_START = "\x01"
MARK_END = "\x02"

_BLOCK_TAGS = frozenset(
    {"p", "br", "li", "ul", "ol", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "hr", "table", "tr", "td", "th"}
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NOT_FACTS = frozenset({"title", "body", "kind"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def markdown_text(body: str) -> str:
    """The words of a Markdown body as a reader sees them on the page, without markup."""
    collector = _TextCollector()
    collector.feed(str(render_markdown(body or "")))
    collector.close()
    return clean_text("".join(collector.parts))


def section_facts(section: dict[str, Any]) -> str:
    """The kind's own fields in words ("Owner: Outreach subcommittee. Status: In progress.")."""
    facts = []
    for name, value in section_content(section).items():
        if name in _NOT_FACTS or not isinstance(value, str) or not value.strip() or _ISO_DATE.match(value):
            continue
        label = default_label(name)
        facts.append(f"{label}: {clean_text(value)}.")
    return " ".join(facts)


@dataclass(frozen=True)
class SectionText:
    """One section of a version as the index stores it."""

    position: int
    section_id: int | None
    number: str
    anchor: str
    kind: str
    title: str
    text: str


def snapshot_sections(snapshot: dict[str, Any]) -> Iterator[SectionText]:
    """Every section of a snapshot, in document order, with its searchable text."""
    for position, section in enumerate(iter_sections(snapshot["sections"])):
        body = markdown_text(section.get("body", ""))
        facts = section_facts(section)
        yield SectionText(
            position=position,
            section_id=section.get("id"),
            number=section["number"],
            anchor=section["anchor"],
            kind=section.get("kind", ""),
            title=clean_text(section.get("title", "")),
            text=" ".join(part for part in (facts, body) if part),
        )


def snapshot_title(snapshot: dict[str, Any]) -> str:
    return clean_text(snapshot.get("plan", {}).get("title", ""))


def snippet_html(marked: str | None) -> SafeString:
    """HTML of a snippet the database marked: everything escaped, matched words in <mark>."""
    parts = []
    open_mark = False
    for piece in re.split(f"([{MARK_START}{MARK_END}])", marked or ""):
        if piece == MARK_START:
            if not open_mark:
                parts.append("<mark>")
                open_mark = True
        elif piece == MARK_END:
            if open_mark:
                parts.append("</mark>")
                open_mark = False
        else:
            parts.append(escape(piece, quote=False))
    if open_mark:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 — every piece of text is escaped just above
