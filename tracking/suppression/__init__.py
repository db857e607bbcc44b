"""Small-count suppression: the ONE place that decides what of a measurement the public may see.

The rule, as the committee's help texts state it: no public surface (dashboard pages, SVG
charts, CSV and JSON exports, annual reports, and whatever else shows measurements: PDF,
feeds, search snippets, comparisons) shows, or lets a reader work out by adding and
subtracting what it shows, any number about fewer people than the plan's small-count
threshold (Plan.small_count_threshold, 5 by default).

What counts people. The figures of a measurement are its group size, numerator and
denominator, and its value when the indicator is declared to count people
(Node.counts_people, yes unless the committee unticks it; never guessed from the unit). A
recorded figure below the threshold, zero included, is small; so is "19 of 20" (the one
person not counted). A small measurement is hidden whole: value, counts, source and note.
The indicator's baseline and target are checked the same way (and, being part of the
plan's text, a small one is refused when the committee enters it).

Which figures add up. Breakdowns are compared after normalising their dimensions and
groups (Unicode NFKC, case, spaces inside and around, zero-width characters):
"gender=men" and "Gender = Men" are one group. Measurements whose periods share at least
one day describe the same period (a group recorded on one date beside a total for the
year holding it). For every such set, every total equals the sum of its groups along any
dimensions ("everyone" = postdocs + students = the four career-stage-and-gender cells),
whether or not the total was recorded, and a group missing from a breakdown is the total
minus the recorded groups. The baseline is a known total on its date.

What is hidden besides small measurements ("complement" suppression). The rule reads the
published figures as a reader would, assuming every breakdown complete, and hides more
until none of these holds:
  - a hidden figure can be worked out (a relation in which all else is known);
  - a shown measurement's missing figure, or a total nobody recorded, works out small;
  - the people a breakdown leaves out (total minus its groups) are 1 to threshold - 1;
  - the groups of a relation that are not known together hold fewer than the threshold;
  - in a line of groups, a hidden group is the only one hidden, or the hidden ones hold
    fewer people together than the threshold (the line's total may be known elsewhere);
  - two measurements of one group for the same period differ in being shown.
Each step hides the smallest visible group of the relation at fault (ties go to the older
row), repeating until nothing changes; the result does not depend on the order the
measurements come in, and it is decided on all of an indicator's measurements, so that
the dashboard shown "as of" two dates gives nothing away either.

Code that draws or exports reads `public_measurements` and cannot leak what it never receives.
"""

from .figures import (
    COMPLEMENT,
    FIGURES,
    SMALL,
    breakdown_cell,
    is_small_figure,
    is_small_group,
    measurement_is_small,
    normalise_label,
)
from .public import (
    NOT_SHOWN,
    IndicatorFacts,
    PublicMeasurement,
    fewer_than,
    format_number,
    public_measurements,
    to_public,
    with_unit,
)
from .rule import hidden_reasons

__all__ = [
    "COMPLEMENT",
    "FIGURES",
    "NOT_SHOWN",
    "SMALL",
    "IndicatorFacts",
    "PublicMeasurement",
    "breakdown_cell",
    "fewer_than",
    "format_number",
    "hidden_reasons",
    "is_small_figure",
    "is_small_group",
    "measurement_is_small",
    "normalise_label",
    "public_measurements",
    "to_public",
    "with_unit",
]
