"""The one differ: word-level text diffs, field-by-field diffs and structured snapshot diffs.

Pure functions on plain data (no database): the public compare page, the workspace's
"unpublished changes", per-node revision comparison and the edit-conflict page all use it.
Changes are shown with <ins>/<del> plus visually hidden "inserted:"/"deleted:" words, so
they read without colour and with a screen reader.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import ActionStatus, Direction, NodeKind
from .snapshot import FIELD_LABELS

# ---------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------

# Words, runs of whitespace, and single other characters (punctuation, symbols, emoji).
_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
# Sentences (ending at . ! ? ; : plus the whitespace after), used to split long lines.
_SENTENCE_RE = re.compile(r"[^.!?;:\n]*(?:[.!?;:]+\s*|\n+|$)")

_ZWJ = "\u200d"

# Above these sizes (in tokens), SequenceMatcher without its "popular element" heuristic
# is quadratic on real prose; blocks this big are split further or diffed heuristically.
_WORD_BLOCK_LIMIT = 600


def _is_continuation(char: str) -> bool:
    """Does this character belong to the grapheme before it (accent, emoji modifier, joiner)?"""
    code = ord(char)
    return (
        unicodedata.category(char).startswith("M")  # combining marks
        or char == _ZWJ
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # tag characters (flags of regions)
        or 0xE0100 <= code <= 0xE01EF
    )


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _trailing_regional_indicators(token: str) -> int:
    count = 0
    for char in reversed(token):
        if not _is_regional_indicator(char):
            break
        count += 1
    return count


def tokenize(text: str) -> list[str]:
    """Split text into words, whitespace runs and other characters, never inside a grapheme.

    Combining accents, emoji modifiers and zero-width-joiner sequences stay with the
    character they modify, so a diff never cuts "é" (e + U+0301) or "👩‍🔬" in two.
    """
    tokens = _TOKEN_RE.findall(text)
    if text.isascii():
        return tokens
    merged: list[str] = []
    for token in tokens:
        first = token[0]
        if merged and first > "\x7f":
            previous = merged[-1]
            join = (
                _is_continuation(first)
                or previous.endswith(_ZWJ)
                or (_is_regional_indicator(first) and _trailing_regional_indicators(previous) % 2 == 1)
            )
            if join:
                merged[-1] = previous + token
                continue
        if merged and first.isalnum() and _is_continuation(merged[-1][-1]) and merged[-1][0].isalnum():
            # A word resumed after a combining mark: "cafe\u0301s" is one word.
            merged[-1] += token
            continue
        merged.append(token)
    return merged


def _split_lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def _split_sentences(text: str) -> list[str]:
    return [piece for piece in _SENTENCE_RE.findall(text) if piece]


def _trim(a: list[str], b: list[str]) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of a and b."""
    limit = min(len(a), len(b))
    prefix = 0
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return prefix, suffix


Op = tuple[str, str]  # ("=" | "-" | "+", text)


def _diff_level(a: list[str], b: list[str], level: int, out: list[Op]) -> None:
    """Diff two lists of units at `level` (0 lines, 1 sentences, 2 words), refining replaced blocks."""
    if level == 2:
        prefix, suffix = _trim(a, b)
        if prefix:
            out.append(("=", "".join(a[:prefix])))
        middle_a, middle_b = a[prefix : len(a) - suffix], b[prefix : len(b) - suffix]
        if middle_a and middle_b:
            _diff_words(middle_a, middle_b, out)
        elif middle_a or middle_b:
            out.append(("-" if middle_a else "+", "".join(middle_a or middle_b)))
        if suffix:
            out.append(("=", "".join(a[len(a) - suffix :])))
        return
    pairs: list[tuple[int, int]] = []
    _matching_pairs(a, b, 0, len(a), 0, len(b), pairs, 0)
    i = j = 0
    for pi, pj in [*pairs, (len(a), len(b))]:
        if i < pi and j < pj:
            _diff_block(a[i:pi], b[j:pj], level, out)
        elif i < pi:
            out.append(("-", "".join(a[i:pi])))
        elif j < pj:
            out.append(("+", "".join(b[j:pj])))
        if pi < len(a):
            out.append(("=", a[pi]))
        i, j = pi + 1, pj + 1


