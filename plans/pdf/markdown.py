"""A section body's Markdown as Typst, from the same parse as the web page (plans.markdown).

Paragraphs, emphasis, strong, strikethrough, lists, links, headings, code, tables, block
quotes and rules keep their meaning; citations `[n]` link to the reference list; anything
else (images, stray HTML) becomes its plain text, escaped. Text only ever reaches the
output through `markup` and `string`.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from markdown_it.tree import SyntaxTreeNode

from ..markdown import markdown_tokens
from .blocks import absolute_url, content, heading, internal_link, join, link, table, url_is_safe
from .escape import Markup, markup, string

INLINE_WRAPPERS = {"em": "emph", "strong": "strong", "s": "strike"}
ALIGN = {"text-align:left": "left", "text-align:right": "right", "text-align:center": "center"}


class _Converter:
    def __init__(self, *, citations: Mapping[str, str], anchors: Set[str], level: int) -> None:
        self.citations = citations
        self.anchors = anchors
        self.section_level = level
        self.open_headings: list[tuple[int, int]] = []  # (Markdown level, document level) of enclosing headings

    # Blocks -------------------------------------------------------------------------------

    def blocks(self, node: SyntaxTreeNode) -> Markup:
        return join(self.block(child) for child in node.children)

    def block(self, node: SyntaxTreeNode) -> Markup:
        kind = node.type
        if kind == "paragraph":
            return self.inline_of(node)
        if kind == "heading":
            return self.heading(node)
        if kind in ("bullet_list", "ordered_list"):
            return self.list(node)
        if kind == "blockquote":
            return Markup(f"#quote[{self.blocks(node)}]")
        if kind in ("code_block", "fence"):
            return Markup(f"#raw({string(node.content.rstrip(chr(10)))}, block: true)")
        if kind == "hr":
            return Markup("#line(length: 100%, stroke: 0.5pt + rule)")
        if kind == "table":
            return self.table(node)
        return markup(plain(node))

    def heading(self, node: SyntaxTreeNode) -> Markup:
        # Headings in a body sit below the section's own, nested as in the Markdown but without
        # skipping a level (PDF/UA forbids it): "#### A" then "#### B" are siblings one below the section.
        if not plain(node).strip():
            return Markup("")  # PDF/UA forbids an empty heading; the web page shows nothing either
        markdown_level = int(node.tag[1:])
        while self.open_headings and self.open_headings[-1][0] >= markdown_level:
            self.open_headings.pop()
        level = (self.open_headings[-1][1] if self.open_headings else self.section_level) + 1
        self.open_headings.append((markdown_level, level))
        return heading(self.inline_of(node), level=level, outlined=False)

    def list(self, node: SyntaxTreeNode) -> Markup:
        tight = "true" if any(p.hidden for item in node.children for p in item.children) else "false"
        items = ", ".join(content(self.blocks(item)) for item in node.children)
        if node.type == "ordered_list":
            start = int(node.attrs.get("start", 1) or 1)
            return Markup(f"#enum(start: {start}, tight: {tight}, {items})")
        return Markup(f"#list(tight: {tight}, {items})")

    def table(self, node: SyntaxTreeNode) -> Markup:
        rows = [row for section in node.children for row in section.children]
        if not rows:
            return Markup("")
        head, *body = rows
        header_cells = head.children
        width = len(header_cells)
        aligns = [ALIGN.get(str(cell.attrs.get("style", "")), "left") for cell in header_cells]
        header = [self.inline_of(cell) for cell in header_cells]
        cells = []
        for row in body:
            values = [self.inline_of(cell) for cell in row.children][:width]
            cells.append(values + [Markup("")] * (width - len(values)))
        return table(header=header, rows=cells, align=aligns)

    # Inline -------------------------------------------------------------------------------

    def inline_of(self, node: SyntaxTreeNode) -> Markup:
        """The inline content of a paragraph, heading or table cell."""
        return Markup("".join(self.inline(child) for child in _inline_children(node)))

    def inline(self, node: SyntaxTreeNode) -> str:
        kind = node.type
        if kind == "text":
            return markup(node.content)
        if kind == "softbreak":
            return " "
        if kind == "hardbreak":
            return "#linebreak()"
        if kind in INLINE_WRAPPERS:
            inner = Markup("".join(self.inline(child) for child in node.children))
            return f"#{INLINE_WRAPPERS[kind]}{content(inner)}"
        if kind == "code_inline":
            return f"#raw({string(node.content)})"
        if kind == "link":
            return self.link(node)
        if kind == "citation":
            text = markup(f"[{node.content}]")
            anchor = self.citations.get(node.content)
            return internal_link(anchor, text) if anchor else text
        return markup(plain(node))

    def link(self, node: SyntaxTreeNode) -> str:
        text = Markup("".join(self.inline(child) for child in node.children))
        href = str(node.attrs.get("href", ""))
        if href.startswith("#") and href[1:] in self.anchors:
            return internal_link(href[1:], text)
        if href.startswith("/") and not href.startswith("//"):
            return link(absolute_url(href), text)
        if url_is_safe(href):
            return link(href, text)
        return text


def _inline_children(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    # Block nodes hold one `inline` node whose children are the text runs.
    children = []
    for child in node.children:
        children.extend(child.children if child.type == "inline" else [child])
    return children


def plain(node: SyntaxTreeNode) -> str:
    """The text of a node and everything under it, without formatting."""
    if node.type in ("text", "code_inline", "code_block", "fence", "html_inline", "html_block"):
        return node.content
    if node.type == "citation":
        return f"[{node.content}]"
    if node.type in ("softbreak", "hardbreak"):
        return " "
    return "".join(plain(child) for child in node.children)


def markdown_to_typst(
    text: str,
    *,
    citations: Mapping[str, str] | None = None,
    anchors: Set[str] = frozenset(),
    level: int = 1,
) -> Markup:
    """Typst for a section body.

    `citations` maps a reference label ("1") to the document label of its entry; `anchors`
    are the section anchors a link `#s-2-1` may point to; `level` is the section heading's
    level, under which the body's own headings go.
    """
    tree = SyntaxTreeNode(markdown_tokens(text))
    return _Converter(citations=citations or {}, anchors=anchors, level=level).blocks(tree)
