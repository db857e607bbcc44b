"""Indicators of a published version with their public measurements, trend and target."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from plans.models import Direction, NodeKind, Plan, PlanVersion

from ..suppression import IndicatorFacts, PublicMeasurement, fewer_than, format_number, public_measurements, with_unit
from .sections import SectionRef, _date, _decimal, _ref, _walk


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
    counts_people: bool = True
    # A baseline or target that is a small count is not shown: its value above is then None.
    baseline_hidden: bool = False
    target_hidden: bool = False
    threshold: int = 5

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
        if self.baseline_hidden:
            return fewer_than(self.threshold)
        return with_unit(format_number(self.baseline_value), self.unit)

    @property
    def target_display(self) -> str:
        if self.target_hidden:
            return fewer_than(self.threshold)
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
    """Every indicator of the version, in document order, with its public measurements up to the date.

    Baselines and targets that are small counts come with value None (and `baseline_hidden` /
    `target_hidden` set); the published baseline also counts, in the rule, as a known total.
    """
    threshold = plan.small_count_threshold
    rows = []
    facts: dict[int, IndicatorFacts] = {}
    for section, area, goal in _walk(version.snapshot["sections"]):
        if section["kind"] != NodeKind.INDICATOR:
            continue
        # Snapshots published before indicators declared it say nothing: they count people.
        known = IndicatorFacts(
            counts_people=section.get("counts_people", True) is not False,
            baseline_value=_decimal(section.get("baseline_value")),
            baseline_date=_date(section.get("baseline_date")),
            target_value=_decimal(section.get("target_value")),
        )
        facts[section.get("id")] = known
        baseline_hidden = known.figure_hidden(known.baseline_value, threshold)
        target_hidden = known.figure_hidden(known.target_value, threshold)
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
                baseline_value=None if baseline_hidden else known.baseline_value,
                baseline_date=known.baseline_date,
                target_value=None if target_hidden else known.target_value,
                target_date=_date(section.get("target_date")),
                counts_people=known.counts_people,
                baseline_hidden=baseline_hidden,
                target_hidden=target_hidden,
                threshold=threshold,
            )
        )
    measurements = public_measurements(plan=plan, units={row.id: row.unit for row in rows}, as_of=as_of, facts=facts)
    for row in rows:
        row.measurements = measurements.get(row.id, [])
    return rows