# Regions with no unit unique to both sides are matched by SequenceMatcher only up to this
# size (units x units); bigger ones are refined at the next level down instead.
_UNANCHORED_LIMIT = 40_000


def _matching_pairs(
    a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int, pairs: list[tuple[int, int]], depth: int
) -> None:
    """Append the (i, j) of equal units of a[alo:ahi] and b[blo:bhi], in order (patience diff).

    Units that occur once on each side anchor the match; the stretches between anchors
    are matched recursively. This stays near-linear where SequenceMatcher would be
    quadratic on many repeated units (blank lines, table rows).
    """
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        pairs.append((alo, blo))
        alo, blo = alo + 1, blo + 1
    suffix = []
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
        suffix.append((ahi, bhi))
    if alo < ahi and blo < bhi:
        anchors = _unique_anchors(a, b, alo, ahi, blo, bhi) if depth < 40 else []
        if anchors:
            i, j = alo, blo
            for anchor_i, anchor_j in anchors:
                _matching_pairs(a, b, i, anchor_i, j, anchor_j, pairs, depth + 1)
                pairs.append((anchor_i, anchor_j))
                i, j = anchor_i + 1, anchor_j + 1
            _matching_pairs(a, b, i, ahi, j, bhi, pairs, depth + 1)
        elif (ahi - alo) * (bhi - blo) <= _UNANCHORED_LIMIT:
            matcher = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for i, j, size in matcher.get_matching_blocks():
                pairs.extend((alo + i + k, blo + j + k) for k in range(size))
    pairs.extend(reversed(suffix))


def _unique_anchors(a: list[str], b: list[str], alo: int, ahi: int, blo: int, bhi: int) -> list[tuple[int, int]]:
    """Pairs (i, j) of units occurring exactly once in each range, longest run in the same order."""
    counts: dict[str, list[int]] = {}
    for i in range(alo, ahi):
        entry = counts.setdefault(a[i], [0, 0, i, 0])
        entry[0] += 1
    for j in range(blo, bhi):
        entry = counts.get(b[j])
        if entry is not None:
            entry[1] += 1
            entry[3] = j
    candidates = sorted((e[2], e[3]) for e in counts.values() if e[0] == 1 and e[1] == 1)
    keep = _longest_increasing([j for _, j in candidates])
    return [pair for index, pair in enumerate(candidates) if index in keep]


def _diff_block(a: list[str], b: list[str], level: int, out: list[Op]) -> None:
    """Refine a replaced block of units at the next level down."""
    old, new = "".join(a), "".join(b)
    if level == 0:
        sentences_a, sentences_b = _split_sentences(old), _split_sentences(new)
        if len(sentences_a) > 1 or len(sentences_b) > 1:
            _diff_level(sentences_a, sentences_b, 1, out)
            return
    words_a, words_b = tokenize(old), tokenize(new)
    if len(a) == len(b) > 1 and len(words_a) + len(words_b) > _WORD_BLOCK_LIMIT:
        # As many units edited on each side: diff them pairwise (every sentence reworded).
        for unit_a, unit_b in zip(a, b, strict=True):
            _diff_level(tokenize(unit_a), tokenize(unit_b), 2, out)
        return
    _diff_level(words_a, words_b, 2, out)


def _diff_words(a: list[str], b: list[str], out: list[Op]) -> None:
    # The "popular element" heuristic loses precision but keeps huge rewrites linear-ish.
    autojunk = len(a) + len(b) > _WORD_BLOCK_LIMIT
    # Whitespace never seeds a match (it is everywhere) but still joins matched words.
    matcher = SequenceMatcher(str.isspace, a, b, autojunk=autojunk)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag in ("equal", "delete", "replace") and i2 > i1:
            out.append(("=" if tag == "equal" else "-", "".join(a[i1:i2])))
        if tag in ("insert", "replace") and j2 > j1:
            out.append(("+", "".join(b[j1:j2])))


def text_opcodes(old: str, new: str) -> list[Op]:
    """The word-level edit script from old to new: ("=", text), ("-", text), ("+", text).

    Joining the "=" and "-" texts gives `old`; joining "=" and "+" gives `new`. Lines
    are compared first, then sentences of changed lines, then words of changed sentences,
    so two 50 KB texts with scattered edits compare in milliseconds.
    """
    if old == new:
        return [("=", old)] if old else []
    raw: list[Op] = []
    _diff_level(_split_lines(old), _split_lines(new), 0, raw)
    return _coalesce(raw)


