"""The plan's settings: its draft title and description, who may read it, its small-count threshold.

Changed by the plan's publishers in the workspace (and by admins in the Django admin), always
through `plan_settings_update`: one guarded update on the plan's revision counter, so a form
loaded before someone else's save is refused instead of silently reverting it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

from ..models import Plan
from .guarded import guarded_update

# What the settings form changes, in form order.
PLAN_SETTINGS_FIELDS = ("title", "description", "visibility", "small_count_threshold")
# Take effect at once for readers (the title and description wait for the next version), so
# each change is in the audit log with who made it.
AUDITED_SETTINGS = ("visibility", "small_count_threshold")


def plan_settings_update(*, plan: Plan, base_revision: int, data: dict[str, Any], user, message: str = "") -> Plan:
    """Save the settings in `data` if the plan is still at `base_revision`; returns the plan as saved.

    Raises ValidationError (in plain words, on the field) for a bad value, and EditConflict
    (with the plan as it is now) when someone saved the settings since `base_revision`:
    nothing is written then. One history record per save; a change of visibility or
    threshold also writes an audit entry naming the user, the old and the new value.
    """
    values = {name: data[name] for name in PLAN_SETTINGS_FIELDS if name in data}
    candidate = Plan(**{name: getattr(plan, name) for name in PLAN_SETTINGS_FIELDS}, **{"slug": plan.slug})
    for name, value in values.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["slug"], validate_unique=False)
    values = {name: getattr(candidate, name) for name in values}
    with transaction.atomic():
        before = Plan.objects.filter(pk=plan.pk).values(*AUDITED_SETTINGS).first() or {}
        saved = guarded_update(
            plan,
            base_revision=base_revision,
            values={**values, "updated_at": timezone.now()},
            user=user,
            message=message or "Settings changed",
        )
        changes = {
            name: {"from": before.get(name), "to": getattr(saved, name)}
            for name in AUDITED_SETTINGS
            if before.get(name) != getattr(saved, name)
        }
        if changes:
            audit_record(action=AuditAction.PLAN_SETTINGS_CHANGED, actor=user, plan=saved, details=changes)
    return saved
