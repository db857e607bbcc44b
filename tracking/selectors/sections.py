"""The published version a dashboard shows, and the sections of its snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from plans.models import NodeKind


@dataclass(frozen=True)
class SectionRef:
    id: int
    number: str
    anchor: str
    title: str


def _ref(section: dict[str, Any] | None) -> SectionRef | None:
    if section is None:
        return None
    return SectionRef(section.get("id"), section["number"], section["anchor"], section["title"])


def _walk(sections: list[dict[str, Any]], area=None, goal=None) -> Iterator[tuple[dict, dict | None, dict | None]]:
    """(section, its area, its goal) for every section, in document order."""
    for section in sections:
        yield section, area, goal
        kind = section["kind"]
        child_area = section if kind == NodeKind.AREA else area
        child_goal = section if kind == NodeKind.GOAL else (None if kind == NodeKind.AREA else goal)
        yield from _walk(section["children"], child_area, child_goal)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _decimal(value: str | None) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        return None