def _coalesce(ops: list[Op]) -> list[Op]:
    """Group each run of changes as one deletion then one insertion, and drop noise equalities.

    An unchanged stretch between two changes joins them when it is only whitespace, or
    no longer than the changes on either side (the "semantic cleanup" of diff-match-patch):
    replacing "a b c" by "x y z", or rewriting a sentence, reads as one deletion and one
    insertion rather than fragments interleaved with a stray "the". Paragraph breaks are
    never swallowed.
    """
    # Groups: [deleted, inserted] for a change, a str for an unchanged stretch.
    groups: list[list[str] | str] = []
    for tag, text in ops:
        if not text:
            continue
        if tag == "=":
            if groups and isinstance(groups[-1], str):
                groups[-1] += text
            else:
                groups.append(text)
        else:
            if not groups or isinstance(groups[-1], str):
                groups.append(["", ""])
            groups[-1][0 if tag == "-" else 1] += text  # type: ignore[index]
    changed = True
    while changed:
        changed = False
        index = 1
        while index < len(groups) - 1:
            before, same, after = groups[index - 1], groups[index], groups[index + 1]
            if isinstance(same, str) and not isinstance(before, str) and not isinstance(after, str):
                small = len(same) <= max(map(len, before)) and len(same) <= max(map(len, after))
                if (same.isspace() or small) and "\n\n" not in same:
                    groups[index - 1 : index + 2] = [[before[0] + same + after[0], before[1] + same + after[1]]]
                    changed = True
                    continue
            index += 1
    result: list[Op] = []
    for group in groups:
        if isinstance(group, str):
            result.append(("=", group))
        else:
            result.extend((tag, text) for tag, text in (("-", group[0]), ("+", group[1])) if text)
    return result


_MARKER = {"-": ("del", "deleted: "), "+": ("ins", "inserted: ")}


def _render_change(tag: str, text: str) -> str:
    element, word = _MARKER[tag]
    if text.isspace() and "\n" in text:
        # A lone line break cannot be struck through or underlined: show a pilcrow.
        inner = f'<span aria-hidden="true">¶</span><span class="visually-hidden">line break</span>{text}'
    else:
        inner = escape(text)
    return f'<{element}><span class="visually-hidden">{word}</span>{inner}</{element}>'


def render_opcodes(ops: Iterable[Op]) -> SafeString:
    """HTML of an edit script: escaped text, changes in <del>/<ins> with hidden words for screen readers."""
    parts = [escape(text) if tag == "=" else _render_change(tag, text) for tag, text in ops]
    return mark_safe("".join(parts))  # noqa: S308 -- every piece of text above is escaped


def diff_text(old: str | None, new: str | None) -> SafeString:
    """Word-level diff of two texts as safe HTML: unchanged text escaped, changes in <del>/<ins>."""
    return render_opcodes(text_opcodes(old or "", new or ""))


# ---------------------------------------------------------------------------
# Fields
# ---------------------------------------------------------------------------


@dataclass
class FieldChange:
    """One field whose value differs; `html` shows the change with <del>/<ins>."""

    name: str
    label: str
    old: Any
    new: Any
    html: SafeString


DEFAULT_LABELS: dict[str, str] = {
    "title": "Title",
    "body": "Text",
    "kind": "Kind",
    "label": "Label",
    "text": "Citation",
    "url": "Address (URL)",
    "description": "Description",
    **FIELD_LABELS,
    "target_date": "Target date",
}


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _display(value: Any) -> str:
    return "" if value is None else str(value)


def diff_fields(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    *,
    fields: Iterable[str] | None = None,
) -> list[FieldChange]:
    """The fields whose values differ, in order (`fields`, or old's keys then new's).

    A missing key, None and "" all count as empty and equal each other. Text values are
    diffed word by word; other values (dates, numbers) are shown as old struck, new inserted.
    """
    names = list(fields) if fields is not None else list(dict.fromkeys([*old.keys(), *new.keys()]))
    all_labels = {**DEFAULT_LABELS, **(labels or {})}
    changes = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if before == after or (_is_empty(before) and _is_empty(after)):
            continue
        if isinstance(before, str | None) and isinstance(after, str | None):
            html = diff_text(before, after)
        else:
            ops = [op for op in (("-", _display(before)), ("+", _display(after))) if op[1]]
            html = render_opcodes(ops)
        label = all_labels.get(name, name.replace("_", " ").capitalize())
        changes.append(FieldChange(name=name, label=label, old=before, new=after, html=html))
    return changes


