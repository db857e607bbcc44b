"""Reads for the dashboards and reports.

The actions and indicators shown publicly are those of a published version (its
snapshot sections carry each node's id); progress updates and measurements are live
rows joined to them by node id, cut off at an "as of" date. Each function here costs a
fixed number of queries, whatever the size of the plan.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from plans.models import ActionStatus, Direction, NodeKind, Plan, PlanVersion

from .models import ProgressUpdate
from .suppression import PublicMeasurement, format_number, public_measurements, with_unit

# --- Derived state of an action -------------------------------------------------------------


@dataclass(frozen=True)
class State:
    """What a reader needs to know of an action at a glance; always shown as icon AND text."""

    key: str
    label: str
    icon: str
    css: str
    description: str


STATES: dict[str, State] = {
    s.key: s
    for s in (
        State("overdue", "Overdue", "⚠", "state-overdue", "Its target date has passed and it is not done."),
        State("on_track", "On track", "➜", "state-on-track", "In progress, before its target date."),
        State("not_started", "Not started", "○", "state-not-started", "Proposed or planned; no work reported yet."),
        State("deferred", "Deferred", "‖", "state-deferred", "Put off for now, before its target date."),
        State("done", "Done", "✓", "state-done", "Completed."),
        State("dropped", "Dropped", "✕", "state-dropped", "Will not be done."),
    )
}
STATE_ORDER = list(STATES)


def action_state(*, status: str, target_date: dt.date | None, as_of: dt.date) -> State:
    """Overdue: target date passed and not done or dropped. Otherwise follows the status."""
    if status == ActionStatus.DONE:
        return STATES["done"]
    if status == ActionStatus.DROPPED:
        return STATES["dropped"]
    if target_date is not None and target_date < as_of:
        return STATES["overdue"]
    if status == ActionStatus.IN_PROGRESS:
        return STATES["on_track"]
    if status == ActionStatus.DEFERRED:
        return STATES["deferred"]
    return STATES["not_started"]


# --- Published version and its sections -----------------------------------------------------


def latest_version(plan: Plan, *, published_before: dt.datetime | None = None) -> PlanVersion | None:
    """The plan's latest published version (optionally, the latest published before a moment)."""
    versions = plan.versions.all()
    if published_before is not None:
        versions = versions.filter(published_at__lt=published_before)
    version = versions.latest_first().first()
    if version is not None:
        version.plan = plan
    return version


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


def today() -> dt.date:
    return timezone.localdate()


# --- Actions --------------------------------------------------------------------------------


@dataclass
class ActionRow:
    id: int
    position: int
    number: str
    anchor: str
    title: str
    area: SectionRef | None
    goal: SectionRef | None
    owner: str
    leads: str
    status: str
    start_date: dt.date | None
    target_date: dt.date | None
    percent_complete: int | None
    updated_on: dt.date | None
    note: str
    state: State

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label if self.status in ActionStatus.values else self.status


