"""Typst source to PDF bytes: a tagged PDF/UA-1 document, with the fonts the typst wheel ships.

The `typst` package carries its compiler and three font families (Libertinus Serif, New
Computer Modern, DejaVu Sans Mono) in its wheel, so this needs nothing but pip. Fonts
installed on the machine are used too, for scripts those do not cover.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tempfile

import typst

logger = logging.getLogger(__name__)

# PDF/UA-1 (accessible: tagged structure and reading order, title and language in the metadata,
# alternative text) and PDF/A-2a (archival: fonts embedded, nothing outside the file it needs).
PDF_STANDARDS = ["ua-1", "a-2a"]
REPLACEMENT = "\ufffd"
# What PDF/UA and PDF/A say of a character no font has, or (PDF/A) one without a meaning (private use).
_UNSHOWABLE = re.compile(r'(?:the text|contains the codepoint) `("(?:[^"\\]|\\.)*")`')
_STRING_ESCAPE = re.compile(r"\\(u\{([0-9a-fA-F]+)\}|.)")
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t"}
# Never replaced: printable ASCII and line breaks are the markup's own.
_KEEP = frozenset(chr(code) for code in range(0x20, 0x7F)) | {"\n", "\r", "\t"}


class DocumentError(Exception):
    """The document could not be typeset (a bug of ours: user text cannot cause it)."""


def _unquote(literal: str) -> str:
    """The value of a Typst string literal as the compiler prints it in a message."""

    def one(match: re.Match) -> str:
        if match.group(2):
            return chr(int(match.group(2), 16))
        return _ESCAPED.get(match.group(1), match.group(1))

    return _STRING_ESCAPE.sub(one, literal[1:-1])


def _undisplayable(error: typst.TypstError) -> set[str] | None:
    """The characters the PDF cannot hold (no font has them, or they mean nothing, like private-use
    ones), if that is all that went wrong; None otherwise."""
    messages = [line for line in str(error.diagnostic).splitlines() if line.startswith("error:")]
    if not messages:
        messages = [error.message]
    characters: set[str] = set()
    for message in messages:
        match = _UNSHOWABLE.search(message)
        if match is None:
            return None
        characters.update(char for char in _unquote(match.group(1)) if char not in _KEEP)
    return characters or None


def _replace(source: str, characters: set[str]) -> str:
    """The source with each character shown as U+FFFD, written as it is or as a `\\u{...}` escape
    of a string literal. Our own markup is printable ASCII, so only user text changes."""
    source = source.translate({ord(char): REPLACEMENT for char in characters})
    escapes = "|".join(f"{ord(char):x}" for char in characters)
    # An escape is a backslash that is not itself escaped: preceded by an even number of them.
    return re.sub(rf"(?<!\\)((?:\\\\)*)\\u\{{0*(?:{escapes})\}}", rf"\g<1>{REPLACEMENT}", source, flags=re.IGNORECASE)


def _compile(source: str, *, timestamp: int | None, standards: list[str]) -> bytes:
    # An empty root: the document can read no file, whatever it says.
    with tempfile.TemporaryDirectory(prefix="typst-") as root:
        return typst.compile(
            source.encode("utf-8"), root=root, pdf_standards=standards, timestamp=timestamp, pdf_tags=True
        )


def compile_pdf(source: str, *, timestamp: dt.datetime | None = None) -> bytes:
    """The PDF of a Typst document. `timestamp` is its creation date: the same source and
    timestamp give the same bytes.

    A character that no available font can draw, or that PDF/A forbids (private use), is
    shown as U+FFFD, and that is logged; any other failure raises DocumentError.
    """
    seconds = int(timestamp.timestamp()) if timestamp is not None else None
    for _ in range(3):
        try:
            return _compile(source, timestamp=seconds, standards=PDF_STANDARDS)
        except typst.TypstError as error:
            missing = _undisplayable(error)
            if not missing:
                raise DocumentError(error.message) from error
            logger.warning("The PDF cannot show %s; shown as %s instead.", sorted(missing), REPLACEMENT)
            source = _replace(source, missing)
    raise DocumentError("Some characters of the document cannot be shown.")
