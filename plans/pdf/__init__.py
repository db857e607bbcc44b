"""Plan versions and reports as accessible PDF documents, typeset with Typst (the `typst` wheel).

Imports point one way: `escape` (the only way text enters a document) <- `blocks` (the
layout's pieces) <- `markdown` (section bodies) <- `version` (a version's document) <-
`documents` (stored once per version: the selector and the service). `compile` turns
source into PDF bytes. Other apps build their documents from `blocks` and add to a
version's through `plans.hooks.register_pdf_section_provider`.
"""

from .blocks import (
    absolute_url,
    chart,
    content,
    document,
    facts,
    heading,
    internal_link,
    join,
    kind_label,
    link,
    long_date,
    page_break,
    paragraph,
    plain_text,
    small_note,
    table,
)
from .compile import DocumentError, compile_pdf
from .escape import Markup, markup, string
from .markdown import markdown_to_typst
from .version import section_facts, section_label, version_source

__all__ = [
    "DocumentError",
    "Markup",
    "absolute_url",
    "chart",
    "compile_pdf",
    "content",
    "document",
    "facts",
    "heading",
    "internal_link",
    "join",
    "kind_label",
    "link",
    "long_date",
    "markdown_to_typst",
    "markup",
    "page_break",
    "paragraph",
    "plain_text",
    "section_facts",
    "section_label",
    "small_note",
    "string",
    "table",
    "version_source",
]
