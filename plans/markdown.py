"""Markdown to safe HTML: CommonMark, no raw HTML, citations linked, then sanitised by nh3.

This module is also the one home of the rule for what a citation is (`cited_labels`): the
renderer, the importers and the reference checks all ask it, so a `[1]` that the page links
is exactly a `[1]` that the importer and the reference list count.
"""

from __future__ import annotations

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# `[label]`: a reference label as the reference list allows them (see Reference.label).
CITATION_RE = re.compile(r"\[([\w][\w.-]{0,19})\]")

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "ins", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td",
    "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "class"}, "ol": {"start"}, "td": {"align"}, "th": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}


def reference_anchor(label: str) -> str:
    """The anchor of a reference-list entry: 1 -> ref-1."""
    return f"ref-{label}"


def is_citation(label: str, known: set[str] | frozenset[str] = frozenset()) -> bool:
    """Is `[label]` a citation? A number (`[1]`) always is; any other label (`[CoC]`) only when the
    plan's reference list has it, so that `[sic]` or `[a]` in prose is left as text."""
    return (label.isascii() and label.isdecimal() and len(label) <= 4) or label in known


def _citation_rule(state: StateInline, silent: bool) -> bool:
    # [1] with no link destination after it is a citation of reference 1.
    if state.src[state.pos] != "[":
        return False
    match = CITATION_RE.match(state.src, state.pos)
    if not match or not is_citation(match.group(1), state.env.get("citations", frozenset())):
        return False
    # "[1](url)" and "[1][ref]" are links; "[1]: url" definitions never reach inline rules.
    if state.src[match.end() : match.end() + 1] in ("(", "["):
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.content = match.group(1)
    state.pos = match.end()
    return True


def _render_citation(self, tokens, idx, options, env) -> str:
    label = tokens[idx].content
    if label in env.get("citations", ()):
        return f'<a class="citation" href="#{reference_anchor(label)}">[{label}]</a>'
    return f"[{label}]"


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table").enable("strikethrough")
    md.inline.ruler.before("link", "citation", _citation_rule)
    md.add_render_rule("citation", _render_citation)
    return md


_parser = _make_parser()


def cited_labels(text: str, known: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """The labels that `text` cites, in order of first citation, read exactly as the renderer reads them.

    Numbers always count; other labels only when in `known` (the plan's reference labels).
    A `[1]` inside code, in a link (`[1](url)`) or in a link definition is not a citation.
    """
    labels: dict[str, None] = {}
    for token in _parser.parse(text or "", {"citations": set(known)}):
        for child in token.children or ():
            if child.type == "citation":
                labels.setdefault(child.content, None)
    return list(labels)


def render_markdown(text: str, references: set[str] | frozenset[str] = frozenset()) -> SafeString:
    """Render Markdown to HTML that is safe to put on a page.

    Raw HTML in the text is shown as text, `javascript:` and other unsafe links are
    dropped, and `[n]` becomes a link to reference n when n is in `references`.
    """
    html = _parser.render(text or "", {"citations": set(references)})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 — sanitised by nh3 just above


def markdown_tokens(text: str) -> list[Token]:
    """The Markdown parsed exactly as `render_markdown` parses it (citations are `citation` tokens),
    for formats other than HTML (the PDF). Raw HTML comes out as text, never as markup."""
    return _parser.parse(text or "", {})
