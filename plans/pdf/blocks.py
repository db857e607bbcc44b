"""Building blocks of a document: each returns Typst source, with every piece of user text escaped.

Plain `str` arguments are user text (shown exactly as given); `Markup` arguments were built
by this package and are used as they are. Plan versions (plans.pdf.version) and annual
reports (tracking) are assembled from these, so both look alike and neither writes Typst
by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.encoding import iri_to_uri

from .escape import Markup, markup, string

LAYOUT_FILE = Path(__file__).with_name("layout.typ")
_LABEL = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_WIDTH = re.compile(r"auto|\d+(\.\d+)?(fr|cm|mm|pt|%)")


@cache
def layout() -> str:
    """The Typst layout every document starts with (plans/pdf/layout.typ)."""
    return LAYOUT_FILE.read_text(encoding="utf-8")


def content(value: str | Markup) -> Markup:
    """A Typst content block `[...]` of user text, or of markup built here."""
    return Markup(f"[{value if isinstance(value, Markup) else markup(value)}]")


def label(name: str) -> Markup:
    """A label `<name>` to link to; only names this package makes (letters, digits, - and _)."""
    if not _LABEL.fullmatch(name):
        raise ValueError(f"Not a label name: {name!r}")
    return Markup(f"<{name}>")


def join(parts: Iterable[Markup]) -> Markup:
    """Blocks one after another, each its own paragraph."""
    return Markup("\n\n".join(part for part in parts if part))


def heading(title: str | Markup, *, level: int, anchor: str | None = None, outlined: bool = True) -> Markup:
    """A heading; in the contents and the PDF bookmarks unless `outlined` is false. Nothing for no text
    (PDF/UA forbids an empty heading)."""
    if not str(title).strip():
        return Markup("")
    flags = "" if outlined else ", outlined: false, bookmarked: false"
    target = label(anchor) if anchor else ""
    return Markup(f"#heading(level: {max(1, int(level))}{flags}){content(title)}{target}")


def paragraph(text: str | Markup) -> Markup:
    return Markup(f"#par{content(text)}")


def plain_text(text: str) -> Markup:
    """Text typed without Markdown (release notes): a blank line starts a paragraph, a newline breaks the line."""
    paragraphs = [p for p in re.split(r"\n\s*\n", (text or "").strip()) if p.strip()]
    return join(
        paragraph(Markup("#linebreak()".join(markup(line) for line in p.strip().splitlines()))) for p in paragraphs
    )


def small_note(text: str | Markup) -> Markup:
    return Markup(f"#small-note{content(text)}")


def kind_label(text: str) -> Markup:
    return Markup(f"#kind-label{content(text)}")


def facts(pairs: Iterable[tuple[str, str | Markup]]) -> Markup:
    """A short list of labelled facts ("Owner: the Outreach team"); empty values are left out."""
    items = [f"terms.item({content(name)}, {content(value)})" for name, value in pairs if value]
    if not items:
        return Markup("")
    return Markup(f"#terms({', '.join(items)})")


def link(url: str, text: str | Markup | None = None) -> Markup:
    """A link to an address (http, https or mailto only; anything else is shown as text)."""
    if not url_is_safe(url):
        return Markup(text) if isinstance(text, Markup) else markup(text or url)
    return Markup(f"#link({string(iri_to_uri(url))}){content(text if text is not None else url)}")


def internal_link(anchor: str, text: str | Markup) -> Markup:
    """A link to a labelled place in the same document."""
    return Markup(f"#link({label(anchor)}){content(text)}")


def url_is_safe(url: str) -> bool:
    scheme = (url or "").split(":", 1)[0].lower() if ":" in (url or "") else ""
    return scheme in ("http", "https", "mailto")


def absolute_url(path: str) -> str:
    """An address of the portal, for links in documents read away from it."""
    return settings.PORTAL_URL.rstrip("/") + path


def table(
    *,
    header: Sequence[str | Markup],
    rows: Iterable[Sequence[str | Markup]],
    caption: str | Markup | None = None,
    widths: Sequence[str] | None = None,
    align: Sequence[str] | None = None,
) -> Markup:
    """A table with a header row (repeated on each page it spans) and an optional caption above it.

    `widths` are Typst track sizes (`auto`, `1fr`, `3cm`), all `auto` by default; `align`
    is left, right or center per column.
    """
    columns = list(widths) if widths else ["auto"] * len(header)
    if len(columns) != len(header) or not all(_WIDTH.fullmatch(c) for c in columns):
        raise ValueError("One width per column: auto, 1fr, 2cm...")
    aligns = list(align) if align else ["left"] * len(header)
    if len(aligns) != len(header) or not set(aligns) <= {"left", "right", "center"}:
        raise ValueError("One alignment per column: left, right or center.")
    cells = []
    for row in rows:
        if len(row) != len(header):
            raise ValueError("Each row needs one cell per column.")
        cells.extend(content(cell) for cell in row)
    head = ", ".join(content(name) for name in header)
    caption_arg = f", caption: {content(caption)}" if caption else ""
    body = "".join(f", {cell}" for cell in cells)
    return Markup(
        f"#data-table(columns: ({', '.join(columns)},), align: ({', '.join(aligns)},), "
        f"header: ({head},){caption_arg}{body})"
    )


def chart(svg: str, *, alt: str, caption: str | Markup) -> Markup:
    """An SVG chart with its alternative text (read aloud in place of the image) and a caption."""
    return Markup(f"#chart({string(svg)}, alt: {string(alt)}, caption: {content(caption)})")


def page_break() -> Markup:
    return Markup("#pagebreak(weak: true)")


def language() -> tuple[str, str | None]:
    """The document language and region from LANGUAGE_CODE: en-gb -> ("en", "gb")."""
    code = settings.LANGUAGE_CODE.lower().replace("_", "-")
    lang, _, region = code.partition("-")
    if not re.fullmatch(r"[a-z]{2,3}", lang):
        return "en", None
    return lang, (region if re.fullmatch(r"[a-z]{2}", region) else None)


def long_date(day: dt.date) -> str:
    """3 March 2025, as the web pages write dates."""
    return f"{day.day} {day:%B %Y}"


def document(
    *,
    title: str,
    header: str | Markup,
    footer: str | Markup,
    day: dt.date,
    body: Iterable[Markup],
    front: Markup | None = None,
    contents: bool = False,
) -> str:
    """A whole document: the layout, the metadata (title, author, language, date), an optional
    front page, an optional numbered contents with page numbers, then the body."""
    title = " ".join(title.split()) or "Untitled document"  # PDF/UA requires a title
    lang, region = language()
    region_arg = string(region) if region else "none"
    parts = [
        layout(),
        "#show: portal-document.with("
        f"title: {string(title)}, header: {content(header)}, footer: {content(footer)}, "
        f"lang: {string(lang)}, region: {region_arg}, "
        f"date: datetime(year: {day.year}, month: {day.month}, day: {day.day}))",
    ]
    if front:
        parts.append(front)
    if contents:
        parts.append("#outline(title: [Contents], depth: 3)\n#pagebreak(weak: true)")
    parts.append(join(body))
    return "\n\n".join(parts) + "\n"
