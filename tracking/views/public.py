"""Public dashboards and reports, for everyone who may read the plan.

Sections come from the version in force on the day shown (the latest published version,
for today); progress and measurements are live data shown as of that day. Measurements
reach these views only through the suppression selector, so small groups never show.

Every page here is served from the page cache (plans.caching) once built, per day and per
state of the plan's data: the tracking services bump the plan's cache generation with each
write, and `tracking.selectors.marks` tells the cache what the data looked like.
"""

from __future__ import annotations

import csv
import datetime as dt
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from plans.access import get_readable_plan
from plans.caching import DATA, cached_page
from plans.models import Plan, PlanVersion

from ..charts import indicator_chart
from ..selectors import (
    STATES,
    ActionFilters,
    VersionAsOf,
    action_rows,
    annual_report,
    area_choices,
    filter_actions,
    indicator_rows,
    owner_choices,
    report_years,
    state_counts,
    today,
    version_as_of,
)
from ..spreadsheet import csv_cell as _csv_cell
from ..suppression import format_number


def _published(request: HttpRequest, slug: str, as_of: dt.date) -> tuple[Plan, VersionAsOf]:
    """The plan and the version in force on `as_of` (the first one, for a day before it)."""
    plan = get_readable_plan(request, slug)
    shown = version_as_of(plan, as_of)
    if shown is None:
        raise Http404("This plan has no published version yet.")
    return plan, shown


def _as_of(request: HttpRequest) -> dt.date:
    """?as_of=YYYY-MM-DD to look back; today otherwise (and never later than today)."""
    return as_of_param(request) or today()


def as_of_param(request: HttpRequest) -> dt.date | None:
    """The day asked for with ?as_of=YYYY-MM-DD (never later than today), or None when none (or a bad one) is given."""
    try:
        return min(dt.date.fromisoformat(request.GET.get("as_of", "")[:10]), today())
    except ValueError:
        return None


# The query parameters the dashboards read (any other makes a page that is not stored).
ACTION_QUERY = ("as_of", "area", "status", "owner", "sort")
INDICATOR_QUERY = ("as_of",)


def _csv_response(filename: str) -> tuple[HttpResponse, csv.writer]:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response, csv.writer(response)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


ACTION_COLUMNS = [
    ("number", "Section"),
    ("title", "Action"),
    ("area", "Area and goal"),
    ("owner", "Owner"),
    ("status", "Status"),
    ("start", "Start"),
    ("target", "Target date"),
    ("progress", "Progress"),
    ("updated", "Last update"),
]


def _sort_columns(filters: ActionFilters, keep: dict[str, str]) -> list[dict[str, str]]:
    """Column headers: a link that sorts by the column (again: the other way) and its aria-sort."""
    columns = []
    for key, label in ACTION_COLUMNS:
        if filters.sort == key:
            aria_sort, next_sort = "ascending", f"-{key}"
        elif filters.sort == f"-{key}":
            aria_sort, next_sort = "descending", key
        else:
            aria_sort, next_sort = "", key
        columns.append(
            {
                "key": key,
                "label": label,
                "aria_sort": aria_sort,
                "href": "?" + urlencode({**filters.query(sort=next_sort), **keep}),
            }
        )
    return columns


@require_safe
@cached_page(kind=DATA, query=ACTION_QUERY)
def actions(request: HttpRequest, slug: str) -> HttpResponse:
    as_of = _as_of(request)
    plan, shown = _published(request, slug, as_of)
    version = shown.version
    rows = action_rows(plan=plan, version=version, as_of=as_of, in_force=shown.in_force)
    filters = ActionFilters.from_query(request.GET)
    selected = filter_actions(rows, filters)
    area_counts, total_counts = state_counts(rows)
    keep = {} if as_of == today() else {"as_of": as_of.isoformat()}
    context = {
        "plan": plan,
        "version": version,
        "in_force": shown.in_force,
        "as_of": as_of,
        "is_today": as_of == today(),
        "rows": selected,
        "total_rows": rows,
        "total": len(rows),
        "filters": filters,
        "areas": area_choices(rows),
        "owners": owner_choices(rows),
        "states": list(STATES.values()),
        "area_counts": area_counts,
        "total_counts": total_counts,
        "columns": _sort_columns(filters, keep),
        "csv_query": urlencode({**filters.query(), **keep}),
        "keep": keep,
    }
    return render(request, "tracking/actions.html", context)


