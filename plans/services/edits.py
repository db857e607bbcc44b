"""Editing a section's content: save an edit, change its kind, revert it, set an action's status.

Each goes through the one guarded update (plans.services.guarded): it is written only if
the section is still at the revision the editor saw, and it leaves one history record with
the user and a message. A change of kind (and a revert that brings an old kind back) is
also structural: it takes the plan lock and keeps the tree within the kinds' rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst

from ..kinds import ALL_FIELDS, KINDS, Kind, NodeKind, allowed_children, empty_value, get_kind
from ..models import Node
from .guarded import EditConflict, guarded_update, plan_lock
from .nodes import NodeError, check_parent, clean_content, validate_node

__all__ = [
    "EditConflict",
    "KindChange",
    "action_status_set",
    "kind_changes",
    "node_change_kind",
    "node_revert",
    "node_update",
]


def _content_equal(node: Node, data: dict[str, Any]) -> bool:
    return all(getattr(node, name) == value for name, value in data.items())


def _write(
    node: Node, *, base_revision: int, values: dict[str, Any], user, message: str, live_only: bool = True
) -> Node:
    """Validate `node` with `values` applied (on a copy), then write them through the guarded update.

    With `live_only`, a node deleted meanwhile is a conflict too.
    """
    candidate = Node(**{f.attname: getattr(node, f.attname) for f in Node._meta.concrete_fields})
    for name, value in values.items():
        setattr(candidate, name, value)
    validate_node(candidate)
    return guarded_update(
        node,
        base_revision=base_revision,
        values={**values, "updated_at": timezone.now()},
        user=user,
        message=message,
        only_if={"deleted_at": None} if live_only else None,
    )


def node_update(*, node: Node, base_revision: int, data: dict[str, Any], user, message: str = "") -> Node:
    """Save new content for `node`, if it is still at `base_revision`; returns the node as saved.

    The check is made by the database: one conditional UPDATE that also bumps the revision.
    If another save got there first (or the node was deleted), nothing is written and
    EditConflict is raised with the node as it is now. Content equal to the current one is
    not saved again (no new revision, no history record).
    """
    content = clean_content(node.kind, data, partial=True)
    if _content_equal(node, content):
        return node
    return _write(node, base_revision=base_revision, values=content, user=user, message=message)


def action_status_set(*, node: Node, status: str, user, message: str, base_revision: int | None = None) -> Node:
    """Give an action a new status (progress updates do, through tracking), guarded like any edit.

    Without `base_revision` the node's own revision is the base: the caller has it locked.
    A deleted action's status is set too, so that it is right once the action is restored.
    """
    if node.kind != NodeKind.ACTION:
        raise NodeError("Only an action has a status.")
    content = clean_content(node.kind, {"status": status}, partial=True)
    if _content_equal(node, content):
        return node
    base = node.revision if base_revision is None else base_revision
    return _write(node, base_revision=base, values=content, user=user, message=message, live_only=False)


def _is_empty(name: str, value: Any) -> bool:
    return value == empty_value(Node._meta.get_field(name)) or value in (None, "")


def _display(name: str, value: Any) -> str:
    choices = Node._meta.get_field(name).choices
    return str(dict(choices).get(value, value)) if choices else str(value)


@dataclass
class KindChange:
    """What turning a section into `kind` would do, read before asking the editor to confirm."""

    kind: Kind
    # (label, current value) of each filled-in field the new kind does not have: they are dropped.
    dropped: list[tuple[str, str]] = field(default_factory=list)
    # (label, value) of each field the new kind requires and the section gets.
    filled: list[tuple[str, str]] = field(default_factory=list)
    # The live sections under it that a section of the new kind may not hold.
    blocking: list[Node] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return not self.blocking


def _values_as(node: Node, kind: Kind, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every content field of `node` as a section of `kind`: its own values (or `data`'s) for the
    fields the kind has, empty for the others, the kind's initial value for an empty required field."""
    values: dict[str, Any] = {"kind": kind.value}
    for name in ALL_FIELDS:
        if name in kind.fields:
            values[name] = data[name] if data is not None and name in data else getattr(node, name)
        else:
            values[name] = empty_value(Node._meta.get_field(name))
    for name, initial in kind.initial:
        if _is_empty(name, values[name]):
            values[name] = initial
    return values


