"""The years an annual report covers, the versions published in one, and a report's content."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from plans.models import Plan, PlanVersion

from ..services.common import today
from .actions import ActionRow, AreaCounts, action_rows, state_counts
from .indicators import IndicatorRow, indicator_rows
from .sections import version_as_of


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of the year and of the next one, in the portal's time zone."""
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def versions_published_in(plan: Plan, year: int) -> list[PlanVersion]:
    """The versions published during the year, oldest first, each with `previous`: the version
    before it (None for the first), to show what changed."""
    start, end = year_bounds(year)
    versions = list(
        plan.versions.filter(published_at__lt=end)
        .select_related("published_by")
        .defer("snapshot")
        .order_by("published_at", "major", "minor")
    )
    previous = None
    for version in versions:
        version.plan = plan
        version.previous = previous
        previous = version
    return [version for version in versions if version.published_at >= start]


def report_years(plan: Plan) -> list[int]:
    """Years with a report: from the first publication to this year, newest first."""
    first = plan.versions.order_by("published_at").values_list("published_at", flat=True).first()
    if first is None:
        return []
    first_year = timezone.localtime(first).year
    return list(range(today().year, first_year - 1, -1))


@dataclass
class AnnualReport:
    """What the report of a year shows (the page and the PDF alike)."""

    plan: Plan
    year: int
    version: PlanVersion  # the version in force on `as_of`
    in_force: bool  # False: no version was in force yet on `as_of`; the first one is shown
    as_of: dt.date
    latest_day: dt.date  # the last day the report can be as of: 31 December, or today
    complete: bool  # the data are as of 31 December
    year_so_far: bool  # the current year, as of today
    rows: list[ActionRow]
    area_counts: list[AreaCounts]
    total_counts: AreaCounts
    indicators: list[IndicatorRow]
    versions: list[PlanVersion]

    @property
    def threshold(self) -> int:
        return self.plan.small_count_threshold


def annual_report(plan: Plan, year: int, as_of: dt.date | None = None) -> AnnualReport | None:
    """The year in review as of `as_of` (default: 31 December, or today for the current year; a
    day outside the year is brought inside it), from the version in force on that day.

    None for a year to come, or one by whose end no version had been published.
    """
    if year > today().year or year < 1900:
        return None
    _, end = year_bounds(year)
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    latest_day = min(year_end, today())
    as_of = min(max(as_of or latest_day, year_start), latest_day)
    shown = version_as_of(plan, as_of)
    if shown is None or (not shown.in_force and shown.version.published_at >= end):
        return None
    rows = action_rows(plan=plan, version=shown.version, as_of=as_of, in_force=shown.in_force)
    area_counts, total_counts = state_counts(rows)
    return AnnualReport(
        plan=plan,
        year=year,
        version=shown.version,
        in_force=shown.in_force,
        as_of=as_of,
        latest_day=latest_day,
        complete=as_of == year_end,
        year_so_far=as_of == today() and as_of < year_end,
        rows=rows,
        area_counts=area_counts,
        total_counts=total_counts,
        indicators=indicator_rows(plan=plan, version=shown.version, as_of=as_of),
        versions=versions_published_in(plan, year),
    )
