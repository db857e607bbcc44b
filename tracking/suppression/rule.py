"""The small-count rule itself: which measurements of one indicator the public may not see, and why.

See the package docstring for the rule in words. This module works on plain values (model
instances or `.values()` dicts) and never touches the database.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .figures import (
    COMPLEMENT,
    FIGURES,
    SMALL,
    Cell,
    decimal_or_none,
    figures_are_small,
    is_small_figure,
    is_small_group,
)
from .scenes import _cell_key, _Line, _Row, _row, _Scene, _scenes, _size_key

# A group recorded with more dimensions than this ("career stage; gender; country; ...") is not
# checked cell by cell (the number of sub-totals doubles with each): it is hidden outright.
MAX_CHECKED_DIMENSIONS = 6
# How many different values a worked-out figure may take (rows of overlapping periods give
# several) before it is treated as possibly small.
_MAX_CANDIDATES = 64

# --- What a reader can work out ----------------------------------------------------------

_ANY = None  # a worked-out figure with too many possible values to follow
_NONE = object()  # no value at all (a sentinel)


def _combine(terms: Iterable[tuple[int, frozenset | None]]) -> frozenset | None:
    """Every value of sign * term summed over the terms (each term a set of possible values)."""
    totals = {Decimal(0)}
    for sign, values in terms:
        if values is _ANY:
            return _ANY
        totals = {total + sign * value for total in totals for value in values}
        if len(totals) > _MAX_CANDIDATES:
            return _ANY
    return frozenset(totals)


@dataclass
class _Reading:
    """What a reader knows of one figure in one scene: published values, and those worked out.

    `known` holds every value a figure may take, published or worked out (by any relation);
    `derivations` says which relation gave which values, `derived_by` the first one.
    """

    known: dict[Cell, frozenset | None]
    derived_by: dict[Cell, _Line]
    derivations: dict[Cell, dict[int, tuple[_Line, frozenset | None]]]


class _Check:
    """The rule applied to one scene, with the hidden rows so far (which it does not change)."""

    def __init__(self, scene: _Scene, hidden: dict[int, str], threshold: int):
        self.scene = scene
        self.hidden = hidden
        self.threshold = threshold
        self._visible: dict[Cell, list[_Row]] = {}
        self._hidden: dict[Cell, list[_Row]] = {}
        for cell, rows in scene.recorded.items():
            self._visible[cell] = [row for row in rows if not self.is_hidden(row)]
            self._hidden[cell] = [row for row in rows if self.is_hidden(row)]

    def is_hidden(self, row: _Row) -> bool:
        return not row.fixed and row.index in self.hidden

    def visible_rows(self, cell: Cell) -> list[_Row]:
        return self._visible.get(cell, [])

    def hidden_rows(self, cell: Cell) -> list[_Row]:
        return self._hidden.get(cell, [])

    def is_hidden_cell(self, cell: Cell) -> bool:
        return bool(self._hidden.get(cell)) and not self._visible[cell]

    def is_visible_cell(self, cell: Cell) -> bool:
        return bool(self._visible.get(cell))

    def read(self, figure: str) -> _Reading:
        """Peel the additive relations: whenever all but one of a line's cells are known, so is that one.

        The reader assumes every breakdown is complete (the groups add up to their total), the
        most a reader can get out of the published figures. A figure that several relations
        give is known with all the values they give.
        """
        known: dict[Cell, frozenset | None] = {}
        derived_by: dict[Cell, _Line] = {}
        derivations: dict[Cell, dict[int, tuple[_Line, frozenset | None]]] = {}
        if figure not in self.scene.figures:
            return _Reading(known, derived_by, derivations)
        for cell in self.scene.recorded:
            values = frozenset(row.figures[figure] for row in self.visible_rows(cell) if figure in row.figures)
            if values:
                known[cell] = values
        published = set(known)
        lines = self.scene.lines
        queue = deque(range(len(lines)))
        queued = set(queue)
        while queue:
            number = queue.popleft()
            queued.discard(number)
            line = lines[number]
            missing = [cell for cell in line.cells if cell not in known]
            if len(missing) > 1:
                continue
            for target in missing or [cell for cell in line.cells if cell not in published]:
                if target == line.parent:
                    values = _combine((1, known[child]) for child in line.children)
                else:
                    others = [(-1, known[child]) for child in line.children if child != target]
                    values = _combine([(1, known[line.parent]), *others])
                derivations.setdefault(target, {})[id(line)] = (line, values)  # first derived first
                derived_by.setdefault(target, line)
                before = known.get(target, frozenset())
                after = _ANY if before is _ANY or values is _ANY else before | values
                if after is not _ANY and len(after) > _MAX_CANDIDATES:
                    after = _ANY
                if target not in known or after != before:
                    known[target] = after
                    for other in self.scene.lines_of[target]:
                        if other not in queued:
                            queue.append(other)
                            queued.add(other)
        return _Reading(known, derived_by, derivations)

    def _values_besides(self, reading: _Reading, cell: Cell, line: _Line):
        """The values of a cell's figure that the reader has from anything but `line` (_NONE if none)."""
        if cell not in reading.derivations:
            return reading.known[cell]
        found = [values for key, (_, values) in reading.derivations[cell].items() if key != id(line)]
        if not found:
            return _NONE
        return _ANY if any(values is _ANY for values in found) else frozenset().union(*found)

    # --- remedies ---

    def complement(self, line: _Line, *, exclude: Cell | None, reading: _Reading | None, parent: bool = True):
        """The row to hide so that `line` gives nothing away: its smallest visible group (ties: the older
        row), else its total, else the smallest row behind a figure worked out for the line."""
        rows = [row for cell in line.children if cell != exclude for row in self.visible_rows(cell)]
        rows = [row for row in rows if not row.fixed]
        if not rows and parent and line.parent != exclude:
            rows = [row for row in self.visible_rows(line.parent) if not row.fixed]
        if rows:
            return min(rows, key=_size_key)
        if reading is not None:
            for cell in line.cells:
                if cell != exclude and cell in reading.derived_by and reading.derived_by[cell] is not line:
                    found = self._behind(cell, reading, {id(line)})
                    if found is not None:
                        return found
        return None

    def _behind(self, cell: Cell, reading: _Reading, seen: set[int]):
        line = reading.derived_by[cell]
        if id(line) in seen:
            return None
        seen.add(id(line))
        rows = [row for other in line.cells if other != cell for row in self.visible_rows(other) if not row.fixed]
        if rows:
            return min(rows, key=_size_key)
        for other in line.cells:
            if other != cell and other in reading.derived_by:
                found = self._behind(other, reading, seen)
                if found is not None:
                    return found
        return None

    # --- the findings, in a fixed order ---

    def problems(self) -> Iterator[tuple[list[_Row], str]]:
        """The rows to hide next (and why), one proposal at a time, most basic first."""
        threshold = self.threshold
        # 1. Two rows of one group for the same period are one figure: both shown or both hidden.
        for cell in sorted(self.scene.recorded, key=_cell_key):
            hidden, visible = self.hidden_rows(cell), [r for r in self.visible_rows(cell) if not r.fixed]
            if hidden and visible:
                yield visible, COMPLEMENT
        if not self.scene.lines:
            return  # one group alone (a series of totals, say): nothing adds up to anything
        # 2. Within each line of groups, a hidden group is never the only one hidden, and the hidden
        #    ones together never hold fewer people than the threshold: the total may be known. First
        #    against the groups shown; then (below) against those a reader works out too.
        yield from self._lines_of_groups({})
        readings = {figure: self.read(figure) for figure in FIGURES}
        yield from self._lines_of_groups(readings)
        # 3. What a reader can work out from the published figures, one figure at a time.
        for figure, reading in readings.items():
            yield from self._worked_out(figure, reading)
        # 4. "20 of 20" is shown, but a numerator or denominator worked out can give "19 of 20" away.
        numerators, denominators = readings["numerator"].known, readings["denominator"].known
        for cell in sorted(self.scene.recorded, key=_cell_key):
            if not self.is_visible_cell(cell) or cell not in numerators or cell not in denominators:
                continue
            if cell not in readings["numerator"].derived_by and cell not in readings["denominator"].derived_by:
                continue
            rest = _combine([(1, denominators[cell]), (-1, numerators[cell])])
            if rest is _ANY or any(is_small_group(value, threshold) for value in rest):
                yield [row for row in self.visible_rows(cell) if not row.fixed], SMALL

    def _lines_of_groups(self, readings: dict[str, _Reading]) -> Iterator[tuple[list[_Row], str]]:
        threshold = self.threshold
        derivable = {cell for reading in readings.values() for cell in reading.derived_by}
        for line in self.scene.lines:
            hidden = [cell for cell in line.children if self.is_hidden_cell(cell)]
            if not hidden:
                continue
            known = [
                cell
                for cell in line.children
                if cell not in hidden and (self.is_visible_cell(cell) or cell in derivable)
            ]
            if not known:
                continue
            together_small = any(
                all(figure in row.figures for cell in hidden for row in self.hidden_rows(cell))
                and sum(min(row.figures[figure] for row in self.hidden_rows(cell)) for cell in hidden) < threshold
                for figure in FIGURES
            )
            if len(hidden) == 1 or together_small:
                row = self.complement(line, exclude=None, reading=None, parent=False)
                if row is None:
                    for cell in known:
                        if cell in derivable:
                            reading = next(r for r in readings.values() if cell in r.derived_by)
                            row = self._behind(cell, reading, set())
                            if row is not None:
                                break
                if row is not None:
                    yield [row], COMPLEMENT

    def _worked_out(self, figure: str, reading: _Reading) -> Iterator[tuple[list[_Row], str]]:
        threshold = self.threshold
        known = reading.known
        # In the order they were worked out: what gives the others away is fixed first.
        for cell in reading.derivations:
            for line, values in reading.derivations[cell].values():
                if self.is_hidden_cell(cell):
                    # A hidden figure worked out exactly (a complement too: it then protects nothing),
                    # or worked out as a small number (the group with anyone left out is small).
                    actual = {row.figures[figure] for row in self.hidden_rows(cell) if figure in row.figures}
                    if values is _ANY or values & actual or any(is_small_figure(v, threshold) for v in values):
                        row = self.complement(line, exclude=cell, reading=reading)
                        if row is not None:
                            yield [row], COMPLEMENT
                elif self.is_visible_cell(cell):
                    # A shown measurement without this figure, whose figure turns out to be small.
                    if values is _ANY or any(is_small_figure(value, threshold) for value in values):
                        yield [row for row in self.visible_rows(cell) if not row.fixed], SMALL
                elif values is _ANY or any(is_small_group(value, threshold) for value in values):
                    # A total nobody recorded (postdocs, from postdoc women and men) that is small.
                    row = self.complement(line, exclude=cell, reading=reading)
                    if row is not None:
                        yield [row], COMPLEMENT
        for line in self.scene.lines:
            if line.parent not in known:
                continue
            unknown = [cell for cell in line.children if cell not in known]
            rest = _combine([(1, known[line.parent]), *((-1, known[c]) for c in line.children if c in known)])
            if not unknown:
                # Everyone the recorded groups leave out, worked out: never a small group. Figures this
                # line itself gave leave nobody out, so only what other relations give counts.
                values = {cell: self._values_besides(reading, cell, line) for cell in line.cells}
                if any(value is _NONE for value in values.values()):
                    continue
                rest = _combine([(1, values[line.parent]), *((-1, values[c]) for c in line.children)])
                if rest is _ANY or any(is_small_group(value, threshold) for value in rest):
                    row = self.complement(line, exclude=None, reading=reading)
                    if row is not None:
                        yield [row], COMPLEMENT
            elif len(unknown) >= 2:
                # The groups not known, together (with anyone left out): never fewer than the threshold.
                hidden_here = any(self.is_hidden_cell(cell) for cell in unknown)
                if rest is _ANY or any(
                    is_small_group(value, threshold) or (value == 0 and hidden_here) for value in rest
                ):
                    row = self.complement(line, exclude=None, reading=reading)
                    if row is not None:
                        yield [row], COMPLEMENT


