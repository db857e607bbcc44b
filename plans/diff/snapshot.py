"""Structured diffs of two plan snapshots: sections added, removed, moved and changed; references."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..kinds import KINDS
from ..models import ActionStatus, Direction, NodeKind
from .fields import FieldChange, diff_fields
from .text import longest_increasing

_STRUCTURE_KEYS = frozenset({"id", "number", "anchor", "children"})
# Built once: Django rebuilds `Choices.choices` on every access, and the workspace outline diffs
# thousands of sections per page.
_LABELS = {
    name: dict(choices.choices)
    for name, choices in (("kind", NodeKind), ("status", ActionStatus), ("direction", Direction))
}
_CHOICE_LABELS: dict[str, Callable[[str], str]] = {
    name: (lambda v, labels=labels: labels.get(v, v)) for name, labels in _LABELS.items()
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
    if content.get("kind") == NodeKind.INDICATOR:
        # Snapshots published before indicators declared it: an indicator counted people.
        content.setdefault("counts_people", True)
    for name, label in _CHOICE_LABELS.items():
        if isinstance(content.get(name), str) and content[name]:
            content[name] = label(content[name])
    for name, value in content.items():
        if isinstance(value, bool):
            content[name] = "yes" if value else "no"
    return content


def content_fields(*kinds: str) -> list[str]:
    """The fields the differ compares for sections of these kinds, in the order it lists them.

    Title and kind first, then each kind's own fields as plans.kinds declares them, the body
    (the long text) last. Two kinds: a section whose kind changed.
    """
    facts = dict.fromkeys(name for kind in kinds if kind in KINDS for name in KINDS[kind].facts)
    return ["title", "kind", *facts, "body"]


def _content_order(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """The fields to compare of two sections (raw snapshot data), declared ones first.

    Keys no kind declares (a snapshot written by a newer or older schema) are compared too,
    before the body, so that nothing that changed goes unreported.
    """
    names = content_fields(*dict.fromkeys(k for k in (old.get("kind"), new.get("kind")) if k))
    known = set(names) | _STRUCTURE_KEYS
    extra = [key for key in dict.fromkeys([*old.keys(), *new.keys()]) if key not in known]
    return [*names[:-1], *extra, names[-1]]


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
        in_order = longest_increasing(old_positions)
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
    names = [name for name in _content_order(section, {}) if name not in ("title", "kind")]
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
            fields = diff_fields(before, after, fields=_content_order(old_flat[o].section, entry.section))
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
