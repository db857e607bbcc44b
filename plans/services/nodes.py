"""Editing the working draft's tree: add, move, delete and restore sections.

Editing a section's content, changing its kind and reverting it are in plans.services.edits.

Every function runs in one transaction and leaves exactly one history record per node it
changes (with the user and an optional message), and none when it refuses. Siblings whose
number shifts because a node was added, moved, deleted or restored are renumbered without a
history record of their own: their order relative to each other has not changed.

Structural changes (add, move, delete, restore) take `plan_lock` first, so two of them
never interleave and publishing always sees a whole tree. Content edits do not take that
lock: they are guarded by the node's revision counter (`guarded_update`, a conditional
UPDATE), which is what prevents lost updates.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst

from ..kinds import ALLOWED_CHILDREN, KINDS, empty_value, get_kind
from ..models import Node, Plan
from .guarded import plan_lock
from .guarded import set_history as set_history  # plans.importers imports it from here


class NodeError(Exception):
    """The change cannot be made to the tree; the message says why, in plain words."""


class StaleForm(NodeError):
    """The section (or what is under it) changed since the confirmation page was loaded."""


def allowed_kinds(parent: Node | None) -> list[str]:
    """The kinds a new node may have directly under `parent` (None: the top level), in menu order."""
    allowed = ALLOWED_CHILDREN[parent.kind if parent is not None else None]
    return [kind for kind in KINDS if kind in allowed]


def clean_content(kind: str, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Check `data` holds only fields a node of `kind` may have; returns it with defaults filled in.

    With `partial`, only the given fields are returned (for an update); otherwise every content
    field of the kind is returned. Raises ValidationError naming the offending fields.
    """
    if kind not in KINDS:
        raise ValidationError({"kind": f"Unknown kind of section: {kind!r}."})
    declared = get_kind(kind)
    allowed = declared.fields
    foreign = sorted(set(data) - set(allowed))
    if foreign:
        article = declared.with_article
        raise ValidationError({name: f"{capfirst(article)} has no field {name!r}." for name in foreign})
    cleaned = dict(data) if partial else {name: data.get(name, _empty(name)) for name in allowed}
    for name, value in cleaned.items():
        if isinstance(value, str):
            # Browsers send textarea lines ending in CRLF; store one form so diffs stay clean.
            cleaned[name] = value.replace("\r\n", "\n").replace("\r", "\n")
    if "title" in cleaned and not (cleaned["title"] or "").strip():
        raise ValidationError({"title": "Give the section a title."})
    for name in declared.required:
        if (name in cleaned or not partial) and cleaned.get(name) in (None, ""):
            what = f"{declared.label.lower()}'s {declared.field_label(name).lower()}"
            raise ValidationError({name: f"Choose the {what}."})
    return cleaned


def _empty(name: str) -> Any:
    return empty_value(Node._meta.get_field(name))


def validate_node(node: Node) -> None:
    """Check the node's fields and constraints; ValidationError in plain words, on the field concerned."""
    node.full_clean(exclude=["plan", "parent", "deletion_batch"], validate_unique=False)


def _live_siblings(plan: Plan, parent_id: int | None, *, exclude: int | None = None) -> list[Node]:
    siblings = Node.objects.filter(plan=plan, parent_id=parent_id).live().only("id", "position")
    if exclude is not None:
        siblings = siblings.exclude(pk=exclude)
    return sorted(siblings, key=lambda n: (n.position, n.id))


def _place(siblings: list[Node], node: Node | None, index: int = 0) -> None:
    """Put `node` at `index` among `siblings` (which do not include it) and number them all densely.

    Siblings whose position changes are written in one query, without history records; the
    caller saves `node` itself (its history record then holds its new position).
    """
    order = list(siblings)
    if node is not None:
        order.insert(max(0, min(index, len(order))), node)
    changed = []
    for position, item in enumerate(order):
        if item is node:
            node.position = position
        elif item.position != position:
            item.position = position
            changed.append(item)
    if changed:
        Node.objects.bulk_update(changed, ["position"])


def check_parent(plan: Plan, parent: Node | None, kind: str) -> None:
    if parent is not None:
        if parent.plan_id != plan.pk:
            raise NodeError("That parent section belongs to another plan.")
        if parent.deleted_at is not None:
            raise NodeError(f"“{parent.title}” is deleted; restore it before adding to it.")
    if kind not in ALLOWED_CHILDREN[parent.kind if parent is not None else None]:
        where = f"under {get_kind(parent.kind).with_article}" if parent is not None else "at the top level"
        raise NodeError(f"{capfirst(get_kind(kind).with_article)} cannot go {where}.")