ACTION_CSV_HEADER = [
    "section",
    "action",
    "area",
    "goal",
    "owner",
    "leads",
    "status",
    "state",
    "start_date",
    "target_date",
    "percent_complete",
    "last_update",
    "last_note",
    "as_of",
    "plan_version",
]


@require_safe
@cached_page(kind=DATA, query=ACTION_QUERY)
def actions_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The actions table as CSV, with the same filters and sort as the page."""
    as_of = _as_of(request)
    plan, shown = _published(request, slug, as_of)
    version = shown.version
    rows = filter_actions(
        action_rows(plan=plan, version=version, as_of=as_of, in_force=shown.in_force),
        ActionFilters.from_query(request.GET),
    )
    response, writer = _csv_response(f"{plan.slug}-actions-{as_of.isoformat()}.csv")
    writer.writerow(ACTION_CSV_HEADER)
    for row in rows:
        writer.writerow(
            [
                row.number,
                _csv_cell(row.title),
                _csv_cell(row.area.title if row.area else ""),
                _csv_cell(row.goal.title if row.goal else ""),
                _csv_cell(row.owner),
                _csv_cell(row.leads),
                row.status_label,
                row.state.label,
                _date(row.start_date),
                _date(row.target_date),
                "" if row.percent_complete is None else row.percent_complete,
                _date(row.updated_on),
                _csv_cell(row.note),
                as_of.isoformat(),
                version.number,
            ]
        )
    return response


def _indicators_with_charts(plan: Plan, version: PlanVersion, as_of: dt.date):
    rows = indicator_rows(plan=plan, version=version, as_of=as_of)
    for row in rows:
        row.chart = indicator_chart(row)
    return rows


@require_safe
@cached_page(kind=DATA, query=INDICATOR_QUERY)
def indicators(request: HttpRequest, slug: str) -> HttpResponse:
    as_of = _as_of(request)
    plan, shown = _published(request, slug, as_of)
    version = shown.version
    context = {
        "plan": plan,
        "version": version,
        "in_force": shown.in_force,
        "as_of": as_of,
        "is_today": as_of == today(),
        "indicators": _indicators_with_charts(plan, version, as_of),
        "threshold": plan.small_count_threshold,
    }
    return render(request, "tracking/indicators.html", context)


INDICATOR_CSV_HEADER = [
    "section",
    "indicator",
    "unit",
    "period_start",
    "date",
    "group",
    "value",
    "numerator",
    "denominator",
    "source",
    "note",
    "baseline",
    "target",
    "target_date",
]


@require_safe
@cached_page(kind=DATA, query=INDICATOR_QUERY)
def indicators_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Every public measurement as CSV; a small group's value reads "fewer than N", its counts empty."""
    as_of = _as_of(request)
    plan, shown = _published(request, slug, as_of)
    version = shown.version
    response, writer = _csv_response(f"{plan.slug}-measurements-{as_of.isoformat()}.csv")
    writer.writerow(INDICATOR_CSV_HEADER)
    for row in indicator_rows(plan=plan, version=version, as_of=as_of):
        for m in row.measurements:
            writer.writerow(
                [
                    row.number,
                    _csv_cell(row.title),
                    _csv_cell(row.unit),
                    _date(m.period_start),
                    _date(m.period_end),
                    _csv_cell(m.breakdown_label),
                    m.display if m.suppressed else format_number(m.value),
                    "" if m.numerator is None else m.numerator,
                    "" if m.denominator is None else m.denominator,
                    _csv_cell(m.source),
                    _csv_cell(m.note),
                    format_number(row.baseline_value),
                    format_number(row.target_value),
                    _date(row.target_date),
                ]
            )
    return response