def _kind_change(node: Node, kind: Kind, children: list[Node]) -> KindChange:
    current = get_kind(node.kind)
    change = KindChange(kind=kind)
    for name in current.fields:
        if name not in kind.fields and not _is_empty(name, getattr(node, name)):
            change.dropped.append((current.field_label(name), _display(name, getattr(node, name))))
    for name, initial in kind.initial:
        if _is_empty(name, getattr(node, name)):
            change.filled.append((kind.field_label(name), _display(name, initial)))
    change.blocking = [child for child in children if child.kind not in kind.children]
    return change


def _live_children(node: Node) -> list[Node]:
    return list(Node.objects.filter(parent_id=node.pk).live().only("id", "kind", "title", "position"))


def kind_changes(node: Node) -> list[KindChange]:
    """The kinds `node` may become at its place (not its own), in menu order, each with what it would do.

    One whose `blocking` is not empty cannot be chosen until those sections are moved.
    """
    parent_kind = None
    if node.parent_id is not None:
        parent_kind = Node.objects.only("kind").get(pk=node.parent_id).kind
    children = _live_children(node)
    return [_kind_change(node, kind, children) for kind in allowed_children(parent_kind) if kind.value != node.kind]


def _check_kind_change(node: Node, kind: Kind) -> None:
    """Refuse a kind that may not stand at the node's place, or may not hold its children."""
    check_parent(node.plan, node.parent, kind.value)
    change = _kind_change(node, kind, _live_children(node))
    if change.blocking:
        names = ", ".join(f"“{child.title}” ({get_kind(child.kind).label.lower()})" for child in change.blocking)
        raise NodeError(
            f"{capfirst(kind.with_article)} cannot hold {names}. Move "
            f"{'it' if len(change.blocking) == 1 else 'them'} elsewhere first, then change the kind."
        )


def node_change_kind(*, node: Node, kind: str, user, base_revision: int, message: str = "") -> Node:
    """Make `node` a section of `kind`, if it is still at `base_revision`; returns it as saved.

    The fields both kinds have keep their values; those the new kind lacks are emptied (the
    history keeps them, so a revert brings them back); a field the new kind requires gets
    its initial value (an action starts as "proposed"). Refused with NodeError if the kind
    may not stand where the section is, or may not hold the sections under it; with
    EditConflict if the section changed since `base_revision`.
    """
    if kind not in KINDS:
        raise NodeError("Choose one of the kinds listed.")
    new = get_kind(kind)
    with transaction.atomic():
        plan_lock(node.plan_id)  # the sections under it and its parent stay as checked
        node = Node.objects.select_related("parent").get(pk=node.pk)
        if node.deleted_at is not None:
            raise NodeError("This section is deleted; restore it before changing its kind.")
        if node.kind == kind:
            raise NodeError(f"This section is already {new.with_article}.")
        _check_kind_change(node, new)
        old = get_kind(node.kind)
        return _write(
            node,
            base_revision=base_revision,
            values=_values_as(node, new),
            user=user,
            message=message or f"Changed from {old.with_article} to {new.with_article}",
        )


def node_revert(*, node: Node, history_id: int, user, base_revision: int | None = None, message: str = "") -> Node:
    """Give `node` the content it had in history record `history_id`, as a new revision.

    Its kind too: a revision from before a change of kind brings that kind back, if the
    section's place and the sections under it allow it (NodeError otherwise). Position,
    parent and deletion are left as they are. Raises NodeError if the record is not this
    node's or already matches the node, and EditConflict if the node changed since
    `base_revision` (default: the node's revision).
    """
    if node.deleted_at is not None:
        raise NodeError("This section is deleted; restore it before reverting it.")
    record = Node.history.filter(id=node.pk, history_id=history_id).first()
    if record is None:
        raise NodeError("That revision does not belong to this section.")
    kind = get_kind(record.kind)
    data = {name: getattr(record, name) for name in kind.fields}
    if record.kind == node.kind and _content_equal(node, data):
        raise NodeError("The section already has exactly this content; there is nothing to revert.")
    when = timezone.localtime(record.history_date).strftime("%d %b %Y %H:%M")
    message = message or f"Reverted to the revision of {when}"
    base = node.revision if base_revision is None else base_revision
    if record.kind == node.kind:
        return node_update(node=node, base_revision=base, data=data, user=user, message=message)
    with transaction.atomic():
        plan_lock(node.plan_id)
        current = Node.objects.select_related("parent").get(pk=node.pk)
        _check_kind_change(current, kind)
        values = _values_as(current, kind, clean_content(kind.value, data))
        return _write(current, base_revision=base, values=values, user=user, message=message)
