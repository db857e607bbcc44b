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

from plans.models import ActionStatus, NodeKind, Plan, PlanVersion

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
        State(
            "not_started",
            "Not started",
            "○",
            "state-not-started",
            "Proposed or planned, or not yet begun on that day; no work reported yet.",
        ),
        State("deferred", "Deferred", "‖", "state-deferred", "Put off for now, before its target date."),
        State(
            "deferred_late",
            "Deferred (target date passed)",
            "‖",
            "state-deferred",
            "Put off by decision; its target date has passed since.",
        ),
        State("done", "Done", "✓", "state-done", "Completed."),
        State("dropped", "Dropped", "✕", "state-dropped", "Will not be done."),
    )
}
STATE_ORDER = list(STATES)

# Statuses that say work happened. Only a dated record (a progress update, or a version in
# force on the day) can show them; before its start date an action has not begun.
WORK_STATUSES = frozenset({ActionStatus.IN_PROGRESS, ActionStatus.DONE})


def action_state(
    *, status: str, target_date: dt.date | None, as_of: dt.date, start_date: dt.date | None = None
) -> State:
    """The state of an action on `as_of`, from its status then and its dates.

    Before its start date an action is never on track or done: it has not started.
    Deferral is a decision, not a delay: a deferred action is never overdue, but says when
    its target date has passed. Otherwise, past its target date and neither done nor
    dropped, it is overdue.
    """
    if start_date is not None and as_of < start_date and status in WORK_STATUSES:
        status = ActionStatus.PLANNED
    if status == ActionStatus.DONE:
        return STATES["done"]
    if status == ActionStatus.DROPPED:
        return STATES["dropped"]
    late = target_date is not None and target_date < as_of
    if status == ActionStatus.DEFERRED:
        return STATES["deferred_late" if late else "deferred"]
    if late:
        return STATES["overdue"]
    if status == ActionStatus.IN_PROGRESS:
        return STATES["on_track"]
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


def status_then(
    *,
    update: dict[str, Any] | None,
    recorded: str | None,
    in_force: bool,
    start_date: dt.date | None,
    as_of: dt.date,
) -> str:
    """An action's status on `as_of`, from dated records only.

    `update` is its latest progress update dated on or before the day; `recorded` its
    status in the version shown, which is a record of that day only when the version was
    in force then (`in_force`). Without either, the action had not started: proposed if
    the plan records it as proposed, planned otherwise. Deferral and dropping are decisions
    the plan records, kept as it records them; work (in progress, done) needs a dated record.
    """
    if update is not None:
        status = update["status"]
    elif in_force:
        status = recorded or ActionStatus.PROPOSED
    elif recorded in (ActionStatus.PROPOSED, ActionStatus.DEFERRED, ActionStatus.DROPPED):
        status = recorded
    else:
        status = ActionStatus.PLANNED
    if start_date is not None and as_of < start_date and status in WORK_STATUSES:
        return ActionStatus.PLANNED
    return status


def action_rows(*, plan: Plan, version: PlanVersion, as_of: dt.date, in_force: bool | None = None) -> list[ActionRow]:
    """Every action of the version, in document order, with its state on `as_of`.

    What was true that day decides: the latest progress update dated on or before it (by
    its date, not when it was written), else the status in the version if that version
    was in force on the day, else "not started" (see `status_then`); then its start and
    target dates (see `action_state`). `in_force` defaults to whether the version was
    published by the end of `as_of`.
    """
    updates = latest_updates(plan, as_of=as_of)
    if in_force is None:
        in_force = version.published_at is not None and timezone.localdate(version.published_at) <= as_of
    rows = []
    for position, (section, area, goal) in enumerate(_walk(version.snapshot["sections"])):
        if section["kind"] != NodeKind.ACTION:
            continue
        update = updates.get(section.get("id"))
        start_date = _date(section.get("start_date"))
        target_date = _date(section.get("target_date"))
        status = status_then(
            update=update, recorded=section.get("status"), in_force=in_force, start_date=start_date, as_of=as_of
        )
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
                start_date=start_date,
                target_date=target_date,
                percent_complete=update["percent_complete"] if update else None,
                updated_on=update["date"] if update else None,
                note=update["note"] if update else "",
                state=action_state(status=status, target_date=target_date, as_of=as_of, start_date=start_date),
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
