"""The writes of the tracking app: post a progress update, record measurements, import them.

Views, the admin and commands go through these. Each validates in plain words (raising
ValidationError, keyed by field where it can), runs in one transaction and leaves a
history record naming the user.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from plans.models import ActionStatus, Node, NodeKind, Plan

from .models import Measurement, ProgressUpdate

MAX_VALUE = Decimal("1e10")
MAX_IMPORT_ROWS = 5000
CSV_COLUMNS = (
    "indicator_id",
    "indicator",
    "date",
    "period_start",
    "value",
    "numerator",
    "denominator",
    "group_size",
    "breakdown",
    "source",
    "note",
)


def _today() -> dt.date:
    return timezone.localdate()


# --- Progress updates -----------------------------------------------------------------------


def progress_post(
    *,
    node: Node,
    user,
    date: dt.date,
    status: str,
    percent_complete: int | None = None,
    note: str = "",
) -> ProgressUpdate:
    """Record a dated progress update on an action.

    The action's status becomes that of its latest update (by date), saved on the node
    like any edit: its revision goes up and its history records who changed it.
    """
    errors: dict[str, str] = {}
    if node.kind != NodeKind.ACTION:
        raise ValidationError("Progress can only be reported on an action.")
    if node.deleted_at is not None:
        raise ValidationError("This action has been deleted; restore it before reporting progress.")
    if date > _today():
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
        update = ProgressUpdate(
            node=node,
            date=date,
            status=status,
            percent_complete=percent_complete,
            note=note.strip(),
            author=user if user is not None and user.is_authenticated else None,
        )
        update._history_user = update.author
        update.save()
        progress_status_sync(node=node, user=update.author)
    return update


def progress_status_sync(*, node: Node, user) -> bool:
    """Give the action the status of its latest progress update (if it has any). True if it changed.

    Saved like any edit of the action: its revision goes up (so a form opened before is
    refused) and its history records the user and why.
    """
    with transaction.atomic():
        node = Node.objects.select_for_update().get(pk=node.pk)
        latest = node.progress_updates.order_by("-date", "-created_at", "-id").only("status", "date").first()
        if latest is None or latest.status == node.status:
            return False
        node.status = latest.status
        node.revision += 1
        node._history_user = user if user is not None and user.is_authenticated else None
        node._change_reason = f"Status set by the progress update of {latest.date.isoformat()}."
        node.save()
        return True


def progress_delete(*, update: ProgressUpdate, user) -> None:
    """Delete a progress update posted by mistake; the action's status follows the latest one left.

    The update stays in its history, with who deleted it.
    """
    with transaction.atomic():
        node = update.node
        update._history_user = user if user is not None and user.is_authenticated else None
        update.delete()
        progress_status_sync(node=node, user=user)


# --- Measurements ---------------------------------------------------------------------------


def _check_indicator(indicator: Node, plan: Plan | None = None) -> str | None:
    if indicator.kind != NodeKind.INDICATOR:
        return "Measurements can only be recorded for an indicator."
    if indicator.deleted_at is not None:
        return "This indicator has been deleted."
    if plan is not None and indicator.plan_id != plan.pk:
        return "This indicator belongs to another plan."
    return None


def _measurement_errors(
    *,
    period_start: dt.date | None,
    period_end: dt.date | None,
    value: Decimal | None,
    numerator: int | None,
    denominator: int | None,
    group_size: int | None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if period_end is None:
        errors["period_end"] = "Give the date of the measurement (or the last day of its period)."
    elif period_end > _today():
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
    if denominator == 0:
        errors["denominator"] = "The denominator cannot be zero."
    if numerator is not None and denominator is None:
        errors["denominator"] = "Give the denominator too, or leave the numerator empty."
    return errors


def _duplicate_key(node_id: int, period_start, period_end, breakdown: dict) -> tuple:
    return (node_id, period_start, period_end, tuple(sorted((breakdown or {}).items())))


def _existing_keys(node_ids) -> set[tuple]:
    rows = Measurement.objects.filter(node_id__in=node_ids).values_list(
        "node_id", "period_start", "period_end", "breakdown"
    )
    return {_duplicate_key(*row) for row in rows}


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
    errors = _measurement_errors(
        period_start=period_start,
        period_end=period_end,
        value=value,
        numerator=numerator,
        denominator=denominator,
        group_size=group_size,
    )
    if errors:
        raise ValidationError(errors)
    breakdown = breakdown or {}
    with transaction.atomic():
        # The same lock as a CSV import takes, so that neither can slip in a duplicate of the other.
        list(Plan.objects.select_for_update().filter(pk=indicator.plan_id).values_list("pk"))
        if _duplicate_key(indicator.pk, period_start, period_end, breakdown) in _existing_keys([indicator.pk]):
            raise ValidationError(DUPLICATE_MESSAGE)
        measurement = Measurement(
            node=indicator,
            period_start=period_start,
            period_end=period_end,
            value=value,
            numerator=numerator,
            denominator=denominator,
            group_size=group_size,
            breakdown=breakdown,
            source=source.strip(),
            note=note.strip(),
            recorded_by=user if user is not None and user.is_authenticated else None,
        )
        measurement._history_user = measurement.recorded_by
        measurement.save()
    return measurement


def measurement_delete(*, measurement: Measurement, user) -> None:
    """Delete a measurement recorded by mistake. It stays in its history, with who deleted it."""
    with transaction.atomic():
        measurement._history_user = user if user is not None and user.is_authenticated else None
        measurement.delete()


# --- CSV import -----------------------------------------------------------------------------


def parse_breakdown(text: str) -> dict[str, str]:
    """ "career stage=postdoc; gender=woman" -> {"career stage": "postdoc", "gender": "woman"}."""
    result: dict[str, str] = {}
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        separator = "=" if "=" in part else ":"
        key, found, value = part.partition(separator)
        key, value = key.strip(), value.strip()
        if not found or not key or not value:
            raise ValueError('Write each group as "name=value", separated by ";" (e.g. "career stage=postdoc").')
        if key in result:
            raise ValueError(f'"{key}" is given twice.')
        result[key] = value
    return result


def format_breakdown(breakdown: dict[str, str] | None) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted((breakdown or {}).items()))


@dataclass
class ImportRow:
    """One data line of an uploaded CSV file, with what it would record or why it cannot."""

    line: int
    raw: dict[str, str]
    indicator: Node | None = None
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors and all(row.ok for row in self.rows)

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.ok]


class MeasurementImportError(Exception):
    """The file has errors; nothing was saved. `preview` says which rows and why."""

    def __init__(self, preview: ImportPreview):
        super().__init__("The file has errors; nothing was saved.")
        self.preview = preview


def _parse_date(text: str, label: str, errors: list[str]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(f"{label}: “{text}” is not a date; write it as YYYY-MM-DD.")
        return None


def _parse_count(text: str, label: str, errors: list[str]) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        errors.append(f"{label}: “{text}” is not a whole number of people.")
        return None
    return int(text)


def _parse_decimal(text: str, label: str, errors: list[str]) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append(f"{label}: “{text}” is not a number (use a dot for decimals, no units).")
        return None
    if not value.is_finite():
        errors.append(f"{label}: “{text}” is not a number.")
        return None
    return value


FIELD_LABELS = {
    "period_end": "date",
    "period_start": "period_start",
    "value": "value",
    "numerator": "numerator",
    "denominator": "denominator",
    "group_size": "group_size",
}


def measurements_csv_parse(*, plan: Plan, text: str) -> ImportPreview:
    """Read and check a CSV file of measurements without saving anything.

    Columns (header row required): indicator_id or indicator (the title), date (or the
    last day of the period), value; optional period_start, numerator, denominator,
    group_size, breakdown ("career stage=postdoc; gender=woman"), source, note.
    """
    preview = ImportPreview()
    text = text.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    if not header:
        preview.errors.append("The file is empty: it needs a header row and at least one row of data.")
        return preview
    reader.fieldnames = header
    unknown = [name for name in header if name not in CSV_COLUMNS]
    if unknown:
        preview.errors.append(
            "Unknown columns: " + ", ".join(unknown) + ". The columns are: " + ", ".join(CSV_COLUMNS) + "."
        )
    if "indicator_id" not in header and "indicator" not in header:
        preview.errors.append("The file needs an indicator_id or an indicator column.")
    for required in ("date", "value"):
        if required not in header:
            preview.errors.append(f"The file needs a {required} column.")
    if preview.errors:
        return preview

    indicators = list(Node.objects.live().filter(plan=plan, kind=NodeKind.INDICATOR))
    by_id = {node.pk: node for node in indicators}
    by_title: dict[str, list[Node]] = {}
    for node in indicators:
        by_title.setdefault(node.title.strip().casefold(), []).append(node)
    existing = _existing_keys(list(by_id))
    seen: dict[tuple, int] = {}

    try:
        for record in reader:
            if len(preview.rows) >= MAX_IMPORT_ROWS:
                preview.errors.append(f"The file has more than {MAX_IMPORT_ROWS} rows; split it into smaller files.")
                break
            if None in record:
                raw = {k: (v or "").strip() for k, v in record.items() if k is not None}
                row = ImportRow(line=reader.line_num, raw=raw, errors=["This row has more cells than the header."])
                preview.rows.append(row)
                continue
            raw = {k: (v or "").strip() for k, v in record.items()}
            if not any(raw.values()):
                continue  # blank line
            preview.rows.append(_parse_row(reader.line_num, raw, by_id, by_title, existing, seen))
    except csv.Error as error:
        preview.errors.append(f"The file is not valid CSV near line {reader.line_num}: {error}.")
    if not preview.rows and not preview.errors:
        preview.errors.append("The file has a header row but no data.")
    return preview


def _parse_row(line, raw, by_id, by_title, existing, seen) -> ImportRow:
    row = ImportRow(line=line, raw=raw)
    errors = row.errors
    indicator = None
    if raw.get("indicator_id"):
        try:
            indicator = by_id.get(int(raw["indicator_id"]))
        except ValueError:
            indicator = None
        if indicator is None:
            errors.append(f"indicator_id: no indicator {raw['indicator_id']} in this plan.")
    elif raw.get("indicator"):
        matches = by_title.get(raw["indicator"].casefold(), [])
        if len(matches) == 1:
            indicator = matches[0]
        elif matches:
            errors.append(f"indicator: several indicators are called “{raw['indicator']}”; use indicator_id.")
        else:
            errors.append(f"indicator: no indicator called “{raw['indicator']}” in this plan.")
    else:
        errors.append("Give the indicator_id (or the indicator's exact title).")
    row.indicator = indicator

    period_end = _parse_date(raw.get("date", ""), "date", errors)
    period_start = _parse_date(raw.get("period_start", ""), "period_start", errors)
    value = _parse_decimal(raw.get("value", ""), "value", errors)
    numerator = _parse_count(raw.get("numerator", ""), "numerator", errors)
    denominator = _parse_count(raw.get("denominator", ""), "denominator", errors)
    group_size = _parse_count(raw.get("group_size", ""), "group_size", errors)
    try:
        breakdown = parse_breakdown(raw.get("breakdown", ""))
    except ValueError as error:
        errors.append(f"breakdown: {error}")
        breakdown = {}
    checks = _measurement_errors(
        period_start=period_start,
        period_end=period_end,
        value=value,
        numerator=numerator,
        denominator=denominator,
        group_size=group_size,
    )
    for name, message in checks.items():
        # A field already reported as unreadable needs no second message.
        label = FIELD_LABELS[name]
        if raw.get("date" if name == "period_end" else name) and any(e.startswith(f"{label}:") for e in errors):
            continue
        errors.append(f"{label}: {message}")
    if indicator is not None and period_end is not None and not errors:
        key = _duplicate_key(indicator.pk, period_start, period_end, breakdown)
        if key in existing:
            errors.append(DUPLICATE_MESSAGE)
        elif key in seen:
            errors.append(f"The same measurement is already on line {seen[key]} of this file.")
        else:
            seen[key] = line
    row.data = {
        "period_start": period_start,
        "period_end": period_end,
        "value": value,
        "numerator": numerator,
        "denominator": denominator,
        "group_size": group_size,
        "breakdown": breakdown,
        "source": raw.get("source", ""),
        "note": raw.get("note", ""),
    }
    return row


def measurements_import_csv(*, plan: Plan, user, text: str) -> list[Measurement]:
    """Record every measurement of a CSV file, or none: any bad row raises MeasurementImportError."""
    with transaction.atomic():
        # Lock the plan so that two imports of the same file cannot both pass the duplicate check.
        list(Plan.objects.select_for_update().filter(pk=plan.pk).values_list("pk"))
        preview = measurements_csv_parse(plan=plan, text=text)
        if not preview.ok:
            raise MeasurementImportError(preview)
        author = user if user is not None and user.is_authenticated else None
        measurements = [Measurement(node=row.indicator, recorded_by=author, **row.data) for row in preview.rows]
        return bulk_create_with_history(
            measurements, Measurement, default_user=author, default_change_reason="Imported from a CSV file."
        )


def measurements_csv_template(*, plan: Plan) -> str:
    """A CSV file to fill in: the header and one example line per live indicator of the plan."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for node in Node.objects.live().filter(plan=plan, kind=NodeKind.INDICATOR).order_by("id"):
        writer.writerow([node.pk, node.title, "", "", "", "", "", "", "", node.data_source, ""])
    return out.getvalue()
