"""Actions of a published version with their live progress: derived state, filters, sort, counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from plans.models import ActionStatus, Node, NodeKind, Plan, PlanVersion

from ..models import ProgressUpdate
from .sections import SectionRef, _date, _ref, _walk

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


def recorded_statuses(plan: Plan, *, as_of: dt.date) -> dict[int, str]:
    """Each action's status as recorded in its history at the end of `as_of`, by node id (one query)."""
    end = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone())
    rows = (
        Node.history.filter(plan_id=plan.pk, kind=NodeKind.ACTION, history_date__lt=end)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("id")],
                order_by=[F("history_date").desc(), F("history_id").desc()],
            )
        )
        .filter(rank=1)
        .values_list("id", "status")
    )
    return dict(rows)


def action_rows(*, plan: Plan, version: PlanVersion, as_of: dt.date) -> list[ActionRow]:
    """Every action of the version, in document order, with its status as of the date.

    The status is that of the latest progress update dated on or before the date. Without
    one, it is the status in the version; but if the version was published after the date,
    its status may already follow later updates, so the action's recorded history says
    what its status was then.
    """
    updates = latest_updates(plan, as_of=as_of)
    then: dict[int, str] = {}
    if version.published_at is not None and as_of < timezone.localdate(version.published_at):
        then = recorded_statuses(plan, as_of=as_of)
    rows = []
    for position, (section, area, goal) in enumerate(_walk(version.snapshot["sections"])):
        if section["kind"] != NodeKind.ACTION:
            continue
        update = updates.get(section.get("id"))
        if update:
            status = update["status"]
        else:
            status = then.get(section.get("id")) or section.get("status") or ActionStatus.PROPOSED
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


# What each sort key orders the rows by; None sorts last.
SORT_VALUES: dict[str, Callable[[ActionRow], Any]] = {
    "number": lambda row: row.position,
    "title": lambda row: row.title.casefold(),
    "area": lambda row: (row.area.title.casefold() if row.area else "", row.position),
    "owner": lambda row: row.owner.casefold() or None,
    "status": lambda row: STATE_ORDER.index(row.state.key),
    "start": lambda row: row.start_date,
    "target": lambda row: row.target_date,
    "progress": lambda row: row.percent_complete,
    "updated": lambda row: row.updated_on,
}


@dataclass(frozen=True)
class ActionFilters:
    area: int | None = None
    state: str = ""
    owner: str = ""
    sort: str = "number"

    SORT_KEYS = tuple(SORT_VALUES)

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


def filter_actions(rows: Iterable[ActionRow], filters: ActionFilters) -> list[ActionRow]:
    """The rows the filters select, sorted; empty values sort last in either direction."""
    selected = [
        row
        for row in rows
        if (filters.area is None or (row.area is not None and row.area.id == filters.area))
        and (not filters.state or row.state.key == filters.state)
        and (not filters.owner or row.owner.casefold() == filters.owner.casefold())
    ]
    sort_value = SORT_VALUES[filters.sort.lstrip("-")]
    keyed = [(sort_value(row), row) for row in selected]
    present = [(value, row) for value, row in keyed if value is not None]
    missing = [row for value, row in keyed if value is None]
    present.sort(key=lambda pair: (pair[0], pair[1].position), reverse=filters.sort.startswith("-"))
    return [row for _, row in present] + missing


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
