"""Plain text with numbered headings, as pasted from a PDF.

A line is a heading only when its number continues the sequence so far (after 2:
2.1 or 3; after 2.1: 2.2, 2.1.1 or 3), it is short, has no final full stop and
its title starts with a capital letter; so prose that happens to start with a
number stays prose. Lines wrapped inside a paragraph are joined, blank lines
separate paragraphs, and words split by a hyphen at a line break are mended.

Any number of sections is read (section 1000 follows 999) down to MAX_SECTION_DEPTH
levels; a heading nested deeper is refused, never folded into the section above.
Every step is linear in the length of the text, however long a paragraph or a line.
"""

from __future__ import annotations

import re

from .base import (
    MAX_SECTION_DEPTH,
    NO_HEADINGS,
    ParsedPlan,
    ParsedSection,
    PlanImportError,
    add_missing_references,
    is_references_title,
    note_repair,
    parse_reference_lines,
    title_from_preamble,
)

# A number of any depth; each part at most 9 digits, so that int() never meets a huge one.
HEADING_RE = re.compile(r"^(\d{1,9}(?:\.\d{1,9})*)\.?[ \t]+(\S.*)$")
MAX_HEADING_LENGTH = 90
# A line starting a list item keeps its own line instead of joining the one before.
LIST_ITEM_RE = re.compile(r"^(?:[-*+•◦▪‣\u2013]|\d{1,3}[.)]|\([a-z0-9]{1,3}\))\s+")
BULLET_RE = re.compile(r"^[•◦▪‣\u2013]\s+")
PAGE_NUMBER_RE = re.compile(r"^\d{1,4}$")

# Words after which "full- " is a suspended hyphen ("full- and part-time"), not a broken word.
_SUSPENDED_NEXT = r"(?:and|or|nor|to|und)\b"
_LETTER = r"[^\W\d_]"
# "as- pects" as left by PDF extraction: a word, a hyphen, one space, a lower-case fragment.
# Each word pattern starts where a word starts (the lookbehind): a search then tries every
# run of letters once, instead of once from each of its letters (quadratic in a long word).
_WORD_START = rf"(?<!{_LETTER})"
_INLINE_BREAK_RE = re.compile(rf"{_WORD_START}({_LETTER}+)- (?!{_SUSPENDED_NEXT})([a-zà-ÿ]{_LETTER}*)")
_LINE_END_BREAK_RE = re.compile(rf"{_WORD_START}({_LETTER}+)-$")
_HYPHENATED_RE = re.compile(rf"{_WORD_START}{_LETTER}+(?:-{_LETTER}+)+")
# Only the end of a line can end in a broken word; the longest word looked at is this long.
_TAIL = 200


def hyphenated_words(text: str) -> frozenset[str]:
    """The hyphenated words a text spells in full (`decision-making`), lower case."""
    return frozenset(word.lower() for word in _HYPHENATED_RE.findall(text))


def _mend(left: str, right: str, hyphenated: frozenset[str]) -> str:
    # A compound the document spells with a hyphen elsewhere keeps it; any other break is a word split.
    last_part = left.rsplit("-", 1)[-1]
    first_part = re.match(rf"{_LETTER}*", right).group()
    if f"{last_part}-{first_part}".lower() in hyphenated:
        return f"{left}-{right}"
    note_repair(f"Rejoined “{left}-” + “{first_part}” as “{left}{first_part}”.")
    return left + right


def mend_hyphenation(text: str, hyphenated: frozenset[str] = frozenset()) -> str:
    """Join words split by a hyphen and a space (`indi- vidual` → `individual`).

    Suspended hyphens (`full- and part-time`, `long- or short-term`) are kept, and so is
    the hyphen of a compound found in `hyphenated` (see hyphenated_words).
    """
    return _INLINE_BREAK_RE.sub(lambda m: _mend(m.group(1), m.group(2), hyphenated), text)


def _line_end_break(pieces: list[str]):
    """The word broken by a hyphen at the end of the last piece, as a match on that piece, or None.

    A piece ends at a space, so the word is inside it; only its last _TAIL characters are searched
    (the lookbehind still sees the character before them, so a longer "word" is simply not mended).
    """
    last = pieces[-1]
    return _LINE_END_BREAK_RE.search(last, max(0, len(last) - _TAIL))


def join_lines(lines: list[str], hyphenated: frozenset[str] = frozenset()) -> str:
    """One paragraph from wrapped lines; list items keep their own line."""
    # Each output line is kept as a list of pieces and joined once at the end: joining the
    # paragraph again after every wrapped line would copy it once per line (quadratic).
    out: list[list[str]] = []
    for raw in lines:
        line = " ".join(raw.split())
        if not out or LIST_ITEM_RE.match(line):
            out.append([BULLET_RE.sub("- ", line)])
            continue
        pieces = out[-1]
        # "indi-" at a line end followed by "vidual": one word (unless "full-" + "and part-time").
        broken = _line_end_break(pieces)
        if broken and re.match(r"[a-zà-ÿ]", line) and not re.match(_SUSPENDED_NEXT, line):
            word, _, rest = line.partition(" ")
            pieces[-1] = pieces[-1][: broken.start()] + _mend(broken.group(1), word, hyphenated)
            if rest:
                pieces.append(f" {rest}")
        else:
            pieces.append(f" {line}")
    return "\n".join(mend_hyphenation("".join(pieces), hyphenated) for pieces in out)


