"""Measurements as the rule reads them: rows with normalised groups, in scenes of one period.

A scene holds the measurements whose periods share a day, and every additive relation
(line) between their groups: a total and its groups along some dimensions.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .figures import Cell, breakdown_cell, decimal_or_none, people_figures


@dataclass(eq=False)
class _Row:
    index: int  # position in the caller's list; -1 for the baseline
    order: tuple  # a total order independent of the caller's: ties go to the older row
    cell: Cell
    start: date
    end: date
    figures: dict[str, Decimal]
    size: Decimal | None
    fixed: bool = False  # published elsewhere (the plan's baseline): known to every reader, never hidden


def _get(measurement, name: str):
    if isinstance(measurement, dict):
        return measurement.get(name)
    return getattr(measurement, name, None)


def _row(index: int, measurement, counts_people: bool) -> _Row:
    end = _get(measurement, "period_end") or date.min
    start = _get(measurement, "period_start") or end
    start = min(start, end)
    cell = breakdown_cell(_get(measurement, "breakdown"))
    figures = people_figures(
        value=_get(measurement, "value"),
        group_size=_get(measurement, "group_size"),
        numerator=_get(measurement, "numerator"),
        denominator=_get(measurement, "denominator"),
        counts_people=counts_people,
    )
    value = decimal_or_none(_get(measurement, "value"))
    size = next((figures[name] for name in ("group_size", "denominator", "value") if name in figures), value)
    order = (
        _get(measurement, "id") or 0,
        end,
        start,
        tuple(sorted(cell)),
        value if value is not None else Decimal(0),
        tuple(sorted(figures.items())),
    )
    return _Row(index=index, order=order, cell=cell, start=start, end=end, figures=figures, size=size)


def _size_key(row: _Row) -> tuple:
    return (row.size is None, row.size if row.size is not None else 0, row.order)


def _cell_key(cell: Cell) -> tuple:
    return (len(cell), tuple(sorted(cell)))


def _sub_cells(cell: Cell) -> Iterator[Cell]:
    """Every cell the group lies in: itself, and each set of fewer of its dimensions (down to everyone)."""
    items = sorted(cell)
    for size in range(len(items) + 1):
        for chosen in itertools.combinations(items, size):
            yield frozenset(chosen)


@dataclass(eq=False)
class _Line:
    """An additive relation: the parent cell holds the children cells (its groups along `dimensions`)."""

    parent: Cell
    dimensions: frozenset
    children: tuple[Cell, ...]
    cells: tuple[Cell, ...] = ()  # the children, then the parent

    def __post_init__(self) -> None:
        self.cells = (*self.children, self.parent)


@dataclass(eq=False)
class _Scene:
    """The measurements whose periods share one day: to a reader they describe the same period."""

    rows: list[_Row]
    recorded: dict[Cell, list[_Row]] = field(default_factory=dict)
    lines: list[_Line] = field(default_factory=list)
    lines_of: dict[Cell, list[int]] = field(default_factory=dict)  # the lines each cell is in
    figures: set[str] = field(default_factory=set)  # the figures some row of the scene has

    def __post_init__(self) -> None:
        for row in self.rows:
            self.recorded.setdefault(row.cell, []).append(row)
        cells: set[Cell] = set()
        for cell in self.recorded:
            cells.update(_sub_cells(cell))
        children: dict[tuple[Cell, frozenset], list[Cell]] = {}
        for cell in cells:
            dimensions = {name for name, _ in cell}
            for parent in _sub_cells(cell):
                if parent != cell:
                    key = (parent, frozenset(dimensions - {name for name, _ in parent}))
                    children.setdefault(key, []).append(cell)
        self.lines = [
            _Line(parent, dims, tuple(sorted(found, key=_cell_key)))
            for (parent, dims), found in sorted(
                children.items(), key=lambda item: (_cell_key(item[0][0]), sorted(item[0][1]))
            )
        ]
        for number, line in enumerate(self.lines):
            for cell in line.cells:
                self.lines_of.setdefault(cell, []).append(number)
        self.figures = {name for row in self.rows for name in row.figures}


def _scenes(rows: Sequence[_Row]) -> list[_Scene]:
    """One scene per day on which a period starts, with every row whose period holds that day.

    Periods that share a day share the first day of one of them, so these scenes hold every
    group of mutually overlapping periods. Scenes with the same rows are kept once.
    """
    scenes: list[_Scene] = []
    seen: set[frozenset] = set()
    by_start = sorted(rows, key=lambda row: row.start)
    active: list[_Row] = []
    next_row = 0
    for day in sorted({row.start for row in rows}):
        while next_row < len(by_start) and by_start[next_row].start <= day:
            active.append(by_start[next_row])
            next_row += 1
        active = [row for row in active if row.end >= day]
        members = sorted(active, key=lambda row: row.order)
        key = frozenset(id(row) for row in members)
        if key not in seen:
            seen.add(key)
            scenes.append(_Scene(members))
    return scenes
