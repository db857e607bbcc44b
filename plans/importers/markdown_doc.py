"""Markdown with `#` headings: heading levels give the nesting, bodies stay Markdown.

A number at the start of a heading (`## 2.1 Diversity`) is dropped, since the
portal derives numbers from the tree. When the first heading is the only one
at its level and above all the others, it is the document's title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from .base import (
    NO_HEADINGS,
    ParsedPlan,
    ParsedSection,
    PlanImportError,
    add_missing_references,
    is_references_title,
    parse_reference_lines,
    title_from_preamble,
)

_parser = MarkdownIt("commonmark")
ATX_HEADING_RE = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
NUMBER_PREFIX_RE = re.compile(r"^\d{1,9}(?:\.\d{1,9})*\.?\s+(?=\S)")
MAX_TITLE_LENGTH = 300


@dataclass
class _Heading:
    level: int
    text: str
    start: int  # first line of the heading
    end: int  # line after the heading
    atx: bool


def _headings(text: str) -> list[_Heading]:
    tokens = _parser.parse(text)
    found = []
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.level == 0 and token.map:
            found.append(
                _Heading(
                    level=int(token.tag[1]),
                    text=tokens[index + 1].content.strip(),
                    start=token.map[0],
                    end=token.map[1],
                    atx=token.markup.startswith("#"),
                )
            )
    return found


def has_markdown_headings(text: str, *, atx_only: bool) -> bool:
    """Whether the text has top-level Markdown headings (only `#` ones when atx_only)."""
    if atx_only and not any(ATX_HEADING_RE.match(line) for line in text.split("\n")):
        return False
    return any(h.atx or not atx_only for h in _headings(text))


def _trim_blank_lines(lines: list[str]) -> str:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[start:end])


def parse_markdown(text: str) -> ParsedPlan:
    """Parse a Markdown document; raises PlanImportError when it has no headings."""
    lines = text.split("\n")
    headings = _headings(text)
    if not headings:
        raise PlanImportError(NO_HEADINGS)

    def body_of(index: int) -> list[str]:
        stop = headings[index + 1].start if index + 1 < len(headings) else len(lines)
        return lines[headings[index].end : stop]

    preamble = lines[: headings[0].start]
    title = description = ""
    first_section = 0
    others = [h for h in headings[1:] if not is_references_title(NUMBER_PREFIX_RE.sub("", h.text))]
    if others and headings[0].level < min(h.level for h in others):
        title = headings[0].text
        description = _trim_blank_lines([*preamble, *body_of(0)])
        first_section = 1
    else:
        title, description = title_from_preamble(preamble)

    rest = headings[first_section:]
    numbered = sum(1 for h in rest if NUMBER_PREFIX_RE.match(h.text))
    strip_numbers = numbered * 2 >= len(rest)

    forest: list[ParsedSection] = []
    stack: list[tuple[int, ParsedSection]] = []
    reference_lines: list[str] = []
    for index in range(first_section, len(headings)):
        heading = headings[index]
        heading_text = NUMBER_PREFIX_RE.sub("", heading.text) if strip_numbers else heading.text
        while stack and stack[-1][0] >= heading.level:
            stack.pop()
        if is_references_title(heading_text):
            reference_lines.extend(body_of(index))
            continue
        if not heading_text:
            raise PlanImportError(f"The heading on line {heading.start + 1} has no text.")
        if len(heading_text) > MAX_TITLE_LENGTH:
            raise PlanImportError(
                f"The heading on line {heading.start + 1} is longer than {MAX_TITLE_LENGTH} characters."
            )
        section = ParsedSection(title=heading_text, body=_trim_blank_lines(body_of(index)))
        (stack[-1][1].children if stack else forest).append(section)
        stack.append((heading.level, section))
    if not forest:
        raise PlanImportError(NO_HEADINGS)

    parsed = ParsedPlan(
        format="markdown",
        sections=forest,
        references=parse_reference_lines(reference_lines),
        title=title,
        description=description,
    )
    add_missing_references(parsed)
    return parsed