def paragraphs_to_markdown(lines: list[str], hyphenated: frozenset[str] = frozenset()) -> str:
    """Blank-line separated paragraphs of wrapped lines, as Markdown paragraphs."""
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            if not PAGE_NUMBER_RE.match(line.strip()):
                paragraphs[-1].append(line)
            else:
                note_repair(f"Left out the page number “{line.strip()}”, alone on its line.")
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join(join_lines(p, hyphenated) for p in paragraphs if p)


def _successors(current: list[int]) -> set[tuple[int, ...]]:
    """The numbers a heading may have after `current`: its first child, or the next at any depth."""
    if not current:
        return {(1,)}
    options = {(*current, 1)}
    for depth in range(len(current)):
        options.add((*current[:depth], current[depth] + 1))
    return options


def _looks_like_heading(title: str) -> bool:
    return len(title) <= MAX_HEADING_LENGTH and title[0].isupper() and not title.endswith((".", ",", ";", ":"))


# A line ending like this is in the middle of a sentence, so the next line cannot be a heading.
_MID_SENTENCE_RE = re.compile(
    r"(?:[,;\-\u2013(]|\b(?:a|an|the|of|and|or|nor|to|in|into|for|with|by|than|from|at|on|as|is|are|was|"
    r"were|be|has|have|had|our|their|its|this|these|that|which|who|about|over|under|between|some|all|each|"
    r"per|approximately|nearly|only|least|most)\b)$",
    re.IGNORECASE,
)


class _TextParser:
    def __init__(self) -> None:
        self.preamble: list[str] = []
        self.forest: list[ParsedSection] = []
        self.stack: list[ParsedSection] = []  # the open section at each depth
        self.numbers: list[int] = []  # the number of the last heading, e.g. [2, 1]
        self.bodies: list[tuple[ParsedSection, list[str]]] = []
        self.reference_lines: list[str] = []
        self.current: list[str] = self.preamble
        self.previous_line = ""  # the last non-blank line of the current paragraph, if any
        self.last_list_number: int | None = None
        self.line_number = 0
        self.sections_have_text = False  # whether any section so far has a non-blank line

    def heading_of(self, line: str) -> tuple[tuple[int, ...], str] | None:
        match = HEADING_RE.match(line)
        if not match:
            return None
        number = tuple(int(part) for part in match.group(1).split("."))
        title = match.group(2).rstrip()
        if number not in _successors(self.numbers) or not _looks_like_heading(title):
            return None
        if self.current is not self.preamble and _MID_SENTENCE_RE.search(self.previous_line):
            return None
        dotted = line[len(match.group(1)) : len(match.group(1)) + 1] == "."
        if dotted and len(number) == 1 and self.last_list_number is not None and number[0] == self.last_list_number + 1:
            return None  # the next item of a numbered list ("1. Start", "2. Continue")
        return number, title

    def is_contents_over(self, line: str) -> bool:
        """Whether `line` is a heading 1 after headings that all had no text: a table of contents."""
        if not self.forest or self.sections_have_text:
            return False
        match = HEADING_RE.match(line)
        return bool(match and match.group(1) == "1" and _looks_like_heading(match.group(2).rstrip()))

    def open_section(self, number: tuple[int, ...], title: str) -> None:
        self.numbers = list(number)
        self.last_list_number = None
        depth = len(number)
        if depth > MAX_SECTION_DEPTH:
            raise PlanImportError(
                f"Line {self.line_number}: section {'.'.join(map(str, number))} is nested {depth} levels deep; "
                f"the portal takes at most {MAX_SECTION_DEPTH} levels."
            )
        del self.stack[depth - 1 :]
        if is_references_title(title):
            self.current = self.reference_lines
            return
        section = ParsedSection(title=title)
        (self.stack[-1].children if self.stack else self.forest).append(section)
        self.stack.append(section)
        self.current = []
        self.bodies.append((section, self.current))

    def feed(self, line: str) -> None:
        self.line_number += 1
        stripped = line.strip()
        if not stripped:
            self.previous_line = ""
            self.current.append("")
            return
        heading = self.heading_of(stripped)
        if heading is None and self.is_contents_over(stripped):
            # What came so far was a table of contents; the document starts again at 1.
            note_repair(f"Left out a table of contents ({len(self.bodies)} headings without text before the text).")
            self.forest, self.stack, self.numbers, self.bodies = [], [], [], []
            self.last_list_number = None
            self.sections_have_text = False
            heading = self.heading_of(stripped)
        if heading is not None:
            self.open_section(*heading)
            self.previous_line = ""
            return
        if is_references_title(stripped) and stripped[0].isupper():
            self.current = self.reference_lines
            self.previous_line = ""
            return
        list_number = re.match(r"^(\d{1,3})[.)]\s", stripped)
        if list_number:
            self.last_list_number = int(list_number.group(1))
        self.previous_line = stripped
        if self.current is not self.preamble and self.current is not self.reference_lines:
            self.sections_have_text = True
        self.current.append(line)


def parse_text(text: str) -> ParsedPlan:
    """Parse plain text with numbered headings; raises PlanImportError when there are none."""
    parser = _TextParser()
    for line in text.split("\n"):
        parser.feed(line)
    if not parser.forest:
        raise PlanImportError(NO_HEADINGS)
    hyphenated = hyphenated_words(text)
    for section, lines in parser.bodies:
        section.body = paragraphs_to_markdown(lines, hyphenated)
    title, description = title_from_preamble([" ".join(line.split()) for line in parser.preamble])
    parsed = ParsedPlan(
        format="text",
        sections=parser.forest,
        references=parse_reference_lines(parser.reference_lines),
        title=title,
        description=paragraphs_to_markdown(description.split("\n"), hyphenated) if description else "",
    )
    add_missing_references(parsed)
    return parsed
