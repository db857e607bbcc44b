"""What the public may see of measurements: one value object per measurement, hidden ones empty.

Every public surface reads measurements through `public_measurements`, which never hands out
the value, the counts, the source or the note of a hidden one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from plans.models import Plan

from ..models import Measurement, breakdown_label
from .figures import SMALL, is_small_figure
from .rule import hidden_reasons

NOT_SHOWN = "not shown"


def fewer_than(threshold: int) -> str:
    return f"fewer than {threshold}"


def _get(measurement, name: str):
    return measurement.get(name) if isinstance(measurement, dict) else getattr(measurement, name)


@dataclass(frozen=True)
class IndicatorFacts:
    """What the rule needs to know of an indicator besides its measurements, as published."""

    counts_people: bool = True
    baseline_value: Decimal | None = None
    baseline_date: date | None = None
    target_value: Decimal | None = None

    def figure_hidden(self, value: Decimal | None, threshold: int) -> bool:
        """Whether a baseline or target of this indicator is a small count, not to be shown."""
        return self.counts_people and is_small_figure(value, threshold)


def format_number(value: Decimal | int | None) -> str:
    """12.5 -> "12.5", 40.0000 -> "40", 1234567 -> "1234567"; "" for None."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    text = format(value.normalize(), "f")
    return text


def with_unit(text: str, unit: str) -> str:
    if not text or not unit:
        return text
    if unit.strip() == "%":
        return f"{text}%"
    return f"{text} {unit}"


@dataclass(frozen=True)
class PublicMeasurement:
    """What the public may know of one measurement. A suppressed one has no value, counts or note."""

    node_id: int
    period_start: date | None
    period_end: date
    breakdown: dict = field(default_factory=dict)
    value: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    source: str = ""
    note: str = ""
    suppressed: bool = False
    reason: str = ""  # why it is suppressed: SMALL or COMPLEMENT
    threshold: int = 5
    unit: str = ""

    @property
    def breakdown_label(self) -> str:
        return breakdown_label(self.breakdown)

    @property
    def is_overall(self) -> bool:
        return not self.breakdown

    @property
    def period_label(self) -> str:
        if self.period_start and self.period_start != self.period_end:
            return f"{self.period_start.isoformat()} to {self.period_end.isoformat()}"
        return self.period_end.isoformat()

    @property
    def display(self) -> str:
        """The value as the public sees it: "42%", "fewer than 5", or "not shown"."""
        if self.suppressed:
            return fewer_than(self.threshold) if self.reason == SMALL else NOT_SHOWN
        return with_unit(format_number(self.value), self.unit)

    @property
    def fraction(self) -> str:
        if self.suppressed or self.numerator is None or self.denominator is None:
            return ""
        return f"{self.numerator} of {self.denominator}"


def to_public(measurement: Measurement | dict, *, unit: str, threshold: int, reason: str) -> PublicMeasurement:
    """The public view of one measurement (a model instance or a .values() dict), hidden if `reason`."""
    common = {
        "node_id": _get(measurement, "node_id"),
        "period_start": _get(measurement, "period_start"),
        "period_end": _get(measurement, "period_end"),
        "breakdown": dict(_get(measurement, "breakdown") or {}),
        "threshold": threshold,
        "unit": unit,
    }
    if reason:
        return PublicMeasurement(**common, suppressed=True, reason=reason)
    return PublicMeasurement(
        **common,
        value=_get(measurement, "value"),
        numerator=_get(measurement, "numerator"),
        denominator=_get(measurement, "denominator"),
        source=_get(measurement, "source") or "",
        note=_get(measurement, "note") or "",
    )


def public_measurements(
    *,
    plan: Plan,
    units: dict[int, str],
    as_of: date,
    facts: dict[int, IndicatorFacts] | None = None,
) -> dict[int, list[PublicMeasurement]]:
    """Measurements dated on or before `as_of` of the given indicators (id -> unit), by indicator id,
    oldest first, with small groups (and their complements) hidden. One query, whatever the number
    of indicators.

    `facts` gives each indicator's declaration and published baseline (default: it counts people,
    no baseline). What is hidden is decided on every measurement of the indicator, not only those
    up to `as_of`, so that comparing the dashboard on two dates gives nothing away.
    """
    rows = (
        Measurement.objects.filter(node__plan_id=plan.pk)
        .order_by("node_id", "period_end", "period_start", "id")
        .values(
            "id",
            "node_id",
            "period_start",
            "period_end",
            "breakdown",
            "value",
            "numerator",
            "denominator",
            "group_size",
            "source",
            "note",
        )
    )
    threshold = plan.small_count_threshold
    facts = facts or {}
    by_node: dict[int, list[dict]] = {node_id: [] for node_id in units}
    for row in rows:
        if row["node_id"] in by_node:
            by_node[row["node_id"]].append(row)
    result: dict[int, list[PublicMeasurement]] = {}
    for node_id, node_rows in by_node.items():
        unit = units[node_id]
        known = facts.get(node_id, IndicatorFacts())
        reasons = hidden_reasons(
            node_rows,
            threshold=threshold,
            counts_people=known.counts_people,
            baseline_value=known.baseline_value,
            baseline_date=known.baseline_date,
        )
        result[node_id] = [
            to_public(row, unit=unit, threshold=threshold, reason=reason)
            for row, reason in zip(node_rows, reasons, strict=True)
            if row["period_end"] <= as_of
        ]
    return result
