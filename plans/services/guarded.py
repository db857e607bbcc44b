"""The one guarded update, the history note that goes with every write, and the plan lock.

Every edit of an editable row (a section, a reference, an action's status set by a
progress update) goes through `guarded_update`: one conditional UPDATE that succeeds only
if the row is still at the revision the editor's form was based on, and bumps it. The
database makes that check, so two saves from the same revision can never both win.

Structural changes (add, move, delete, restore, change of kind) and anything that must
see the whole plan at once (publishing, imports of measurements) take `plan_lock` first.
"""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import F

from ..models import MESSAGE_MAX_LENGTH, Plan

logger = logging.getLogger(__name__)

Row = TypeVar("Row", bound=models.Model)


class EditConflict(Exception):
    """The row changed (or was deleted) since the form was loaded; `current` is the row as it is now."""

    def __init__(self, current: models.Model | None):
        self.current = current
        super().__init__("Someone else saved this after you opened it.")


def change_message(text: str) -> str:
    """A history message on one line, cut to fit its column."""
    text = " ".join((text or "").split())
    if len(text) > MESSAGE_MAX_LENGTH:
        text = text[: MESSAGE_MAX_LENGTH - 1] + "…"
    return text


def set_history(row: models.Model, user, message: str) -> None:
    """Name the user (None for anonymous or a script) and the message in the row's next history record."""
    row._history_user = user if user is not None and getattr(user, "is_authenticated", False) else None
    row._change_reason = change_message(message)


def plan_lock(plan_id: int) -> Plan:
    """Lock the plan's row until the end of the current transaction; returns the plan as it is now.

    Whoever holds it is the only one changing the plan's structure (or reading it whole to
    publish or import): two structural changes never interleave.
    """
    return Plan.objects.select_for_update().get(pk=plan_id)


def guarded_update(
    row: Row,
    *,
    base_revision: int,
    values: dict[str, Any],
    user,
    message: str = "",
    only_if: dict[str, Any] | None = None,
) -> Row:
    """Write `values` to `row` if it is still at `base_revision`; returns the row as saved.

    One conditional UPDATE (also requiring `only_if`, e.g. "not deleted") writes the values
    and bumps the revision, then one history record names the user and the message. If the
    row moved on (or is gone), nothing is written and EditConflict is raised with the row as
    it is now (None if it no longer exists). The caller validates `values` first: the UPDATE
    skips model validation.
    """
    manager = type(row)._default_manager
    with transaction.atomic():
        updated = manager.filter(pk=row.pk, revision=base_revision, **(only_if or {})).update(
            **values, revision=F("revision") + 1
        )
        if updated:
            saved = manager.get(pk=row.pk)
            set_history(saved, user, message)
            type(row).history.bulk_history_create([saved], update=True, default_user=saved._history_user)
            return saved
    current = manager.filter(pk=row.pk).first()
    logger.info(
        "Edit conflict on %s %s: based on revision %s, now %s",
        type(row).__name__,
        row.pk,
        base_revision,
        current.revision if current is not None else "deleted",
    )
    raise EditConflict(current)
