"""The figures of a measurement that count people, and when one is small.

Names of dimensions and groups are compared normalised (see `normalise_label`).
"""

from __future__ import annotations

import unicodedata
from decimal import Decimal, InvalidOperation

SMALL, COMPLEMENT = "small", "complement"

# The figures of a measurement that count people ("value" only when the indicator counts people).
FIGURES = ("value", "group_size", "numerator", "denominator")
Cell = frozenset  # of (dimension, group) pairs, normalised; the empty cell is everyone


def normalise_label(text: object) -> str:
    """The form of a dimension or group name that comparisons use.

    "Gender ", "gender" and "GENDER" are one dimension; so are "career  stage" and
    "career stage", full-width and ordinary letters (NFKC), with or without zero-width
    characters.
    """
    text = unicodedata.normalize("NFKC", str(text))
    text = "".join(char for char in text if unicodedata.category(char) != "Cf")
    return unicodedata.normalize("NFKC", " ".join(text.split()).casefold())


def breakdown_cell(breakdown: object) -> Cell:
    """The normalised group of a breakdown: {"Gender ": "Women"} and {"gender": "women"} are one."""
    if not breakdown:
        return frozenset()
    if not isinstance(breakdown, dict):
        breakdown = {"group": breakdown}
    groups: dict[str, set[str]] = {}
    for name, value in breakdown.items():
        groups.setdefault(normalise_label(name), set()).add(normalise_label(value))
    # Two spellings of one dimension with different groups cannot be one group of people: the row
    # keeps both, joined, and so matches nothing else.
    return frozenset((name, " | ".join(sorted(values))) for name, values in groups.items())


def is_small_figure(value: Decimal | int | None, threshold: int) -> bool:
    """A recorded figure about fewer people than the threshold (0 included: "none" is a small count)."""
    return value is not None and abs(Decimal(value)) < threshold


def is_small_group(value: Decimal | int | None, threshold: int) -> bool:
    """A group worked out by subtraction (those not counted, a group left out) of 1 to threshold - 1 people.

    Zero is not a group: a breakdown whose groups add up to the total leaves nobody out.
    """
    return value is not None and 0 < Decimal(value) < threshold


def decimal_or_none(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def people_figures(*, value, group_size, numerator, denominator, counts_people: bool) -> dict[str, Decimal]:
    """The figures of a measurement that are numbers of people, by name."""
    raw = {"value": value if counts_people else None, "group_size": group_size}
    raw |= {"numerator": numerator, "denominator": denominator}
    figures = {name: decimal_or_none(number) for name, number in raw.items()}
    return {name: number for name, number in figures.items() if number is not None}


def figures_are_small(figures: dict[str, Decimal], threshold: int) -> bool:
    """Whether a measurement with these figures is about a small group, on its own."""
    if any(is_small_figure(number, threshold) for number in figures.values()):
        return True
    # "19 of 20" gives away the 1 person not counted.
    if "numerator" in figures and "denominator" in figures:
        return is_small_group(figures["denominator"] - figures["numerator"], threshold)
    return False


def measurement_is_small(*, value, group_size, numerator, denominator, counts_people: bool, threshold: int) -> bool:
    """Whether one measurement, on its own, is about fewer people than the threshold."""
    figures = people_figures(
        value=value, group_size=group_size, numerator=numerator, denominator=denominator, counts_people=counts_people
    )
    return figures_are_small(figures, threshold)