# ---------------------------------------------------------------------------
# Snapshots
# ---------------------------------------------------------------------------

# Keys of a snapshot section that are structure, not content.
_STRUCTURE_KEYS = frozenset({"id", "number", "anchor", "children"})
_CHOICE_LABELS: dict[str, Callable[[str], str]] = {
    "kind": lambda v: dict(NodeKind.choices).get(v, v),
    "status": lambda v: dict(ActionStatus.choices).get(v, v),
    "direction": lambda v: dict(Direction.choices).get(v, v),
}


class Status:
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


@dataclass
class _Flat:
    section: dict[str, Any]
    index: int  # in document order
    parent: int | None  # index of the parent in document order
    position: int  # among its siblings
    depth: int


def _flatten(sections: list[dict[str, Any]]) -> list[_Flat]:
    flat: list[_Flat] = []

    def walk(items: list[dict[str, Any]], parent: int | None, depth: int) -> None:
        for position, section in enumerate(items):
            entry = _Flat(section=section, index=len(flat), parent=parent, position=position, depth=depth)
            flat.append(entry)
            walk(section.get("children") or [], entry.index, depth + 1)

    walk(sections, None, 1)
    return flat


def section_content(section: Mapping[str, Any]) -> dict[str, Any]:
    """A section's own content (title, body, kind fields), without structure, choices as labels."""
    content = {k: v for k, v in section.items() if k not in _STRUCTURE_KEYS}
    for name, label in _CHOICE_LABELS.items():
        if isinstance(content.get(name), str) and content[name]:
            content[name] = label(content[name])
    return content