def hidden_reasons(
    measurements: Sequence,
    *,
    threshold: int,
    counts_people: bool = True,
    baseline_value: Decimal | None = None,
    baseline_date: date | None = None,
) -> list[str]:
    """Why each measurement of ONE indicator is hidden from the public: SMALL, COMPLEMENT or "".

    `measurements` are model instances or `.values()` dicts of every measurement of the
    indicator (whatever date the page is shown "as of": the same rows are hidden on every
    view). The baseline, published with the plan, is a known total on its date. The result
    does not depend on the order of `measurements`.
    """
    rows = [_row(index, measurement, counts_people) for index, measurement in enumerate(measurements)]
    rows.sort(key=lambda row: row.order)
    hidden: dict[int, str] = {}
    checked: list[_Row] = []
    for row in rows:
        if figures_are_small(row.figures, threshold):
            hidden[row.index] = SMALL
        if len(row.cell) > MAX_CHECKED_DIMENSIONS:
            hidden.setdefault(row.index, COMPLEMENT)
        else:
            checked.append(row)
    if counts_people and baseline_value is not None and baseline_date is not None:
        value = decimal_or_none(baseline_value)
        if value is not None:
            baseline = _Row(-1, (), frozenset(), baseline_date, baseline_date, {"value": value}, value, fixed=True)
            checked.append(baseline)
    scenes = _scenes(checked)
    scenes_of: dict[int, list[int]] = {}
    for number, scene in enumerate(scenes):
        for row in scene.rows:
            scenes_of.setdefault(row.index, []).append(number)
    pending = set(range(len(scenes)))
    while pending:
        number = min(pending)
        pending.discard(number)
        while True:
            check = _Check(scenes[number], hidden, threshold)
            proposal = next(
                ((found, reason) for found, reason in check.problems() if any(not check.is_hidden(r) for r in found)),
                None,
            )
            if proposal is None:
                break
            found, reason = proposal
            for row in found:
                if not check.is_hidden(row):
                    hidden[row.index] = reason
                    pending.update(other for other in scenes_of.get(row.index, ()) if other != number)
    return [hidden.get(index, "") for index in range(len(measurements))]
