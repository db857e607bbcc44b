"""Measurements of indicators: record one, delete one, and the checks a CSV import shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from plans.caching import plan_cache_bump
from plans.models import Node, NodeKind
from plans.services import plan_lock

from ..models import Measurement
from ..suppression import breakdown_cell, normalise_label
from .common import acting_user, today

MAX_VALUE = Decimal("1e10")
# The largest count the database stores (a PostgreSQL integer); no group of people is near it.
MAX_COUNT = 2_147_483_647
SOURCE_MAX_LENGTH = Measurement._meta.get_field("source").max_length
# A group is described by at most this many names ("career stage", "gender", "country").
MAX_BREAKDOWN_DIMENSIONS = 4

# What a measurement records besides its indicator and who recorded it, in form order: the
# editor's form, the CSV import and measurement_record all pass these, by these names.
MEASUREMENT_FIELDS = (
    "period_end",
    "period_start",
    "value",
    "numerator",
    "denominator",
    "group_size",
    "breakdown",
    "source",
    "note",
)


def _check_indicator(indicator: Node, plan=None) -> str | None:
    if indicator.kind != NodeKind.INDICATOR:
        return "Measurements can only be recorded for an indicator."
    if indicator.deleted_at is not None:
        return "This indicator has been deleted."
    if plan is not None and indicator.plan_id != plan.pk:
        return "This indicator belongs to another plan."
    return None


def _measurement_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with a measurement's dates, value and counts (of MEASUREMENT_FIELDS), by field."""
    period_start, period_end, value = values.get("period_start"), values.get("period_end"), values.get("value")
    numerator, denominator, group_size = values.get("numerator"), values.get("denominator"), values.get("group_size")
    errors: dict[str, str] = {}
    if period_end is None:
        errors["period_end"] = "Give the date of the measurement (or the last day of its period)."
    elif period_end > today():
        errors["period_end"] = "A measurement cannot be dated in the future."
    if period_start is not None and period_end is not None and period_start > period_end:
        errors["period_start"] = "The period must start on or before its last day."
    if value is None:
        errors["value"] = "Give the value."
    elif abs(value) >= MAX_VALUE or value != value.quantize(Decimal("0.0001")):
        errors["value"] = "Give a number below ten billion, with at most four decimal places."
    for name, count in (("numerator", numerator), ("denominator", denominator), ("group_size", group_size)):
        if count is not None and count < 0:
            errors[name] = "A count cannot be negative."
        elif count is not None and count > MAX_COUNT:
            errors[name] = "This count is too large; give the number of people."
    if denominator == 0:
        errors["denominator"] = "The denominator cannot be zero."
    if numerator is not None and denominator is None:
        errors["denominator"] = "Give the denominator too, or leave the numerator empty."
    elif numerator is not None and denominator and numerator > denominator and "numerator" not in errors:
        errors["numerator"] = "The numerator is a part of the denominator: it cannot be larger."
    return errors


def _duplicate_key(node_id: int, values: Mapping[str, Any]) -> tuple:
    """What two measurements of one indicator may not share: the date or period, and the group
    ("Gender = Women" and "gender=women" are the same group, as the small-count rule reads them)."""
    return (node_id, values.get("period_start"), values["period_end"], breakdown_cell(values.get("breakdown") or {}))


def _existing_keys(node_ids) -> set[tuple]:
    rows = Measurement.objects.filter(node_id__in=node_ids).values("node_id", "period_start", "period_end", "breakdown")
    return {_duplicate_key(row["node_id"], row) for row in rows}


DUPLICATE_MESSAGE = "This indicator already has a measurement for this date (or period) and group."


def measurement_record(
    *,
    indicator: Node,
    user,
    period_end: dt.date,
    value: Decimal,
    period_start: dt.date | None = None,
    numerator: int | None = None,
    denominator: int | None = None,
    group_size: int | None = None,
    breakdown: dict[str, str] | None = None,
    source: str = "",
    note: str = "",
) -> Measurement:
    """Record one measurement of an indicator. Refuses a second one for the same date and group."""
    problem = _check_indicator(indicator)
    if problem:
        raise ValidationError(problem)
    values = {
        "period_end": period_end,
        "period_start": period_start,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "group_size": group_size,
        "breakdown": breakdown or {},
        "source": source.strip(),
        "note": note.strip(),
    }
    errors = _measurement_errors(values)
    if len(values["source"]) > SOURCE_MAX_LENGTH:
        errors["source"] = f"Write the source in at most {SOURCE_MAX_LENGTH} characters."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The same lock as a CSV import takes, so that neither can slip in a duplicate of the other.
        plan_lock(indicator.plan_id)
        if _duplicate_key(indicator.pk, values) in _existing_keys([indicator.pk]):
            raise ValidationError(DUPLICATE_MESSAGE)
        measurement = Measurement(node=indicator, recorded_by=acting_user(user), **values)
        measurement._history_user = measurement.recorded_by
        measurement.save()
        plan_cache_bump(plan_id=indicator.plan_id)
    return measurement


def measurement_delete(*, measurement: Measurement, user) -> None:
    """Delete a measurement recorded by mistake. It stays in its history, with who deleted it."""
    with transaction.atomic():
        measurement._history_user = acting_user(user)
        plan_id = measurement.node.plan_id
        measurement.delete()
        plan_cache_bump(plan_id=plan_id)


def parse_breakdown(text: str) -> dict[str, str]:
    """ "career stage=postdoc; gender=woman" -> {"career stage": "postdoc", "gender": "woman"}.

    Names and groups keep the committee's spelling, with spaces tidied; a name given twice,
    however spelt ("Gender", "gender "), is refused, and so are more than
    MAX_BREAKDOWN_DIMENSIONS names.
    """
    result: dict[str, str] = {}
    seen: dict[str, str] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        separator = "=" if "=" in part else ":"
        key, found, value = part.partition(separator)
        key, value = " ".join(key.split()), " ".join(value.split())
        if not found or not key or not value or not normalise_label(key) or not normalise_label(value):
            raise ValueError('Write each group as "name=value", separated by ";" (e.g. "career stage=postdoc").')
        if normalise_label(key) in seen:
            raise ValueError(f'"{seen[normalise_label(key)]}" is given twice.')
        seen[normalise_label(key)] = key
        result[key] = value
    if len(result) > MAX_BREAKDOWN_DIMENSIONS:
        raise ValueError(f"Give at most {MAX_BREAKDOWN_DIMENSIONS} names for a group (e.g. career stage and gender).")
    return result


def format_breakdown(breakdown: dict[str, str] | None) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted((breakdown or {}).items()))
