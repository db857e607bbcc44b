"""What changed in Markdown text, as readers see it: rendered, with word-level <ins>/<del> inside.

Readers never see raw Markdown in a public "what changed": `**bold**` shows as bold, `- item`
as a list item. Both texts go through `plans.markdown.render_markdown` (the one renderer);
each tag of the result becomes one private-use character, so the word-level differ
(`text_opcodes`) compares the words while every tag counts as one unit; then the tags come
back. The new text's markup is kept whole; of the old text's markup, only complete elements
that were removed (a list item, a table row) come back, their words struck through. The
result goes through nh3 again, so it is as safe as any rendered Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from typing import Any

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ..markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, render_markdown
from .snapshot import SnapshotDiff, diff_snapshots
from .text import text_opcodes

# Fields of a snapshot section that hold Markdown (the others are plain text or values).
MARKDOWN_FIELDS = frozenset({"body"})

_TAG_RE = re.compile(r"<[^>]*>")
_WORD_RE = re.compile(r"\w+")
_TAG_NAME_RE = re.compile(r"<\s*(/?)\s*([a-zA-Z0-9]+)")
_VOID = frozenset({"br", "hr", "img", "wbr"})
# Supplementary private use area A: one character per distinct tag. Prose never holds these;
# if a text does, they are replaced before the diff so they cannot be mistaken for tags.
_PUA_START = 0xF0000
_PUA_END = 0xFFFFD
_PUA_RE = re.compile("[\U000f0000-\U000ffffd]")

_CLEAN_TAGS = ALLOWED_TAGS | {"ins", "del", "span"}
_CLEAN_ATTRIBUTES = {**ALLOWED_ATTRIBUTES, "span": {"class"}}


class _Encoder:
    """Turns HTML into text in which each tag is one private-use character, and back."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.tags: dict[str, str] = {}

    def encode(self, markup: str) -> str:
        """The markup with each tag as one private-use character and entities as characters."""
        parts = []
        position = 0
        for match in _TAG_RE.finditer(markup):
            parts.append(self._text(markup[position : match.start()]))
            parts.append(self._code(match.group(0)))
            position = match.end()
        parts.append(self._text(markup[position:]))
        return "".join(parts)

    def _text(self, text: str) -> str:
        # Entities become characters, so that a diff never cuts "&amp;" in two.
        return _PUA_RE.sub("\ufffd", html.unescape(text))

    def _code(self, tag: str) -> str:
        code = self.codes.get(tag)
        if code is None:
            if _PUA_START + len(self.codes) > _PUA_END:
                raise ValueError("Too many distinct tags to compare.")
            code = chr(_PUA_START + len(self.codes))
            self.codes[tag] = code
            self.tags[code] = tag
        return code

    def is_tag(self, char: str) -> bool:
        return char in self.tags


def _tag_info(tag: str) -> tuple[bool, str]:
    """(is a closing tag, element name) of a tag such as '<li>' or '</strong>'."""
    match = _TAG_NAME_RE.match(tag)
    if match is None:
        return False, ""
    return bool(match.group(1)), match.group(2).lower()


def _pieces(encoder: _Encoder, text: str) -> list[tuple[bool, str]]:
    """Split encoded text into (is a tag, tag or text) pieces, in order."""
    pieces: list[tuple[bool, str]] = []
    buffer: list[str] = []
    for char in text:
        if encoder.is_tag(char):
            if buffer:
                pieces.append((False, "".join(buffer)))
                buffer = []
            pieces.append((True, encoder.tags[char]))
        else:
            buffer.append(char)
    if buffer:
        pieces.append((False, "".join(buffer)))
    return pieces


def _matched_tags(pieces: list[tuple[bool, str]]) -> set[int]:
    """Indexes of the tags in `pieces` that open and close within them (complete elements)."""
    matched: set[int] = set()
    stack: list[tuple[str, int]] = []
    for index, (is_tag, value) in enumerate(pieces):
        if not is_tag:
            continue
        closing, name = _tag_info(value)
        if name in _VOID:
            continue
        if not closing:
            stack.append((name, index))
        elif stack and stack[-1][0] == name:
            matched.update((stack.pop()[1], index))
        else:
            stack.clear()  # a close of something opened before this stretch: nothing before it pairs
    return matched


