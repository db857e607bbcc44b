"""A JSON export of this portal (plans.snapshot.version_export, or a raw snapshot).

Kinds and kind-specific fields are recreated exactly, so that exporting a
version, importing it and taking a snapshot of the new draft gives the same
content. Row ids, numbers and anchors in the file are ignored: the tree gives them.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator, URLValidator
from django.db import models

from ..models import ALLOWED_CHILDREN, ActionStatus, Node, NodeKind, Reference
from ..snapshot import KIND_FIELDS, SCHEMA_VERSION
from .base import MAX_SECTION_DEPTH, ParsedPlan, ParsedReference, ParsedSection, PlanImportError, is_encodable

_KIND_LABELS = {kind.value: kind.label.lower() for kind in NodeKind}
_OTHER_KIND_FIELDS = {name for names in KIND_FIELDS.values() for name in names}
_validate_url = URLValidator(schemes=["http", "https"])


def _kind_name(kind: str | None) -> str:
    return "the top level" if kind is None else f"a {_KIND_LABELS[kind]}"


def _string(data: dict, key: str, where: str, *, max_length: int | None = None, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PlanImportError(f"{where}: '{key}' must be text.")
    if "\x00" in value:
        raise PlanImportError(f"{where}: '{key}' contains a NUL character (\\u0000), which text cannot hold.")
    if not is_encodable(value):
        raise PlanImportError(f"{where}: '{key}' contains a broken character (a lone surrogate such as \\ud800).")
    if required and not value.strip():
        raise PlanImportError(f"{where} has no {key}.")
    if max_length is not None and len(value) > max_length:
        raise PlanImportError(f"{where}: '{key}' is longer than {max_length} characters.")
    return value


def _field_value(field: models.Field, value: Any, where: str) -> Any:
    name = field.name
    if isinstance(field, models.BooleanField):
        # Exports made before a yes/no field existed lack it: they mean its default.
        if value is None:
            return field.get_default()
        if not isinstance(value, bool):
            raise PlanImportError(f"{where}: '{name}' must be true or false, not {value!r}.")
        return value
    if isinstance(field, models.DateField):
        if value in (None, ""):
            return None
        try:
            if not isinstance(value, str):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise PlanImportError(f"{where}: '{name}' must be a date like 2025-12-31, not {value!r}.") from None
    if isinstance(field, models.DecimalField):
        if value is None or value == "":
            return None
        try:
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                raise InvalidOperation
            number = Decimal(str(value).strip())
            if not number.is_finite():
                raise InvalidOperation
            DecimalValidator(field.max_digits, field.decimal_places)(number)
        except (InvalidOperation, ValidationError):
            raise PlanImportError(
                f"{where}: '{name}' must be a number with at most {field.decimal_places} decimal places "
                f"and {field.max_digits} digits, not {value!r}."
            ) from None
        return number
    value = _string({name: value}, name, where, max_length=field.max_length)
    if field.choices and value and value not in {choice for choice, _ in field.choices}:
        allowed = ", ".join(choice for choice, _ in field.choices)
        raise PlanImportError(f"{where}: '{name}' must be one of {allowed}, not {value!r}.")
    return value


def _section(data: Any, number: str, parent_kind: str | None, depth: int = 1) -> ParsedSection:
    where = f"Section {number}"
    if depth > MAX_SECTION_DEPTH:
        raise PlanImportError(
            f"Section {number.rsplit('.', 1)[0]} has sections nested more than {MAX_SECTION_DEPTH} levels deep; "
            f"the portal takes at most {MAX_SECTION_DEPTH} levels."
        )
    if not isinstance(data, dict):
        raise PlanImportError(f"{where} is not an object.")
    title = _string(data, "title", where, required=True, max_length=Node._meta.get_field("title").max_length)
    where = f"Section {number} ({title[:60]!r})"
    kind = data.get("kind") or NodeKind.NARRATIVE
    if not isinstance(kind, str):
        raise PlanImportError(f"{where}: 'kind' must be text, one of {', '.join(_KIND_LABELS)}.")
    if kind not in _KIND_LABELS:
        raise PlanImportError(f"{where} has an unknown kind {kind!r}; kinds are {', '.join(_KIND_LABELS)}.")
    if kind not in ALLOWED_CHILDREN[parent_kind]:
        raise PlanImportError(f"{where}: {_kind_name(kind)} cannot be placed under {_kind_name(parent_kind)}.")
    fields: dict[str, Any] = {}
    for name in KIND_FIELDS.get(kind, ()):
        fields[name] = _field_value(Node._meta.get_field(name), data.get(name), where)
    for name in _OTHER_KIND_FIELDS - set(fields):
        if data.get(name) not in (None, ""):
            raise PlanImportError(f"{where}: {_kind_name(kind)} cannot have '{name}'.")
    if kind == NodeKind.ACTION and not fields.get("status"):
        allowed = ", ".join(ActionStatus.values)
        raise PlanImportError(f"{where}: an action needs a status, one of {allowed}.")
    start, target = fields.get("start_date"), fields.get("target_date")
    if start and target and start > target:
        raise PlanImportError(f"{where}: the start date {start} is after the target date {target}.")
    children = data.get("children") or []
    if not isinstance(children, list):
        raise PlanImportError(f"{where}: 'children' must be a list.")
    if children and not ALLOWED_CHILDREN[kind]:
        raise PlanImportError(f"{where}: {_kind_name(kind)} cannot have sections under it.")
    return ParsedSection(
        title=title,
        body=_string(data, "body", where),
        kind=kind,
        fields=fields,
        children=[_section(child, f"{number}.{i}", kind, depth + 1) for i, child in enumerate(children, start=1)],
    )


def _reference(data: Any, index: int, seen: set[str]) -> ParsedReference:
    where = f"Reference {index}"
    if not isinstance(data, dict):
        raise PlanImportError(f"{where} is not an object.")
    label = data.get("label")
    if isinstance(label, int) and not isinstance(label, bool):
        label = str(label)
    label = _string({"label": label}, "label", where, required=True, max_length=20).strip()
    where = f"Reference [{label}]"
    if label in seen:
        raise PlanImportError(f"{where} appears twice in the reference list.")
    seen.add(label)
    url = _string(data, "url", where, max_length=Reference._meta.get_field("url").max_length).strip()
    if url:
        try:
            _validate_url(url)
        except ValidationError:
            raise PlanImportError(f"{where}: {url!r} is not a valid web address.") from None
    return ParsedReference(label=label, text=_string(data, "text", where), url=url)


def parse_json(text: str) -> ParsedPlan:
    """Parse a JSON export; raises PlanImportError on invalid JSON or an invalid structure."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PlanImportError(f"The file is not valid JSON: {error.msg} (line {error.lineno}).") from None
    except RecursionError:
        raise PlanImportError(
            f"The JSON file is nested too deeply to read; a plan has at most {MAX_SECTION_DEPTH} levels of sections."
        ) from None
    except ValueError:  # an integer with thousands of digits: Python refuses to read it
        raise PlanImportError("The file is not valid JSON for a plan: a number in it has too many digits.") from None
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        raise PlanImportError("The JSON file is not a plan export: it needs a list of 'sections'.")
    schema = data.get("schema", SCHEMA_VERSION)
    if not isinstance(schema, int) or isinstance(schema, bool) or not 1 <= schema <= SCHEMA_VERSION:
        raise PlanImportError(f"The JSON export has schema {schema!r}; this portal reads schema 1 to {SCHEMA_VERSION}.")
    plan = data.get("plan") or {}
    if not isinstance(plan, dict):
        raise PlanImportError("The JSON export's 'plan' must be an object.")
    title = _string(plan, "title", "The plan").strip()
    description = _string(plan, "description", "The plan")
    sections = [_section(item, str(i), None) for i, item in enumerate(data["sections"], start=1)]
    if not sections:
        raise PlanImportError("The JSON export has no sections.")
    references = data.get("references") or []
    if not isinstance(references, list):
        raise PlanImportError("The JSON export's 'references' must be a list.")
    seen: set[str] = set()
    return ParsedPlan(
        format="json",
        sections=sections,
        references=[_reference(item, i, seen) for i, item in enumerate(references, start=1)],
        title=title,
        description=description,
    )
