"""What every import format shares: the parsed tree, the error, decoding and the reference list.

Parsing never touches the database: it turns the file into a ParsedPlan, which
plans.importers.service then writes in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..markdown import cited_labels
from ..models import NodeKind, Reference


class PlanImportError(Exception):
    """The file cannot be imported; the message says why in one plain line. Nothing was created."""

    def __init__(self, message: str):
        # One line, whatever went into the message (a title with a line break, a parser's text).
        super().__init__(" ".join(str(message).split()))


# Sections may nest this deep (1.1.1... with this many parts); deeper ones are refused, never flattened.
MAX_SECTION_DEPTH = 20
DEFAULT_MAX_IMPORT_BYTES = 5 * 1024 * 1024


def max_import_bytes() -> int:
    """The largest file the importers read (settings.PLAN_IMPORT_MAX_BYTES, 5 MB by default)."""
    return int(getattr(settings, "PLAN_IMPORT_MAX_BYTES", DEFAULT_MAX_IMPORT_BYTES))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


def check_size(size: int) -> None:
    """Refuse a file larger than the import limit, saying what the limit is and how to raise it."""
    limit = max_import_bytes()
    if size > limit:
        raise PlanImportError(
            f"The file is {_megabytes(size)}, larger than the {_megabytes(limit)} the portal imports "
            "(setting PLAN_IMPORT_MAX_BYTES, environment variable DJANGO_PLAN_IMPORT_MAX_BYTES); "
            "split the plan into smaller files."
        )


@dataclass
class ParsedReference:
    label: str
    text: str = ""
    url: str = ""


@dataclass
class ParsedSection:
    title: str
    body: str = ""
    kind: str = NodeKind.NARRATIVE
    # Kind-specific Node fields (an action's owner, an indicator's baseline...), already typed.
    fields: dict[str, Any] = field(default_factory=dict)
    children: list[ParsedSection] = field(default_factory=list)


@dataclass
class ParsedPlan:
    format: str  # "text", "markdown" or "json"
    sections: list[ParsedSection]
    references: list[ParsedReference] = field(default_factory=list)
    title: str = ""  # the document's own title, if it has one
    description: str = ""
    # What the parser mended on the way, in plain words, for the preview (see note_repair).
    repairs: list[str] = field(default_factory=list)

    def walk(self):
        """Every section, depth first, in document order."""

        def visit(sections):
            for section in sections:
                yield section
                yield from visit(section.children)

        yield from visit(self.sections)


_repairs: ContextVar[list[str] | None] = ContextVar("plan_import_repairs", default=None)


def note_repair(text: str) -> None:
    """Record one repair the parser made (a rejoined word, a skipped page number...), in plain words.

    The parsers call it where they mend the input; `recording_repairs` collects the notes (plan_parse
    puts them in ParsedPlan.repairs for the preview). Outside a recording it does nothing.
    """
    repairs = _repairs.get()
    if repairs is not None:
        repairs.append(text)


@contextmanager
def recording_repairs() -> Iterator[list[str]]:
    """Collect the note_repair calls made inside the block into the list it yields."""
    repairs: list[str] = []
    token = _repairs.set(repairs)
    try:
        yield repairs
    finally:
        _repairs.reset(token)


def decode_source(source: str | bytes) -> str:
    """The file's text with Unix line ends; refuses binary, non-UTF-8 and oversized input."""
    check_size(len(source) if isinstance(source, bytes) else len(source.encode("utf-8", "surrogatepass")))
    if isinstance(source, bytes):
        if b"\x00" in source:
            raise PlanImportError("The file looks binary (it contains NUL bytes); save it as UTF-8 text.")
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise PlanImportError(
                f"The file is not valid UTF-8 text (bad byte at position {error.start}); save it as UTF-8."
            ) from None
    else:
        text = source.removeprefix("\ufeff")
        if "\x00" in text:
            raise PlanImportError("The file looks binary (it contains NUL characters); save it as UTF-8 text.")
        if not is_encodable(text):
            raise PlanImportError("The text holds a broken character (a lone surrogate); save it as UTF-8 text.")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    if not text.strip():
        raise PlanImportError("The file is empty.")
    return text