_MARK = {"-": ("del", "deleted: "), "+": ("ins", "inserted: ")}


def _emit_change(encoder: _Encoder, tag: str, text: str, out: list[str], *, tags: bool = True) -> None:
    """Emit a deleted ("-") or inserted ("+") stretch of encoded text, its words marked.

    Inserted markup is the new text's own: all of it stays. Of deleted markup, only whole
    elements come back (their words struck through); stray halves would break the new
    markup. With `tags=False`, only the words are emitted.
    """
    element, word = _MARK[tag]
    pieces = _pieces(encoder, text)
    if not tags:
        keep: set[int] = set()
    elif tag == "+":
        keep = set(range(len(pieces)))
    else:
        keep = _matched_tags(pieces)
    announced = False
    for index, (is_tag, value) in enumerate(pieces):
        if is_tag:
            if index in keep:
                out.append(value)
            continue
        if value.isspace():
            out.append(escape(value))
            continue
        hidden = "" if announced else f'<span class="visually-hidden">{word}</span>'
        announced = True
        out.append(f"<{element}>{hidden}{escape(value)}</{element}>")


def _emit_words(encoder: _Encoder, old: str, new: str, out: list[str]) -> None:
    """Emit the word-level diff of two encoded stretches of the same kind of block."""
    for tag, text in text_opcodes(old, new):
        if tag == "=":
            for is_tag, value in _pieces(encoder, text):
                out.append(value if is_tag else escape(value))
        else:
            _emit_change(encoder, tag, text, out)


# --- Blocks ----------------------------------------------------------------------------------
# The rendered text is cut into blocks (a paragraph, a heading, a list item, a table row) and
# the tags of the containers around them (lists, tables, quotes). Blocks are compared first, so
# that a removed list item or table row shows as one, and similar blocks are then compared word
# by word.

_CONTAINERS = frozenset({"ul", "ol", "table", "thead", "tbody", "blockquote"})
_BLOCKS = _CONTAINERS | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "th", "td", "pre", "hr"}
# Within a replaced stretch, blocks are paired for a word-level diff only this similar or more.
_PAIR_SIMILARITY = 0.3
# Above this many candidate pairs in one replaced stretch, its blocks are not paired.
_PAIR_LIMIT = 4000


@dataclass
class _Element:
    name: str
    open: str
    children: list[_Element | str] = field(default_factory=list)
    close: str = ""

    def html(self) -> str:
        return self.open + "".join(c if isinstance(c, str) else c.html() for c in self.children) + self.close

    def inner(self) -> str:
        return "".join(c if isinstance(c, str) else c.html() for c in self.children)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def has_blocks(self) -> bool:
        return any(isinstance(c, _Element) and c.name in _BLOCKS for c in self.children)

    def cells(self) -> list[_Element]:
        return [c for c in self.children if isinstance(c, _Element) and c.name in ("td", "th")]


@dataclass
class _Unit:
    kind: str  # "block", "open" or "close"
    name: str
    html: str  # encoded: each tag one private-use character
    text: str = ""
    container: str | None = None  # the innermost container around it
    element: _Element | None = None
    partner: int | None = None  # for "open" and "close": the index of the other one


def _parse(encoder: _Encoder, markup: str) -> list[_Element | str]:
    """The tree of sanitised (so well-formed) HTML, tags encoded."""
    root = _Element("", "")
    stack = [root]
    for is_tag, value in _pieces(encoder, encoder.encode(markup)):
        if not is_tag:
            stack[-1].children.append(value)
            continue
        closing, name = _tag_info(value)
        code = encoder.codes[value]
        if closing:
            if len(stack) > 1 and stack[-1].name == name:
                stack.pop().close = code
            continue
        element = _Element(name, code)
        stack[-1].children.append(element)
        if name not in _VOID:
            stack.append(element)
    return root.children


