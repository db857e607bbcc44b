"""Editing the plan's reference list. Same rules as nodes: one history record per change, no lost updates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from ..models import REFERENCE_FIELDS, Plan, Reference
from .guarded import guarded_update, set_history
from .nodes import StaleForm


def _clean(data: dict[str, Any]) -> dict[str, Any]:
    foreign = sorted(set(data) - set(REFERENCE_FIELDS))
    if foreign:
        raise ValidationError({name: f"A reference has no field {name!r}." for name in foreign})
    cleaned = {name: (value or "").strip() for name, value in data.items()}
    if "label" in cleaned and not cleaned["label"]:
        raise ValidationError({"label": "Give the reference a label, such as 1 for [1]."})
    return cleaned


def _label_taken(plan_id: int, label: str, exclude: int | None = None) -> bool:
    taken = Reference.objects.filter(plan_id=plan_id, label=label)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    return taken.exists()


def reference_create(*, plan: Plan, data: dict[str, Any], user, message: str = "") -> Reference:
    """Add a reference at the end of the plan's list; its label must be new in the plan."""
    content = {"label": "", "text": "", "url": "", **_clean(data)}
    with transaction.atomic():
        if _label_taken(plan.pk, content["label"]):
            raise ValidationError({"label": f"This plan already has a reference [{content['label']}]."})
        last = Reference.objects.filter(plan=plan).aggregate(last=Max("position"))["last"]
        reference = Reference(plan=plan, position=0 if last is None else last + 1, **content)
        reference.full_clean(exclude=["plan"], validate_unique=False)
        set_history(reference, user, message)
        try:
            with transaction.atomic():
                reference.save()
        except IntegrityError:  # someone took the label between the check and the save
            raise ValidationError({"label": f"This plan already has a reference [{content['label']}]."}) from None
    return reference


def reference_update(
    *, reference: Reference, base_revision: int, data: dict[str, Any], user, message: str = ""
) -> Reference:
    """Save new label, text or URL if the reference is still at `base_revision`; else EditConflict (guarded_update)."""
    content = _clean(data)
    if all(getattr(reference, name) == value for name, value in content.items()):
        return reference
    if "label" in content and _label_taken(reference.plan_id, content["label"], exclude=reference.pk):
        raise ValidationError({"label": f"This plan already has a reference [{content['label']}]."})
    # The conditional UPDATE below skips model validation: check lengths and the URL here.
    candidate = Reference(
        plan_id=reference.plan_id,
        position=reference.position,
        **{name: content.get(name, getattr(reference, name)) for name in REFERENCE_FIELDS},
    )
    candidate.full_clean(exclude=["plan"], validate_unique=False)
    try:
        return guarded_update(reference, base_revision=base_revision, values=content, user=user, message=message)
    except IntegrityError:  # someone took the label between the check and the save
        raise ValidationError({"label": f"This plan already has a reference [{content['label']}]."}) from None


def reference_delete(*, reference: Reference, user, message: str = "", base_revision: int | None = None) -> None:
    """Remove a reference from the list (its history keeps every earlier state).

    With `base_revision`, refuses with StaleForm if the reference was edited since (or is gone).
    """
    with transaction.atomic():
        if base_revision is not None:
            current = Reference.objects.select_for_update().filter(pk=reference.pk).first()
            if current is None or current.revision != base_revision:
                raise StaleForm(
                    "This reference changed after you opened this page, so it was not deleted. "
                    "Check it below and confirm again."
                )
        set_history(reference, user, message or "Deleted")
        reference.delete()