def latest_updates(plan: Plan, *, as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Each action's latest progress update dated on or before `as_of`, by node id (one query)."""
    rows = (
        ProgressUpdate.objects.filter(node__plan_id=plan.pk, date__lte=as_of)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("node_id")],
                order_by=[F("date").desc(), F("created_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
        .values("node_id", "date", "status", "percent_complete", "note")
    )
    return {row["node_id"]: row for row in rows}


def action_rows(*, plan: Plan, version: PlanVersion, as_of: dt.date) -> list[ActionRow]:
    """Every action of the version, in document order, with its status as of the date."""
    updates = latest_updates(plan, as_of=as_of)
    rows = []
    for position, (section, area, goal) in enumerate(_walk(version.snapshot["sections"])):
        if section["kind"] != NodeKind.ACTION:
            continue
        update = updates.get(section.get("id"))
        status = update["status"] if update else section.get("status") or ActionStatus.PROPOSED
        target_date = _date(section.get("target_date"))
        rows.append(
            ActionRow(
                id=section.get("id"),
                position=position,
                number=section["number"],
                anchor=section["anchor"],
                title=section["title"],
                area=_ref(area),
                goal=_ref(goal),
                owner=section.get("owner") or "",
                leads=section.get("leads") or "",
                status=status,
                start_date=_date(section.get("start_date")),
                target_date=target_date,
                percent_complete=update["percent_complete"] if update else None,
                updated_on=update["date"] if update else None,
                note=update["note"] if update else "",
                state=action_state(status=status, target_date=target_date, as_of=as_of),
            )
        )
    return rows


@dataclass(frozen=True)
class ActionFilters:
    area: int | None = None
    state: str = ""
    owner: str = ""
    sort: str = "number"

    SORT_KEYS = ("number", "title", "area", "owner", "status", "start", "target", "progress", "updated")

    @classmethod
    def from_query(cls, query) -> ActionFilters:
        try:
            area = int(query.get("area", ""))
        except ValueError:
            area = None
        state = query.get("status", "")
        sort = query.get("sort", "number")
        if sort.lstrip("-") not in cls.SORT_KEYS:
            sort = "number"
        return cls(
            area=area,
            state=state if state in STATES else "",
            owner=query.get("owner", "").strip(),
            sort=sort,
        )

    @property
    def active(self) -> bool:
        return bool(self.area or self.state or self.owner)

    def query(self, **changes) -> dict[str, str]:
        """The filters as query parameters, with some changed (for sort links and the CSV link)."""
        values = {"area": self.area or "", "status": self.state, "owner": self.owner, "sort": self.sort}
        values.update(changes)
        return {k: str(v) for k, v in values.items() if v not in ("", None) and not (k == "sort" and v == "number")}


def _sort_value(row: ActionRow, key: str):
    return {
        "number": row.position,
        "title": row.title.casefold(),
        "area": (row.area.title.casefold() if row.area else "", row.position),
        "owner": row.owner.casefold() or None,
        "status": STATE_ORDER.index(row.state.key),
        "start": row.start_date,
        "target": row.target_date,
        "progress": row.percent_complete,
        "updated": row.updated_on,
    }[key]


def filter_actions(rows: Iterable[ActionRow], filters: ActionFilters) -> list[ActionRow]:
    """The rows the filters select, sorted; empty values sort last in either direction."""
    selected = [
        row
        for row in rows
        if (filters.area is None or (row.area is not None and row.area.id == filters.area))
        and (not filters.state or row.state.key == filters.state)
        and (not filters.owner or row.owner.casefold() == filters.owner.casefold())
    ]
    key = filters.sort.lstrip("-")
    descending = filters.sort.startswith("-")
    present = [row for row in selected if _sort_value(row, key) is not None]
    missing = [row for row in selected if _sort_value(row, key) is None]
    present.sort(key=lambda row: (_sort_value(row, key), row.position), reverse=descending)
    return present + missing


@dataclass
class AreaCounts:
    area: SectionRef | None
    counts: list[int]
    total: int

    @property
    def cells(self) -> list[tuple[State, int]]:
        return [(STATES[key], count) for key, count in zip(STATE_ORDER, self.counts, strict=True)]


def state_counts(rows: Iterable[ActionRow]) -> tuple[list[AreaCounts], AreaCounts]:
    """Number of actions in each state, per area (in document order) and in all."""
    per_area: dict[int | None, tuple[SectionRef | None, Counter]] = {}
    overall: Counter = Counter()
    for row in rows:
        key = row.area.id if row.area else None
        per_area.setdefault(key, (row.area, Counter()))[1][row.state.key] += 1
        overall[row.state.key] += 1
    areas = [
        AreaCounts(area, [counter[s] for s in STATE_ORDER], sum(counter.values()))
        for area, counter in per_area.values()
    ]
    return areas, AreaCounts(None, [overall[s] for s in STATE_ORDER], sum(overall.values()))


def area_choices(rows: Iterable[ActionRow]) -> list[SectionRef]:
    seen: dict[int, SectionRef] = {}
    for row in rows:
        if row.area is not None:
            seen.setdefault(row.area.id, row.area)
    return list(seen.values())


def owner_choices(rows: Iterable[ActionRow]) -> list[str]:
    return sorted({row.owner for row in rows if row.owner}, key=str.casefold)


# --- Indicators -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Trend:
    """How the latest public value compares with the one before it, in words and an arrow."""

    change: str  # "up", "down", "flat"
    icon: str
    label: str
    verdict: str  # "improving", "worsening", "steady", ""


@dataclass
class IndicatorRow:
    id: int
    number: str
    anchor: str
    title: str
    body: str
    area: SectionRef | None
    goal: SectionRef | None
    unit: str
    direction: str
    data_source: str
    baseline_value: Decimal | None
    baseline_date: dt.date | None
    target_value: Decimal | None
    target_date: dt.date | None
    measurements: list[PublicMeasurement] = field(default_factory=list)

    @property
    def series(self) -> list[PublicMeasurement]:
        """Measurements of the whole population (no breakdown), oldest first: the charted line."""
        return [m for m in self.measurements if m.is_overall]

    @property
    def breakdowns(self) -> list[PublicMeasurement]:
        return [m for m in self.measurements if not m.is_overall]

    @property
    def latest(self) -> PublicMeasurement | None:
        series = self.series
        return series[-1] if series else None

    @property
    def baseline_display(self) -> str:
        return with_unit(format_number(self.baseline_value), self.unit)

    @property
    def target_display(self) -> str:
        return with_unit(format_number(self.target_value), self.unit)

    @property
    def direction_label(self) -> str:
        return Direction(self.direction).label if self.direction in Direction.values else ""

    @property
    def trend(self) -> Trend | None:
        """Only from two public values: a change next to a suppressed value would hint at it."""
        series = self.series
        if len(series) < 2 or series[-1].suppressed or series[-2].suppressed:
            return None
        previous, latest = series[-2].value, series[-1].value
        if latest > previous:
            change, icon, label = "up", "▲", f"Up from {with_unit(format_number(previous), self.unit)}"
        elif latest < previous:
            change, icon, label = "down", "▼", f"Down from {with_unit(format_number(previous), self.unit)}"
        else:
            change, icon, label = "flat", "▬", "No change"
        wanted = {Direction.INCREASE: "up", Direction.DECREASE: "down", Direction.MAINTAIN: "flat"}.get(self.direction)
        if self.direction == Direction.MAINTAIN:
            # Any small move may be fine for a level to keep: only say so when it holds exactly.
            verdict = "steady" if change == "flat" else ""
        elif wanted is None:
            verdict = ""
        elif change == wanted:
            verdict = "improving"
        else:
            verdict = "worsening" if change != "flat" else "no change"
        return Trend(change, icon, label, verdict)

    @property
    def target_met(self) -> bool | None:
        """Has the latest public value reached the target (in the indicator's direction)?"""
        latest = self.latest
        if latest is None or latest.suppressed or self.target_value is None:
            return None
        if self.direction == Direction.DECREASE:
            return latest.value <= self.target_value
        # Increase, or maintain at least the target level.
        return latest.value >= self.target_value


def indicator_rows(*, plan: Plan, version: PlanVersion, as_of: dt.date) -> list[IndicatorRow]:
    """Every indicator of the version, in document order, with its public measurements up to the date."""
    rows = []
    for section, area, goal in _walk(version.snapshot["sections"]):
        if section["kind"] != NodeKind.INDICATOR:
            continue
        rows.append(
            IndicatorRow(
                id=section.get("id"),
                number=section["number"],
                anchor=section["anchor"],
                title=section["title"],
                body=section.get("body", ""),
                area=_ref(area),
                goal=_ref(goal),
                unit=section.get("unit") or "",
                direction=section.get("direction") or "",
                data_source=section.get("data_source") or "",
                baseline_value=_decimal(section.get("baseline_value")),
                baseline_date=_date(section.get("baseline_date")),
                target_value=_decimal(section.get("target_value")),
                target_date=_date(section.get("target_date")),
            )
        )
    measurements = public_measurements(plan=plan, units={row.id: row.unit for row in rows}, as_of=as_of)
    for row in rows:
        row.measurements = measurements.get(row.id, [])
    return rows


# --- Annual report --------------------------------------------------------------------------


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The first moment of the year and of the next one, in the portal's time zone."""
    tz = timezone.get_current_timezone()
    return dt.datetime(year, 1, 1, tzinfo=tz), dt.datetime(year + 1, 1, 1, tzinfo=tz)


def versions_published_in(plan: Plan, year: int) -> list[PlanVersion]:
    start, end = year_bounds(year)
    versions = list(
        plan.versions.filter(published_at__gte=start, published_at__lt=end)
        .select_related("published_by")
        .defer("snapshot")
        .order_by("published_at")
    )
    for version in versions:
        version.plan = plan
    return versions


def report_years(plan: Plan) -> list[int]:
    """Years with a report: from the first publication to this year, newest first."""
    first = plan.versions.order_by("published_at").values_list("published_at", flat=True).first()
    if first is None:
        return []
    first_year = timezone.localtime(first).year
    return list(range(today().year, first_year - 1, -1))
