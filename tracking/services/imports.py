"""CSV import of measurements: parse and check every row (the preview), then save all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from plans.caching import plan_cache_bump
from plans.models import Node, NodeKind, Plan
from plans.services import plan_lock

from ..models import Measurement
from ..spreadsheet import csv_cell
from .common import acting_user
from .measurements import (
    DUPLICATE_MESSAGE,
    MEASUREMENT_FIELDS,
    SOURCE_MAX_LENGTH,
    _duplicate_key,
    _existing_keys,
    _measurement_errors,
    parse_breakdown,
)

MAX_IMPORT_ROWS = 5000
# The column of each measurement field, where it is not the field's own name.
COLUMN_NAMES = {"period_end": "date"}
CSV_COLUMNS = ("indicator_id", "indicator", *(COLUMN_NAMES.get(name, name) for name in MEASUREMENT_FIELDS))


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


def _is_encodable(text: str) -> bool:
    # A lone surrogate (which no UTF-8 file holds) cannot be stored: refuse it with the binary data.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
    # isdigit() alone would let "²" through, which int() refuses.
    if not (text.isascii() and text.isdigit()):
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


def _delimiter(text: str) -> str:
    """A comma; or the semicolon (or tab) that spreadsheets set to some languages write instead."""
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for other in (";", "\t"):
            if other in first_line:
                return other
    return ","


def measurements_csv_parse(*, plan: Plan, text: str) -> ImportPreview:
    """Read and check a CSV file of measurements without saving anything.

    Columns (header row required): indicator_id or indicator (the title), date (or the
    last day of the period), value; optional period_start, numerator, denominator,
    group_size, breakdown ("career stage=postdoc; gender=woman"), source, note.
    """
    preview = ImportPreview()
    text = text.lstrip("\ufeff")
    if "\x00" in text or not _is_encodable(text):
        preview.errors.append("The file holds binary data, not text; save it as “CSV UTF-8” and try again.")
        return preview
    reader = csv.DictReader(io.StringIO(text), delimiter=_delimiter(text))
    try:
        header = [name.strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error as error:
        preview.errors.append(f"The header row is not valid CSV: {error}.")
        return preview
    if not header:
        preview.errors.append("The file is empty: it needs a header row and at least one row of data.")
        return preview
    reader.fieldnames = header
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        preview.errors.append("Columns given more than once: " + ", ".join(repeated) + ".")
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

    parsed = {
        "period_end": _parse_date(raw.get("date", ""), "date", errors),
        "period_start": _parse_date(raw.get("period_start", ""), "period_start", errors),
        "value": _parse_decimal(raw.get("value", ""), "value", errors),
        "numerator": _parse_count(raw.get("numerator", ""), "numerator", errors),
        "denominator": _parse_count(raw.get("denominator", ""), "denominator", errors),
        "group_size": _parse_count(raw.get("group_size", ""), "group_size", errors),
        "source": raw.get("source", ""),
        "note": raw.get("note", ""),
    }
    try:
        parsed["breakdown"] = parse_breakdown(raw.get("breakdown", ""))
    except ValueError as error:
        errors.append(f"breakdown: {error}")
        parsed["breakdown"] = {}
    row.data = {name: parsed[name] for name in MEASUREMENT_FIELDS}  # what measurement_record would be given
    if len(row.data["source"]) > SOURCE_MAX_LENGTH:
        errors.append(f"source: write it in at most {SOURCE_MAX_LENGTH} characters.")
    for name, message in _measurement_errors(row.data).items():
        # A field already reported as unreadable needs no second message.
        label = COLUMN_NAMES.get(name, name)
        if raw.get(label) and any(e.startswith(f"{label}:") for e in errors):
            continue
        errors.append(f"{label}: {message}")
    if indicator is not None and row.data["period_end"] is not None and not errors:
        key = _duplicate_key(indicator.pk, row.data)
        if key in existing:
            errors.append(DUPLICATE_MESSAGE)
        elif key in seen:
            errors.append(f"The same measurement is already on line {seen[key]} of this file.")
        else:
            seen[key] = line
    return row


def measurements_import_csv(*, plan: Plan, user, text: str) -> list[Measurement]:
    """Record every measurement of a CSV file, or none: any bad row raises MeasurementImportError."""
    with transaction.atomic():
        plan_lock(plan.pk)  # two imports of the same file cannot both pass the duplicate check
        preview = measurements_csv_parse(plan=plan, text=text)
        if not preview.ok:
            raise MeasurementImportError(preview)
        author = acting_user(user)
        measurements = [Measurement(node=row.indicator, recorded_by=author, **row.data) for row in preview.rows]
        created = bulk_create_with_history(
            measurements, Measurement, default_user=author, default_change_reason="Imported from a CSV file."
        )
        plan_cache_bump(plan=plan)
        return created


def measurements_csv_template(*, plan: Plan) -> str:
    """A CSV file to fill in: the header and one example line per live indicator of the plan."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for node in Node.objects.live().filter(plan=plan, kind=NodeKind.INDICATOR).order_by("id"):
        # The indicator_id is what the import reads; the title is only a reminder, made safe to open.
        writer.writerow([node.pk, csv_cell(node.title), "", "", "", "", "", "", "", csv_cell(node.data_source), ""])
    return out.getvalue()