def _units(nodes: list[_Element | str]) -> list[_Unit]:
    units: list[_Unit] = []
    containers: list[int] = []

    def walk(items: list[_Element | str]) -> None:
        for item in items:
            around = units[containers[-1]].name if containers else None
            if isinstance(item, str):
                if not item.isspace():
                    units.append(_Unit("block", "", item, item, around))
                continue
            block = item.name not in _CONTAINERS and not (item.name == "li" and item.has_blocks())
            if block:
                units.append(_Unit("block", item.name, item.html(), item.text(), around, item))
                continue
            opening = len(units)
            units.append(_Unit("open", item.name, item.open, container=around))
            containers.append(opening)
            walk(item.children)
            containers.pop()
            units.append(_Unit("close", item.name, item.close, container=around, partner=opening))
            units[opening].partner = len(units) - 1

    walk(nodes)
    return units


def _similarity(a: _Unit, b: _Unit) -> float:
    if a.kind != "block" or b.kind != "block" or a.name != b.name:
        return 0.0
    words_a, words_b = _WORD_RE.findall(a.text.casefold()), _WORD_RE.findall(b.text.casefold())
    if not words_a and not words_b:
        return 1.0
    return SequenceMatcher(None, words_a, words_b, autojunk=False).ratio()


def _align(old: list[_Unit], new: list[_Unit]) -> list[tuple[str, int | None, int | None]]:
    """Pair similar blocks of a replaced stretch, in order: ("pair", i, j), ("del", i, None), ("ins", None, j)."""
    n, m = len(old), len(new)
    pairs: list[tuple[int, int]] = []
    if n * m <= _PAIR_LIMIT:
        score = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            for j in range(m - 1, -1, -1):
                best = max(score[i + 1][j], score[i][j + 1])
                similarity = _similarity(old[i], new[j])
                if similarity >= _PAIR_SIMILARITY:
                    best = max(best, score[i + 1][j + 1] + similarity)
                score[i][j] = best
        i = j = 0
        while i < n and j < m:
            similarity = _similarity(old[i], new[j])
            if similarity >= _PAIR_SIMILARITY and score[i][j] == score[i + 1][j + 1] + similarity:
                pairs.append((i, j))
                i, j = i + 1, j + 1
            elif score[i][j] == score[i + 1][j]:
                i += 1
            else:
                j += 1
    actions: list[tuple[str, int | None, int | None]] = []
    i = j = 0
    for pi, pj in [*pairs, (n, m)]:
        actions.extend(("del", k, None) for k in range(i, pi))
        actions.extend(("ins", None, k) for k in range(j, pj))
        if pi < n:
            actions.append(("pair", pi, pj))
        i, j = pi + 1, pj + 1
    return actions