def is_encodable(text: str) -> bool:
    """False for text holding lone surrogates, which no database column can store."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


NO_HEADINGS = (
    "No headings found: number the section headings like '1 Introduction' and '2.1 Diversity', "
    "or use Markdown '#' headings."
)

REFERENCES_TITLE_RE = re.compile(r"^references\s*:?$", re.IGNORECASE)


def is_references_title(title: str) -> bool:
    return bool(REFERENCES_TITLE_RE.match(title.strip()))


# `[1] citation text, URL`, also as a Markdown list item or link definition (`[1]: url`).
REFERENCE_LINE_RE = re.compile(r"^\s*(?:[-*+]\s+)?\\?\[(\w[\w.-]{0,19})\\?\]:?(?:\s+(.*))?$")
NUMBERED_REFERENCE_LINE_RE = re.compile(r"^(\d{1,4})[.)]\s+(.*)$")
_URL_AT_END_RE = re.compile(r"<?(https?://[^\s<>]+?)>?[.,;]?$")
_URL_BREAK_ENDINGS = ("/", "-", ".", "_", "=", "?", "&", "#", "%", "~")
MISSING_TEXT_PLACEHOLDER = "(citation to be added)"  # what version_markdown writes for a missing one
_validate_url = URLValidator(schemes=["http", "https"])
_URL_MAX = Reference._meta.get_field("url").max_length


def split_citation(text: str) -> tuple[str, str]:
    """Split `citation text, https://...` into (text, url); the URL is optional."""
    text = " ".join(text.split())
    match = _URL_AT_END_RE.search(text)
    url = ""
    if match and (match.start() == 0 or text[match.start() - 1] in " ,;:("):
        candidate = match.group(1)
        try:
            _validate_url(candidate)
        except ValidationError:
            candidate = ""
        if candidate and len(candidate) <= _URL_MAX:
            url = candidate
            text = text[: match.start()].rstrip(" ,;:(")
            text = re.sub(r"(?:,\s*|\s+)(?:URL|Available at|Online)\s*:?$", "", text, flags=re.IGNORECASE)
    if text.strip() == MISSING_TEXT_PLACEHOLDER:
        text = ""
    return text.strip(), url


def parse_reference_lines(lines: list[str]) -> list[ParsedReference]:
    """Entries of a reference list: a line starting `[label]` (or `1.`) opens one, following lines continue it.

    Lines before the first entry are ignored. A URL broken across lines is put back together.
    """
    entries: list[tuple[str, list[str]]] = []
    # Lists numbered `1. citation` instead of `[1] citation` are read the same way.
    entry_re = REFERENCE_LINE_RE
    if not any(REFERENCE_LINE_RE.match(line) for line in lines):
        entry_re = NUMBERED_REFERENCE_LINE_RE
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        match = entry_re.match(line)
        if match:
            entries.append((match.group(1), [match.group(2) or ""]))
        elif entries:
            parts = entries[-1][1]
            previous = parts[-1]
            last_word = previous.rsplit(" ", 1)[-1]
            if last_word.startswith(("http://", "https://")) and previous.endswith(_URL_BREAK_ENDINGS):
                parts[-1] = previous + line
                note_repair(f"Rejoined the web address of reference [{entries[-1][0]}], broken across lines.")
            else:
                parts.append(line)
    references = []
    seen: set[str] = set()
    for label, parts in entries:
        if label in seen:
            raise PlanImportError(f"Reference [{label}] appears twice in the reference list.")
        seen.add(label)
        text, url = split_citation(" ".join(p for p in parts if p))
        references.append(ParsedReference(label=label, text=text, url=url))
    return references


def add_missing_references(parsed: ParsedPlan) -> None:
    """Give every citation without a reference-list entry an entry with empty text, to be filled in.

    The list is then ordered by number when every label is a number.
    """
    known = {ref.label for ref in parsed.references}
    for section in parsed.walk():
        for label in cited_labels(section.body, known):
            if label not in known:
                known.add(label)
                parsed.references.append(ParsedReference(label=label))
    if all(ref.label.isdecimal() for ref in parsed.references):
        parsed.references.sort(key=lambda ref: int(ref.label))


def title_from_preamble(lines: list[str]) -> tuple[str, str]:
    """(title, description) from the text before the first heading: a short first line is the title."""
    paragraphs = "\n".join(lines).strip()
    if not paragraphs:
        return "", ""
    first, _, rest = paragraphs.partition("\n")
    first = first.strip().lstrip("#").strip()
    if len(first) <= 200 and not first.endswith("."):
        return first, rest.strip()
    return "", paragraphs
