"""Progress updates on actions: post one, delete one, keep the action's status in step."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from plans.caching import plan_cache_bump
from plans.models import ActionStatus, Node, NodeKind
from plans.services import StaleForm, action_status_set

from ..models import ProgressUpdate
from .common import acting_user, today


def progress_post(
    *,
    node: Node,
    user,
    date: dt.date,
    status: str,
    percent_complete: int | None = None,
    note: str = "",
    base_revision: int | None = None,
) -> ProgressUpdate:
    """Record a dated progress update on an action.

    The action's status becomes that of its latest update (by date), saved on the node
    like any edit: its revision goes up and its history records who changed it. With
    `base_revision` (the action's revision when the form was shown), refuses with StaleForm
    if the action changed since: its status may not be the one the editor saw.
    """
    errors: dict[str, str] = {}
    if node.kind != NodeKind.ACTION:
        raise ValidationError("Progress can only be reported on an action.")
    if node.deleted_at is not None:
        raise ValidationError("This action has been deleted; restore it before reporting progress.")
    if date > today():
        errors["date"] = "An update cannot be dated in the future."
    if status not in ActionStatus.values:
        errors["status"] = "Choose one of the listed statuses."
    if percent_complete is not None and not 0 <= percent_complete <= 100:
        errors["percent_complete"] = "Give a percentage from 0 to 100, or leave it empty."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # Lock the action so that its status follows the latest update even under concurrent posts.
        node = Node.objects.select_for_update().get(pk=node.pk)
        if base_revision is not None and base_revision != node.revision:
            raise StaleForm(
                f"This action changed after you opened this page: its status is now “{node.get_status_display()}”. "
                "Nothing was posted. Check your update below and post it again."
            )
        update = ProgressUpdate(
            node=node,
            date=date,
            status=status,
            percent_complete=percent_complete,
            note=note.strip(),
            author=acting_user(user),
        )
        update._history_user = update.author
        update.save()
        progress_status_sync(node=node, user=update.author)
        plan_cache_bump(plan_id=node.plan_id)
    return update


def progress_status_sync(*, node: Node, user) -> bool:
    """Give the action the status of its latest progress update (if it has any). True if it changed.

    Saved through plans' guarded update like any edit of the action: its revision goes up
    (so a form opened before is refused) and its history records the user and why.
    """
    with transaction.atomic():
        # Locked, so that the revision read here is the one the guarded update finds.
        node = Node.objects.select_for_update().get(pk=node.pk)
        latest = node.progress_updates.order_by("-date", "-created_at", "-id").only("status", "date").first()
        if latest is None or latest.status == node.status:
            return False
        action_status_set(
            node=node,
            status=latest.status,
            user=acting_user(user),
            message=f"Status set by the progress update of {latest.date.isoformat()}.",
        )
        return True


def progress_delete(*, update: ProgressUpdate, user) -> None:
    """Delete a progress update posted by mistake; the action's status follows the latest one left.

    The update stays in its history, with who deleted it.
    """
    with transaction.atomic():
        node = update.node
        update._history_user = acting_user(user)
        update.delete()
        progress_status_sync(node=node, user=user)
        plan_cache_bump(plan_id=node.plan_id)