def node_create(
    *,
    plan: Plan,
    parent: Node | None,
    kind: str,
    data: dict[str, Any],
    user,
    message: str = "",
    position: int | None = None,
    submission_key: str = "",
) -> Node:
    """Add a node of `kind` under `parent` (None: top level), last or at 0-based `position`.

    `submission_key` is the "Add" form's one-time value: however often and however
    simultaneously that form is sent, the plan gets one node for it. A call whose key was
    used already adds nothing and returns the node the first one added, with
    `already_added` set. The database holds the rule (one node per plan and key); the plan
    lock makes the later senders wait for the first and find its node.
    """
    content = clean_content(kind, data)
    key = submission_key or None  # no key: no rule
    with transaction.atomic():
        plan_lock(plan.pk)
        if key is not None and (earlier := _added_with(plan, key)) is not None:
            return earlier
        if parent is not None:
            parent = Node.objects.get(pk=parent.pk)
        check_parent(plan, parent, kind)
        node = Node(plan=plan, parent=parent, kind=kind, submission_key=submission_key, **content)
        validate_node(node)
        try:
            with transaction.atomic():  # a savepoint: a duplicate key undoes only this
                siblings = _live_siblings(plan, parent.pk if parent is not None else None)
                _place(siblings, node, len(siblings) if position is None else position)
                set_history(node, user, message or "Added")
                node.save()
        except IntegrityError:
            # Only reachable without the lock's protection (a database that does not lock rows).
            if key is None or (earlier := _added_with(plan, key)) is None:
                raise
            return earlier
    node.already_added = False
    return node


def _added_with(plan: Plan, key: str) -> Node | None:
    """The node an "Add" form with this one-time value created, marked `already_added`."""
    earlier = Node.objects.filter(plan=plan, submission_key=key).first()
    if earlier is not None:
        earlier.plan = plan
        earlier.already_added = True
    return earlier


def node_descendants(node: Node) -> list[Node]:
    """The live nodes below `node`, depth first (one query)."""
    by_parent: dict[int | None, list[Node]] = defaultdict(list)
    for item in (
        Node.objects.filter(plan_id=node.plan_id).live().only("id", "parent_id", "position", "title", "revision")
    ):
        by_parent[item.parent_id].append(item)
    result: list[Node] = []

    def collect(parent_id: int) -> None:
        for child in sorted(by_parent.get(parent_id, []), key=lambda n: (n.position, n.id)):
            result.append(child)
            collect(child.id)

    collect(node.pk)
    return result


def node_subtree_state(node: Node) -> str:
    """A token of `node` and everything under it: which sections, at which revision.

    A delete confirmation carries it, so that a section edited or added under the node since
    the page was shown is never deleted without the editor having seen it.
    """
    items = [node, *node_descendants(node)]
    return ",".join(f"{item.pk}:{item.revision}" for item in sorted(items, key=lambda n: n.pk))


def node_place_state(node: Node, *, with_position: bool = True) -> str:
    """A token of where `node` sits (its parent, and with `with_position` its place there).

    Move forms carry it, so a move made from a page that no longer shows where the section
    is (someone else moved it, or the same button was pressed twice) is refused.
    """
    parent = str(node.parent_id) if node.parent_id is not None else "top"
    return f"{parent}:{node.position}" if with_position else parent


_KEEP: Any = object()


