"""Field-by-field diffs of two records (node revisions, references, plan title)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString
from django.utils.text import capfirst

from ..kinds import ALL_FIELDS, field_label
from ..models import REFERENCE_FIELDS, Reference
from .text import diff_text, render_opcodes


@dataclass
class FieldChange:
    """One field whose value differs; `html` shows the change with <del>/<ins>."""

    name: str
    label: str
    old: Any
    new: Any
    html: SafeString


def default_label(name: str) -> str:
    """What a field is called when the caller gives no label: a section's or reference's field by
    its model verbose_name ("Target date", "Citation"), "Kind", or the name in words."""
    if name in ALL_FIELDS:
        return field_label(name)
    if name in REFERENCE_FIELDS:
        return capfirst(str(Reference._meta.get_field(name).verbose_name))
    return name.replace("_", " ").capitalize()


def _is_empty(value: Any) -> bool:
    return value is None or value == ""


def _display(value: Any) -> str:
    return "" if value is None else str(value)


def diff_fields(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
    *,
    fields: Iterable[str] | None = None,
) -> list[FieldChange]:
    """The fields whose values differ, in order (`fields`, or old's keys then new's).

    A missing key, None and "" all count as empty and equal each other. Text values are
    diffed word by word; other values (dates, numbers) are shown as old struck, new inserted.
    """
    names = list(fields) if fields is not None else list(dict.fromkeys([*old.keys(), *new.keys()]))
    labels = labels or {}
    changes = []
    for name in names:
        before, after = old.get(name), new.get(name)
        if before == after or (_is_empty(before) and _is_empty(after)):
            continue
        if isinstance(before, str | None) and isinstance(after, str | None):
            html = diff_text(before, after)
        else:
            ops = [op for op in (("-", _display(before)), ("+", _display(after))) if op[1]]
            html = render_opcodes(ops)
        label = labels[name] if name in labels else default_label(name)
        changes.append(FieldChange(name=name, label=label, old=before, new=after, html=html))
    return changes
