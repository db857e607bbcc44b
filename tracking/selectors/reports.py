"""The years an annual report covers and the versions published in one."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from plans.models import Plan, PlanVersion

from ..services.common import today


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
