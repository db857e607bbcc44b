"""Small-count suppression: the ONE place that decides what of a measurement the public may see.

Every public surface (dashboard pages, SVG charts, CSV exports, annual reports) reads
measurements through `public_measurements`, which never hands out the value, the counts
or the note of a measurement whose group is smaller than the plan's threshold. Code that
draws or exports cannot leak what it never receives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from plans.models import Plan

from .models import Measurement, breakdown_label

# Units that count people: a value in such a unit is itself the size of a group.
_PEOPLE_WORDS = re.compile(
    r"\b(people|persons?|individuals?|members?|headcount|participants?|staff|students?|"
    r"postdocs?|researchers?|scientists?|employees?|hires?|mentors?|mentees?|attendees?|"
    r"speakers?|conveners?|women|men|faculty|fellows?|applicants?|recipients?|nominees?)\b",
    re.IGNORECASE,
)
_NOT_A_COUNT = re.compile(r"%|\bper ?cent|\bpercentage|\bshare\b|\bratio\b|\brate\b|\bfraction\b", re.IGNORECASE)


def unit_counts_people(unit: str) -> bool:
    """Is a value in this unit a number of people ("people", "postdocs per year"), not a share of them?"""
    unit = (unit or "").strip()
    return bool(unit) and not _NOT_A_COUNT.search(unit) and bool(_PEOPLE_WORDS.search(unit))


def group_count(*, value: Decimal | None, group_size: int | None, denominator: int | None, unit: str):
    """How many people the measured group holds, as far as we can tell; None if unknown."""
    if group_size is not None:
        return group_size
    if denominator is not None:
        return denominator
    if value is not None and unit_counts_people(unit):
        return value
    return None


def is_suppressed(*, value, group_size, denominator, unit: str, threshold: int) -> bool:
    """True when the measured group is known to be smaller than the threshold."""
    count = group_count(value=value, group_size=group_size, denominator=denominator, unit=unit)
    return count is not None and count < threshold


def fewer_than(threshold: int) -> str:
    return f"fewer than {threshold}"


NOT_SHOWN = "not shown"
SMALL, COMPLEMENT = "small", "complement"


def _get(measurement, name: str):
    return measurement.get(name) if isinstance(measurement, dict) else getattr(measurement, name)


def hidden_reasons(measurements: list, *, unit: str, threshold: int) -> list[str]:
    """Why each measurement of ONE indicator is hidden from the public: "small", "complement" or "".

    "small": its group has fewer people than the threshold. "complement": hidden so that
    no small group can be worked out by subtraction. Groups of one period that differ in
    one breakdown only (postdoc and student; or postdoc women and postdoc men) add up to
    a total that may be published; in each such line, when exactly one value is hidden,
    or the hidden ones hold fewer people together than the threshold, the smallest
    visible value is hidden too, until no line gives a hidden value away.
    """

    def count(m):
        return group_count(
            value=_get(m, "value"), group_size=_get(m, "group_size"), denominator=_get(m, "denominator"), unit=unit
        )

    counts = [count(m) for m in measurements]
    reasons = [SMALL if c is not None and c < threshold else "" for c in counts]
    lines: dict[tuple, list[int]] = {}
    for index, m in enumerate(measurements):
        breakdown = _get(m, "breakdown") or {}
        for name in breakdown:
            rest = frozenset((k, str(v)) for k, v in breakdown.items() if k != name)
            key = (_get(m, "period_start"), _get(m, "period_end"), frozenset(breakdown), name, rest)
            lines.setdefault(key, []).append(index)

    def size(i: int):
        # Ties go to the older row, whatever the order given: the committee's page (newest
        # first) must mark as hidden the same row the public pages (oldest first) hide.
        count = counts[i] if counts[i] is not None else _get(measurements[i], "value")
        return (count, _get(measurements[i], "id") or 0)

    changed = True
    while changed:
        changed = False
        for indexes in lines.values():
            hidden = [i for i in indexes if reasons[i]]
            visible = [i for i in indexes if not reasons[i]]
            if not hidden or not visible:
                continue
            hidden_counts = [counts[i] for i in hidden]
            together_small = None not in hidden_counts and sum(hidden_counts) < threshold
            if len(hidden) == 1 or together_small:
                reasons[min(visible, key=size)] = COMPLEMENT
                changed = True
    return reasons


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


def public_measurements(*, plan: Plan, units: dict[int, str], as_of: date) -> dict[int, list[PublicMeasurement]]:
    """Measurements dated on or before `as_of` of the given indicators (id -> unit), by indicator id,
    oldest first, with small groups (and their complements) hidden. One query, whatever the number
    of indicators."""
    rows = (
        Measurement.objects.filter(node__plan_id=plan.pk, period_end__lte=as_of)
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
    by_node: dict[int, list[dict]] = {node_id: [] for node_id in units}
    for row in rows:
        if row["node_id"] in by_node:
            by_node[row["node_id"]].append(row)
    result: dict[int, list[PublicMeasurement]] = {}
    for node_id, node_rows in by_node.items():
        unit = units[node_id]
        reasons = hidden_reasons(node_rows, unit=unit, threshold=threshold)
        result[node_id] = [
            to_public(row, unit=unit, threshold=threshold, reason=reason)
            for row, reason in zip(node_rows, reasons, strict=True)
        ]
    return result