def node_move(
    *,
    node: Node,
    user,
    new_parent: Node | None = _KEEP,
    new_position: int | None = None,
    direction: Literal["up", "down"] | None = None,
    message: str = "",
    base_state: str | None = None,
) -> Node:
    """Move `node` (with everything under it) one place up or down, or under `new_parent`.

    `new_parent=None` means the top level; `new_position` is the 0-based place among the new
    siblings (default: last). Refuses a parent that may not hold the node's kind, and moving
    a node under itself or one of its own descendants. With `base_state` (from
    `node_place_state`, with the position for up/down moves), refuses with StaleForm if the
    node has moved since.
    """
    with transaction.atomic():
        plan_lock(node.plan_id)
        # Locked so that a content edit cannot slip in between reading the row and recording its history.
        node = Node.objects.select_for_update().get(pk=node.pk)
        if node.deleted_at is not None:
            raise NodeError("This section is deleted; restore it before moving it.")
        if direction not in (None, "up", "down"):
            raise NodeError("Move a section up or down.")
        if base_state is not None and base_state != node_place_state(node, with_position=":" in base_state):
            raise StaleForm(
                "Someone moved this section after you opened the page, so nothing was moved. "
                "Check where it is now and move it again if needed."
            )
        old_parent_id = node.parent_id
        if direction is not None:
            siblings = _live_siblings(node.plan, node.parent_id)
            index = next(i for i, s in enumerate(siblings) if s.pk == node.pk)
            target = index - 1 if direction == "up" else index + 1
            if not 0 <= target < len(siblings):
                raise NodeError(f"This section is already the {'first' if direction == 'up' else 'last'} one here.")
            _place([s for s in siblings if s.pk != node.pk], node, target)
        else:
            parent = node.parent if new_parent is _KEEP else new_parent
            if parent is not None:
                parent = Node.objects.get(pk=parent.pk)
            check_parent(node.plan, parent, node.kind)
            if parent is not None and (parent.pk == node.pk or parent.pk in {d.pk for d in node_descendants(node)}):
                raise NodeError("A section cannot go inside itself or one of its own subsections.")
            siblings = _live_siblings(node.plan, parent.pk if parent is not None else None, exclude=node.pk)
            node.parent = parent
            _place(siblings, node, len(siblings) if new_position is None else new_position)
            if old_parent_id != node.parent_id:
                _place(_live_siblings(node.plan, old_parent_id, exclude=node.pk), None)
        if node.changed_fields():
            set_history(node, user, message or "Moved")
            node.save(update_fields=["parent", "position", "updated_at"])
    return node


def node_delete(*, node: Node, user, message: str = "", base_state: str | None = None) -> list[Node]:
    """Soft-delete `node` and every live node under it, as one batch that can be restored whole.

    Returns the deleted nodes, `node` first. With `base_state` (from `node_subtree_state`),
    refuses with StaleForm if the node or anything under it was edited, added or removed since.
    """
    with transaction.atomic():
        plan_lock(node.plan_id)
        node = Node.objects.get(pk=node.pk)
        if node.deleted_at is not None:
            raise NodeError("This section is already deleted.")
        if base_state is not None and base_state != node_subtree_state(node):
            raise StaleForm(
                "This section or a section under it changed after you opened this page, so nothing was "
                "deleted. Check the list below and confirm again."
            )
        ids = [node.pk, *(d.pk for d in node_descendants(node))]
        now = timezone.now()
        Node.objects.filter(pk__in=ids).update(deleted_at=now, deletion_batch=uuid.uuid4(), updated_at=now)
        deleted = sorted(Node.objects.filter(pk__in=ids), key=lambda n: ids.index(n.pk))
        for item in deleted:
            set_history(item, user, (message or "Deleted") if item.pk == node.pk else f"Deleted with “{node.title}”")
        Node.history.bulk_history_create(deleted, update=True, default_user=deleted[0]._history_user)
        _place(_live_siblings(node.plan, node.parent_id), None)
    return deleted


def node_restore(*, node: Node, user, message: str = "") -> list[Node]:
    """Bring back the whole batch `node` was deleted with, at its old place; returns the batch, top node first.

    The batch goes back under the parent it had. If that parent is itself deleted (it was
    deleted later, in another batch), the restore is refused with NodeError naming the parent:
    restore the parent first. Putting the batch somewhere else silently would change the
    plan's structure behind the editor's back.
    """
    with transaction.atomic():
        plan_lock(node.plan_id)
        node = Node.objects.get(pk=node.pk)
        if node.deleted_at is None or node.deletion_batch is None:
            raise NodeError("This section is not deleted.")
        batch = list(Node.objects.filter(plan_id=node.plan_id, deletion_batch=node.deletion_batch))
        ids = {item.pk for item in batch}
        root = next(item for item in batch if item.parent_id not in ids)
        if root.parent_id is not None:
            parent = Node.objects.get(pk=root.parent_id)
            if parent.deleted_at is not None:
                raise NodeError(
                    f"“{root.title}” was inside “{parent.title}”, which is deleted too. Restore “{parent.title}” first."
                )
        now = timezone.now()
        Node.objects.filter(pk__in=ids).update(deleted_at=None, deletion_batch=None, updated_at=now)
        _place(_live_siblings(root.plan, root.parent_id, exclude=root.pk), root, root.position)
        Node.objects.filter(pk=root.pk).update(position=root.position)
        restored = list(Node.objects.filter(pk__in=ids))
        restored.sort(key=lambda n: n.pk != root.pk)
        for item in restored:
            set_history(item, user, (message or "Restored") if item.pk == root.pk else f"Restored with “{root.title}”")
        Node.history.bulk_history_create(restored, update=True, default_user=restored[0]._history_user)
    return restored
