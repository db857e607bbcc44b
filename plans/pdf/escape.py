"""Text into Typst source, safely: the only two ways user text enters a document.

Typst reads markup (`*bold*`, `#code`, `$math$`, `<label>`, `// comment`) and, inside
code, string literals. `markup` and `string` turn any text into source whose value is
exactly that text, so no title, body or citation can ever run Typst code, change the
layout or reach a file. Every other function of this package builds on them.
"""

from __future__ import annotations

import re
import string as _string

__all__ = ["Markup", "markup", "string"]


class Markup(str):
    """Typst source built by this package (escaped user text and our own markup), safe to join."""

    __slots__ = ()


_WHITESPACE = re.compile(r"\s+")
_ESCAPES = {ord(char): "\\" + char for char in _string.punctuation}
# Control characters other than whitespace have no place in a document (Typst would choke on some).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")


def markup(text: str) -> Markup:
    """Markup that shows `text` as plain text: runs of whitespace become one space, and every
    ASCII punctuation character is escaped with a backslash, so none of Typst's markup
    (`# * _ $ ` < > @ = - + / [ ] ~ \\ ' "`, comments, lists, headings, shorthands) can start."""
    text = _WHITESPACE.sub(" ", _CONTROL.sub("", text or ""))
    return Markup(text.translate(_ESCAPES))


def _string_char(char: str) -> str:
    if char in '\\"':
        return "\\" + char
    if char.isprintable():
        return char
    # Newlines, tabs, control and format characters: by code point, so the literal stays on one line.
    return f"\\u{{{ord(char):x}}}"


def string(text: str) -> Markup:
    """A Typst string literal (quotes included) whose value is exactly `text`."""
    return Markup('"' + "".join(_string_char(char) for char in text or "") + '"')
