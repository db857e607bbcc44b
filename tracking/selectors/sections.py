"""The published version a dashboard shows, and the sections of its snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from plans.models import NodeKind, Plan, PlanVersion
from plans.selectors import latest_version


@dataclass(frozen=True)
class SectionRef:
    id: int
    number: str
    anchor: str
    title: str


@dataclass(frozen=True)
class VersionAsOf:
    """The version a dashboard shows for a day, and whether it was in force then.

    `in_force` is false for a day before the plan's first publication: the first version
    is shown then, and the page says it was published later.
    """

    version: PlanVersion
    in_force: bool


def version_as_of(plan: Plan, as_of: dt.date) -> VersionAsOf | None:
    """The version in force at the end of `as_of` (the latest published on or before that day),
    or the first version if none was published yet; None if the plan has no version (one query,
    two for a day before the first version)."""
    tz = timezone.get_current_timezone()
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    version = latest_version(plan, published_before=end)
    if version is not None:
        return VersionAsOf(version, in_force=True)
    first = plan.versions.order_by("published_at", "major", "minor").first()
    if first is None:
        return None
    first.plan = plan
    return VersionAsOf(first, in_force=False)


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