def _content_order(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    names = list(dict.fromkeys(["title", "kind", *old.keys(), *new.keys()]))
    if "body" in names:  # the long text last, after the short facts
        names.remove("body")
        names.append("body")
    return names


@dataclass
class SectionChange:
    """One section that was added, removed, moved or changed; numbers from both sides."""

    status: str  # Status.ADDED / REMOVED / CHANGED / UNCHANGED (then `moved` is true)
    kind: str
    title: str
    old_number: str | None
    new_number: str | None
    depth: int
    moved: bool = False
    fields: list[FieldChange] = field(default_factory=list)
    old_anchor: str | None = None
    new_anchor: str | None = None
    old_id: Any = None  # the node's id in each snapshot, when it has one
    new_id: Any = None

    @property
    def number(self) -> str:
        return self.new_number or self.old_number or ""

    @property
    def renumbered(self) -> bool:
        return self.old_number is not None and self.new_number is not None and self.old_number != self.new_number

    @property
    def kind_label(self) -> str:
        return dict(NodeKind.choices).get(self.kind, self.kind)

    @property
    def labels(self) -> list[str]:
        """Plain words for what happened, e.g. ["Moved from 2.1 to 3.1", "Changed"]."""
        if self.status == Status.ADDED:
            return ["Added"]
        if self.status == Status.REMOVED:
            return ["Removed"]
        words = []
        if self.moved:
            words.append(f"Moved from {self.old_number} to {self.new_number}")
        if self.status == Status.CHANGED:
            words.append("Changed")
        return words


@dataclass
class ReferenceChange:
    status: str  # Status.ADDED / REMOVED / CHANGED
    label: str
    old: dict[str, Any] | None
    new: dict[str, Any] | None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class SnapshotDiff:
    """What changed between two snapshots, ready to render in document order."""

    sections: list[SectionChange]
    references: list[ReferenceChange]
    plan: list[FieldChange]
    unchanged_count: int

    @property
    def is_empty(self) -> bool:
        return not (self.sections or self.references or self.plan)

    def _with(self, predicate: Callable[[SectionChange], bool]) -> list[SectionChange]:
        return [change for change in self.sections if predicate(change)]

    @property
    def added(self) -> list[SectionChange]:
        return self._with(lambda c: c.status == Status.ADDED)

    @property
    def removed(self) -> list[SectionChange]:
        return self._with(lambda c: c.status == Status.REMOVED)

    @property
    def moved(self) -> list[SectionChange]:
        return self._with(lambda c: c.moved)

    @property
    def changed(self) -> list[SectionChange]:
        return self._with(lambda c: c.status == Status.CHANGED)

    @property
    def summary(self) -> list[tuple[str, int]]:
        """Counts for a one-line summary, e.g. [("added", 2), ("changed", 1)], zeros left out."""
        counts = [
            ("added", len(self.added)),
            ("removed", len(self.removed)),
            ("moved", len(self.moved)),
            ("changed", len(self.changed)),
        ]
        return [(name, count) for name, count in counts if count]


def _match_sections(old: list[_Flat], new: list[_Flat]) -> dict[int, int]:
    """Pair old and new sections: by stable id first, then by (kind, title) in document order."""
    matches: dict[int, int] = {}
    new_by_id: dict[Any, int] = {}
    for entry in new:
        node_id = entry.section.get("id")
        if node_id is not None:
            new_by_id.setdefault(node_id, entry.index)
    taken: set[int] = set()
    for entry in old:
        node_id = entry.section.get("id")
        target = new_by_id.get(node_id) if node_id is not None else None
        if target is not None and target not in taken:
            matches[entry.index] = target
            taken.add(target)
    # Imported plans (no ids) and re-created rows: the same kind and title is the same section.
    waiting: dict[tuple[Any, Any], list[int]] = {}
    for entry in new:
        if entry.index not in taken:
            waiting.setdefault((entry.section.get("kind"), entry.section.get("title")), []).append(entry.index)
    for entry in old:
        if entry.index in matches:
            continue
        candidates = waiting.get((entry.section.get("kind"), entry.section.get("title")))
        if candidates:
            matches[entry.index] = candidates.pop(0)
    return matches


def _longest_increasing(values: list[int]) -> set[int]:
    """Indexes (into `values`) of one longest strictly increasing subsequence."""
    tails: list[int] = []  # tails[k]: index into values of the smallest tail of a run of length k+1
    previous: list[int | None] = [None] * len(values)
    for i, value in enumerate(values):
        k = _bisect(values, tails, value)
        if k > 0:
            previous[i] = tails[k - 1]
        if k == len(tails):
            tails.append(i)
        else:
            tails[k] = i
    keep: set[int] = set()
    cursor = tails[-1] if tails else None
    while cursor is not None:
        keep.add(cursor)
        cursor = previous[cursor]
    return keep


def _bisect(values: list[int], tails: list[int], value: int) -> int:
    low, high = 0, len(tails)
    while low < high:
        mid = (low + high) // 2
        if values[tails[mid]] < value:
            low = mid + 1
        else:
            high = mid
    return low


def _moved(old: list[_Flat], new: list[_Flat], matches: dict[int, int]) -> set[int]:
    """New-side indexes of sections that moved: to another parent, or out of order among siblings.

    Siblings that keep their relative order are not moved, however their numbers shift:
    inserting a section before them renumbers them but moves nothing.
    """
    back = {n: o for o, n in matches.items()}
    moved: set[int] = set()
    stay_by_parent: dict[int | None, list[int]] = {}
    for entry in new:
        o = back.get(entry.index)
        if o is None:
            continue
        old_parent = old[o].parent
        if old_parent is None:
            same_parent = entry.parent is None
        else:
            same_parent = entry.parent is not None and matches.get(old_parent) == entry.parent
        if same_parent:
            stay_by_parent.setdefault(entry.parent, []).append(entry.index)
        else:
            moved.add(entry.index)
    for siblings in stay_by_parent.values():
        old_positions = [old[back[n]].position for n in siblings]
        in_order = _longest_increasing(old_positions)
        moved.update(n for i, n in enumerate(siblings) if i not in in_order)
    return moved


def _section_change(
    status: str, old: _Flat | None, new: _Flat | None, *, moved: bool = False, fields=None
) -> SectionChange:
    shown = (new or old).section  # type: ignore[union-attr]
    return SectionChange(
        status=status,
        kind=shown.get("kind", ""),
        title=shown.get("title", ""),
        old_number=old.section.get("number") if old else None,
        new_number=new.section.get("number") if new else None,
        depth=(new or old).depth,  # type: ignore[union-attr]
        moved=moved,
        fields=fields or [],
        old_anchor=old.section.get("anchor") if old else None,
        new_anchor=new.section.get("anchor") if new else None,
        old_id=old.section.get("id") if old else None,
        new_id=new.section.get("id") if new else None,
    )


def _whole(section: Mapping[str, Any], *, added: bool) -> list[FieldChange]:
    """All of a section's content, as inserted (added) or deleted (removed)."""
    content = section_content(section)
    # The heading already says the kind and title; list the rest (facts, then the text).
    names = [name for name in _content_order(content, {}) if name not in ("title", "kind")]
    return diff_fields({}, content, fields=names) if added else diff_fields(content, {}, fields=names)


def _diff_references(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[ReferenceChange]:
    old_by_label = {ref["label"]: ref for ref in old}
    new_by_label = {ref["label"]: ref for ref in new}
    changes = []
    for ref in new:
        before = old_by_label.get(ref["label"])
        if before is None:
            fields = diff_fields({}, ref, fields=("text", "url"))
            changes.append(ReferenceChange(Status.ADDED, ref["label"], None, ref, fields))
        else:
            fields = diff_fields(before, ref, fields=("text", "url"))
            if fields:
                changes.append(ReferenceChange(Status.CHANGED, ref["label"], before, ref, fields))
    for ref in old:
        if ref["label"] not in new_by_label:
            fields = diff_fields(ref, {}, fields=("text", "url"))
            changes.append(ReferenceChange(Status.REMOVED, ref["label"], ref, None, fields))
    return changes


def diff_snapshots(old: Mapping[str, Any], new: Mapping[str, Any]) -> SnapshotDiff:
    """Structured diff of two snapshots (plans.snapshot format), in the new document's order.

    Sections are matched by stable id, then by kind and title. Each reported section says
    whether it was added, removed, moved (to another parent, or out of order among its
    siblings; renumbering alone is not a move) or changed (field by field, text word by
    word). Removed sections appear where they used to be. References are matched by label.
    """
    old_flat = _flatten(old.get("sections") or [])
    new_flat = _flatten(new.get("sections") or [])
    matches = _match_sections(old_flat, new_flat)
    back = {n: o for o, n in matches.items()}
    moved = _moved(old_flat, new_flat, matches)

    keyed: list[tuple[tuple[int, int, int], SectionChange]] = []
    unchanged = 0
    for entry in new_flat:
        o = back.get(entry.index)
        if o is None:
            change = _section_change(Status.ADDED, None, entry, fields=_whole(entry.section, added=True))
        else:
            before, after = section_content(old_flat[o].section), section_content(entry.section)
            fields = diff_fields(before, after, fields=_content_order(before, after))
            status = Status.CHANGED if fields else Status.UNCHANGED
            if status == Status.UNCHANGED and entry.index not in moved:
                unchanged += 1
                continue
            change = _section_change(status, old_flat[o], entry, moved=entry.index in moved, fields=fields)
        keyed.append(((entry.index, 0, 0), change))

    # A removed section goes right after the nearest earlier old section that survived.
    anchor = -1
    for entry in old_flat:
        if entry.index in matches:
            anchor = matches[entry.index]
            continue
        change = _section_change(Status.REMOVED, entry, None, fields=_whole(entry.section, added=False))
        keyed.append(((anchor, 1, entry.index), change))
    keyed.sort(key=lambda pair: pair[0])

    old_plan, new_plan = old.get("plan") or {}, new.get("plan") or {}
    return SnapshotDiff(
        sections=[change for _, change in keyed],
        references=_diff_references(old.get("references") or [], new.get("references") or []),
        plan=diff_fields(old_plan, new_plan, {"title": "Plan title"}, fields=("title", "description")),
        unchanged_count=unchanged,
    )


__all__ = [
    "FieldChange",
    "ReferenceChange",
    "SectionChange",
    "SnapshotDiff",
    "Status",
    "diff_fields",
    "diff_snapshots",
    "diff_text",
    "render_opcodes",
    "section_content",
    "text_opcodes",
    "tokenize",
]