def _number(value) -> str | None:
    return None if value is None else format_number(value)


def _plan_header(plan: Plan, version: PlanVersion, as_of: dt.date) -> dict:
    return {"plan": {"slug": plan.slug, "title": plan.title}, "version": version.number, "as_of": as_of.isoformat()}


@require_safe
@cached_page(kind=DATA, query=ACTION_QUERY)
def actions_json(request: HttpRequest, slug: str) -> HttpResponse:
    """The actions table as JSON, with the same filters and sort as the page."""
    as_of = _as_of(request)
    plan, shown = _published(request, slug, as_of)
    version = shown.version
    rows = filter_actions(
        action_rows(plan=plan, version=version, as_of=as_of, in_force=shown.in_force),
        ActionFilters.from_query(request.GET),
    )
    data = _plan_header(plan, version, as_of) | {
        "actions": [
            {
                "id": row.id,
                "number": row.number,
                "title": row.title,
                "area": row.area.title if row.area else None,
                "goal": row.goal.title if row.goal else None,
                "owner": row.owner,
                "leads": row.leads,
                "status": row.status,
                "state": row.state.key,
                "start_date": _date(row.start_date) or None,
                "target_date": _date(row.target_date) or None,
                "percent_complete": row.percent_complete,
                "last_update": _date(row.updated_on) or None,
                "last_note": row.note,
            }
            for row in rows
        ]
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_safe
@cached_page(kind=DATA, query=INDICATOR_QUERY)
def indicators_json(request: HttpRequest, slug: str) -> HttpResponse:
    """Every indicator with its public measurements. A hidden one has "value": null and says why."""
    as_of = _as_of(request)
    plan, shown = _published(request, slug, as_of)
    version = shown.version
    data = _plan_header(plan, version, as_of) | {
        "small_count_threshold": plan.small_count_threshold,
        "indicators": [
            {
                "id": row.id,
                "number": row.number,
                "title": row.title,
                "area": row.area.title if row.area else None,
                "unit": row.unit,
                "direction": row.direction,
                "baseline": {"value": _number(row.baseline_value), "date": _date(row.baseline_date) or None},
                "target": {"value": _number(row.target_value), "date": _date(row.target_date) or None},
                "measurements": [
                    {
                        "period_start": _date(m.period_start) or None,
                        "date": m.period_end.isoformat(),
                        "group": m.breakdown,
                        "value": _number(m.value),
                        "display": m.display,
                        "hidden": m.reason or None,
                        "numerator": m.numerator,
                        "denominator": m.denominator,
                        "source": m.source,
                        "note": m.note,
                    }
                    for m in row.measurements
                ],
            }
            for row in indicator_rows(plan=plan, version=version, as_of=as_of)
        ],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_safe
@cached_page(kind=DATA)
def report_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan, shown = _published(request, slug, today())
    return render(
        request, "tracking/report_list.html", {"plan": plan, "version": shown.version, "years": report_years(plan)}
    )


@require_safe
@cached_page(kind=DATA, query=INDICATOR_QUERY)
def report(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    """The year in review: data as of 31 December (or today, for the current year).

    `?as_of=` picks another day of that year (a day outside it is brought inside); the
    plan text is that of the version in force on the day the report is as of.
    """
    plan = get_readable_plan(request, slug)
    report = annual_report(plan, year, as_of_param(request))
    if report is None:
        raise Http404("There is no report for that year: it is to come, or no version had been published by its end.")
    for row in report.indicators:
        row.chart = indicator_chart(row)
    context = {
        "plan": plan,
        "version": report.version,
        "in_force": report.in_force,
        "year": year,
        "as_of": report.as_of,
        "complete": report.complete,
        "year_so_far": report.year_so_far,
        "latest_day": report.latest_day,
        "rows": report.rows,
        "states": list(STATES.values()),
        "area_counts": report.area_counts,
        "total_counts": report.total_counts,
        "indicators": report.indicators,
        "versions": report.versions,
        "threshold": report.threshold,
    }
    return render(request, "tracking/report.html", context)
