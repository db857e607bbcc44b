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

# PDF/UA-1: tagged structure, reading order, title and language in the metadata, alternative text.
PDF_STANDARDS = ["ua-1"]
REPLACEMENT = "\ufffd"
_MISSING = re.compile(r'the text `("(?:[^"\\]|\\.)*")` could not be displayed')
_STRING_ESCAPE = re.compile(r"\\(u\{([0-9a-fA-F]+)\}|.)")
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t"}


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
    """The characters no font could show, if that is all that went wrong; None otherwise."""
    messages = [line for line in str(error.diagnostic).splitlines() if line.startswith("error:")]
    if not messages:
        messages = [error.message]
    characters: set[str] = set()
    for message in messages:
        match = _MISSING.search(message)
        if match is None:
            return None
        characters.update(char for char in _unquote(match.group(1)) if not char.isascii())
    return characters or None


def _compile(source: str, *, timestamp: int | None, standards: list[str]) -> bytes:
    # An empty root: the document can read no file, whatever it says.
    with tempfile.TemporaryDirectory(prefix="typst-") as root:
        return typst.compile(
            source.encode("utf-8"), root=root, pdf_standards=standards, timestamp=timestamp, pdf_tags=True
        )


def compile_pdf(source: str, *, timestamp: dt.datetime | None = None) -> bytes:
    """The PDF of a Typst document. `timestamp` is its creation date: the same source and
    timestamp give the same bytes.

    A character that no available font can draw is shown as U+FFFD (PDF/UA forbids a
    missing glyph), and that is logged; any other failure raises DocumentError.
    """
    seconds = int(timestamp.timestamp()) if timestamp is not None else None
    for _ in range(3):
        try:
            return _compile(source, timestamp=seconds, standards=PDF_STANDARDS)
        except typst.TypstError as error:
            missing = _undisplayable(error)
            if not missing:
                raise DocumentError(error.message) from error
            logger.warning("No font can show %s; shown as %s in the PDF.", sorted(missing), REPLACEMENT)
            # Only user text holds non-ASCII characters, and never next to an escape: safe to replace.
            source = source.translate({ord(char): REPLACEMENT for char in missing})
    raise DocumentError("Some characters of the document cannot be shown by any font.")