def _actions(old: list[_Unit], new: list[_Unit]) -> list[tuple[str, int | None, int | None]]:
    """The edit script over blocks: equal, deleted, inserted, or paired for a word-level diff."""
    matcher = SequenceMatcher(None, [u.html for u in old], [u.html for u in new], autojunk=False)
    actions: list[tuple[str, int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            actions.extend(("eq", i1 + k, j1 + k) for k in range(i2 - i1))
        elif tag == "delete":
            actions.extend(("del", i, None) for i in range(i1, i2))
        elif tag == "insert":
            actions.extend(("ins", None, j) for j in range(j1, j2))
        else:
            for action, i, j in _align(old[i1:i2], new[j1:j2]):
                actions.append((action, None if i is None else i1 + i, None if j is None else j1 + j))
    return actions


# Where a deleted block goes when the container it was in is no longer around it.
_WRAP = {"ul": ("<li>", "</li>"), "ol": ("<li>", "</li>"), "thead": ("<tr><td>", "</td></tr>")}
_WRAP |= {"tbody": _WRAP["thead"], "table": ("<tbody><tr><td>", "</td></tr></tbody>")}


def _render(encoder: _Encoder, old: list[_Unit], new: list[_Unit]) -> str:
    actions = _actions(old, new)
    # A deleted container (a whole list, a whole table) comes back, struck through, only when
    # everything in it was deleted in one stretch; otherwise its tags would cut the new markup.
    position = {i: k for k, (action, i, _j) in enumerate(actions) if action == "del"}
    kept: set[int] = set()
    for i, unit in enumerate(old):
        if unit.kind == "open" and i in position and unit.partner in position:
            start, end = position[i], position[unit.partner]
            if end - start == unit.partner - i:  # every unit between them deleted, in order
                kept.update((i, unit.partner))
    out: list[str] = []
    stack: list[str] = []

    def emit_tag(unit: _Unit) -> None:
        if unit.kind == "open":
            stack.append(unit.name)
        elif stack:
            stack.pop()
        out.append(encoder.tags[unit.html])

    for action, i, j in actions:
        if action in ("eq", "ins", "pair"):
            unit = new[j]
            if unit.kind != "block":
                emit_tag(unit)
            elif action == "eq":
                out.extend(v if t else escape(v) for t, v in _pieces(encoder, unit.html))
            elif action == "ins":
                _emit_change(encoder, "+", unit.html, out)
            else:
                _emit_pair(encoder, old[i], unit, out)
        else:
            unit = old[i]
            if unit.kind != "block":
                if i in kept:
                    emit_tag(unit)
            elif unit.container == (stack[-1] if stack else None):
                _emit_change(encoder, "-", unit.html, out)
            else:
                before, after = _WRAP.get(stack[-1] if stack else "", ("<p>", "</p>"))
                out.append(before)
                _emit_change(encoder, "-", unit.html, out, tags=False)
                out.append(after)
        out.append("\n")
    return "".join(out)


def _emit_pair(encoder: _Encoder, old: _Unit, new: _Unit, out: list[str]) -> None:
    """Two similar blocks of the same kind: the new one, its words compared with the old one's."""
    if new.name == "tr" and old.element is not None and new.element is not None:
        old_cells, new_cells = old.element.cells(), new.element.cells()
        if len(old_cells) == len(new_cells):
            # Table rows cell by cell, so that words never move to another column.
            out.append(encoder.tags[new.element.open])
            for before, after in zip(old_cells, new_cells, strict=True):
                out.append(encoder.tags[after.open])
                _emit_words(encoder, before.inner(), after.inner(), out)
                out.append(encoder.tags[after.close])
            out.append(encoder.tags[new.element.close])
            return
        _emit_change(encoder, "-", old.html, out)
        _emit_change(encoder, "+", new.html, out)
        return
    if old.element is not None and new.element is not None and old.element.open == new.element.open:
        out.append(encoder.tags[new.element.open])
        _emit_words(encoder, old.element.inner(), new.element.inner(), out)
        out.append(encoder.tags.get(new.element.close, ""))
        return
    _emit_words(encoder, old.html, new.html, out)


def _clean(markup: str) -> SafeString:
    clean = nh3.clean(
        markup,
        tags=_CLEAN_TAGS,
        attributes=_CLEAN_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 -- sanitised by nh3 just above


def diff_rendered(old: str | None, new: str | None) -> SafeString:
    """The change from Markdown `old` to `new`, rendered: formatting shown, words marked <del>/<ins>.

    Blocks (paragraphs, list items, table rows) are matched first; a removed one shows struck
    through where it was, an added one underlined; similar ones are compared word by word, table
    rows cell by cell. Citations show as plain "[1]" (the page showing a diff has no reference
    list to link to). Safe HTML: sanitised by nh3, with <ins>, <del> and their hidden
    "inserted:"/"deleted:" words.
    """
    encoder = _Encoder()
    before = _units(_parse(encoder, str(render_markdown(old or ""))))
    after = _units(_parse(encoder, str(render_markdown(new or ""))))
    return _clean(_render(encoder, before, after))


def rendered_snapshot_diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> SnapshotDiff:
    """`diff_snapshots`, with each Markdown field's change rendered for readers (`diff_rendered`).

    Each such change is marked `rendered = True`, so templates show it as a block of text
    (paragraphs, lists, tables) rather than as source with its line breaks kept.
    """
    diff = diff_snapshots(old, new)
    for change in diff.sections:
        fields = []
        for change_of_field in change.fields:
            if change_of_field.name in MARKDOWN_FIELDS:
                change_of_field = replace(change_of_field, html=diff_rendered(change_of_field.old, change_of_field.new))
                change_of_field.rendered = True
            fields.append(change_of_field)
        change.fields = fields
    return diff
