"""The small-count rule against each way a small group leaked (issue 13), one example each.

Each test gives the measurements of one indicator and says which the public may not see, and
why; the last ones check the same through the public pages and exports.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from tracking.services import measurement_record
from tracking.suppression import breakdown_cell, hidden_reasons, normalise_label

from .conftest import node

DAY = dt.date(2025, 6, 30)
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def m(value, breakdown=None, *, end=DAY, start=None, **counts) -> dict:
    return {
        "period_start": start,
        "period_end": end,
        "breakdown": breakdown or {},
        "value": Decimal(value),
        "group_size": counts.get("group_size"),
        "numerator": counts.get("numerator"),
        "denominator": counts.get("denominator"),
    }


def reasons(rows, *, counts_people=True, threshold=5, **baseline) -> list[str]:
    for number, row in enumerate(rows, start=1):
        row.setdefault("id", number)
    return hidden_reasons(rows, threshold=threshold, counts_people=counts_people, **baseline)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gender", "Gender "),
        ("career stage", "Career  Stage"),
        ("gender", "\uff27\uff25\uff2e\uff24\uff25\uff32"),  # GENDER in full-width letters
        ("gender", "gen\u200bder"),  # a zero-width space pasted from a web page
    ],
)
def test_dimension_names_are_compared_normalised(a, b):
    assert normalise_label(a) == normalise_label(b)
    assert breakdown_cell({a: "Men"}) == breakdown_cell({b: " men"})


def test_groups_spelt_differently_are_one_breakdown():
    # Before: "gender" and "Gender " were two dimensions, so 20 - 17 gave the 3 women away.
    rows = [m(20), m(17, {"gender": "men"}), m(3, {"Gender ": "Women"})]

    assert reasons(rows) == ["", "complement", "small"]


def test_a_group_on_one_date_is_compared_with_the_total_for_the_year_holding_it():
    rows = [m(20, start=YEAR[0], end=YEAR[1]), m(3, {"gender": "women"}), m(17, {"gender": "men"})]

    assert reasons(rows) == ["", "small", "complement"]


def test_periods_that_do_not_overlap_are_not_compared():
    rows = [m(20, end=dt.date(2024, 12, 31)), m(3, {"gender": "women"}), m(17, {"gender": "men"})]

    # The men's 17 is hidden all the same: beside a hidden group, it would give it away with any total.
    assert reasons(rows) == ["", "small", "complement"]
    assert reasons([rows[0], rows[2]]) == ["", ""]


def test_the_group_left_out_of_a_breakdown_is_the_total_minus_the_groups():
    # 20 - 8 - 10: two people are in neither group, and would be told apart from the rest.
    rows = [m(20), m(8, {"gender": "women"}), m(10, {"gender": "men"})]

    assert reasons(rows) == ["", "complement", "complement"]


def test_a_breakdown_that_adds_up_leaves_nobody_out():
    rows = [m(20), m(8, {"gender": "women"}), m(12, {"gender": "men"})]

    assert reasons(rows) == ["", "", ""]


def test_a_total_with_one_small_group_and_nothing_else_stays_shown():
    # The 20 and "fewer than 5 women" say nothing more about the women.
    assert reasons([m(20), m(3, {"gender": "women"})]) == ["", "small"]


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ({"numerator": 2, "denominator": 20}, "small"),  # 2 of 20: the denominator is large, the 2 are not
        ({"numerator": 19, "denominator": 20}, "small"),  # 19 of 20: the one not counted
        ({"numerator": 20, "denominator": 20}, ""),
        ({"numerator": 8, "denominator": 20}, ""),
        ({"group_size": 40, "denominator": 4, "numerator": 2}, "small"),  # 2 of 4 respondents
    ],
)
def test_numerators_and_denominators_are_checked_like_values(counts, hidden):
    share = Decimal(100) * counts["numerator"] / counts["denominator"]

    assert reasons([m(share.quantize(Decimal("0.1")), **counts)], counts_people=False) == [hidden]


def test_a_percentage_is_not_a_count_unless_the_indicator_counts_people():
    assert reasons([m(3)], counts_people=False) == [""]
    assert reasons([m(3)], counts_people=True) == ["small"]


def test_numerators_add_up_across_groups_too():
    # 12 women postdocs in all; 10 of them are students: the 2 seniors among them would show.
    rows = [
        m(30, numerator=12, denominator=40),
        m(25, {"career stage": "student"}, numerator=10, denominator=30),
        m(20, {"career stage": "senior"}, numerator=2, denominator=10),
    ]

    assert reasons(rows, counts_people=False) == ["", "complement", "small"]


def test_a_shown_share_whose_group_size_works_out_small_is_hidden():
    # 40 people in all, 37 men: the women's 45% is of 3 people, though their group size is not given.
    rows = [m(30, group_size=40), m(45, {"gender": "women"}), m(29, {"gender": "men"}, group_size=37)]

    assert reasons(rows, counts_people=False) == ["", "small", "complement"]


def test_a_total_nobody_recorded_is_not_given_away_small():
    # 40 - 37 students = 3 postdocs, though no row says how many postdocs there are.
    rows = [
        m(40),
        m(37, {"career stage": "student"}),
        m(2, {"career stage": "postdoc", "gender": "woman"}),
        m(1, {"career stage": "postdoc", "gender": "man"}),
    ]

    assert reasons(rows) == ["", "complement", "small", "small"]


def test_a_complement_is_not_given_away_by_the_groups_under_it():
    # Hiding the 11 students protects the 3 seniors only if 6 + 5 student women and men do not add up to 11.
    rows = [
        m(44),
        m(3, {"career stage": "senior"}),
        m(30, {"career stage": "postdoc"}),
        m(11, {"career stage": "student"}),
        m(6, {"career stage": "student", "gender": "woman"}),
        m(5, {"career stage": "student", "gender": "man"}),
    ]

    assert reasons(rows) == ["", "small", "", "complement", "complement", "complement"]


def test_two_values_of_one_group_for_the_same_period_are_hidden_together():
    rows = [m(10, {"gender": "women"}, start=YEAR[0], end=YEAR[1]), m(3, {"gender": "women"})]

    assert reasons(rows) == ["complement", "small"]


def test_the_published_baseline_counts_as_a_known_total():
    rows = [m(3, {"gender": "women"}), m(17, {"gender": "men"})]

    assert reasons(rows, baseline_value=Decimal(20), baseline_date=DAY) == ["small", "complement"]


def test_ties_go_to_the_older_row_whatever_the_order():
    rows = [m(3, {"s": "senior"}), m(20, {"s": "postdoc"}), m(20, {"s": "student"})]
    for number, row in enumerate(rows, start=1):
        row["id"] = number

    assert reasons(rows) == ["small", "complement", ""]
    assert hidden_reasons(rows[::-1], threshold=5) == ["", "complement", "small"]


def test_a_zero_threshold_hides_nothing():
    assert reasons([m(0), m(1, {"g": "a"})], threshold=0) == ["", ""]


# --- The same through the public surfaces -------------------------------------------------


def csv_values(client, plan, **query) -> dict[str, str]:
    url = reverse("tracking:indicators_csv", args=[plan.slug])
    response = client.get(url, query)
    return {row["group"]: row["value"] for row in csv.DictReader(io.StringIO(response.text))}


def json_measurements(client, plan, **query) -> list[dict]:
    data = client.get(reverse("tracking:indicators_json", args=[plan.slug]), query).json()
    return [m for indicator in data["indicators"] for m in indicator["measurements"]]


@pytest.mark.django_db
def test_differently_spelt_groups_are_hidden_together_on_every_surface(client, tracked_plan, editor):
    mentored = node(tracked_plan, "Postdocs mentored")
    end = dt.date(2025, 12, 31)
    for breakdown, people in (({}, 20), ({"gender": "men"}, 17), ({"Gender ": "Women"}, 3)):
        measurement_record(indicator=mentored, user=editor, period_end=end, value=Decimal(people), breakdown=breakdown)

    assert csv_values(client, tracked_plan) == {"": "20", "gender: men": "not shown", "Gender : Women": "fewer than 5"}
    hidden = [m for m in json_measurements(client, tracked_plan) if m["hidden"]]
    assert {(m["display"], m["value"]) for m in hidden} == {("not shown", None), ("fewer than 5", None)}
    for url in (
        reverse("tracking:indicators", args=[tracked_plan.slug]),
        reverse("tracking:report", args=[tracked_plan.slug, 2025]),
    ):
        page = client.get(url).content.decode()
        assert "17 people" not in page, url
        assert ">17<" not in page, url


@pytest.mark.django_db
def test_a_small_numerator_is_hidden_with_its_percentage(client, tracked_plan, editor):
    share = node(tracked_plan, "Share of women among postdocs")
    share.counts_people = False
    share.save()
    measurement_record(
        indicator=share,
        user=editor,
        period_end=dt.date(2025, 12, 31),
        value=Decimal("10.5"),
        numerator=2,
        denominator=19,
    )

    page = client.get(reverse("tracking:indicators", args=[tracked_plan.slug])).content.decode()

    assert "10.5" not in page
    assert "2 of 19" not in page
    assert "fewer than 5" in page


@pytest.mark.django_db
def test_the_same_rows_are_hidden_whatever_the_as_of_date(client, tracked_plan, editor):
    """Shown "as of" July, the men's 17 would have no total beside it; at the end of the year
    the yearly total would give the 3 women away. It is hidden on both dates."""
    mentored = node(tracked_plan, "Postdocs mentored")
    measurement_record(indicator=mentored, user=editor, period_start=YEAR[0], period_end=YEAR[1], value=Decimal(20))
    for group, people in (("women", 3), ("men", 17)):
        measurement_record(
            indicator=mentored, user=editor, period_end=DAY, value=Decimal(people), breakdown={"gender": group}
        )

    for as_of in ("2025-07-01", "2025-12-31"):
        values = csv_values(client, tracked_plan, as_of=as_of)
        assert values["gender: men"] == "not shown", as_of
        assert values["gender: women"] == "fewer than 5", as_of


@pytest.mark.django_db
def test_small_baselines_and_targets_are_not_shown_on_the_dashboards(client, tracked_plan):
    from plans.models import PlanVersion
    from plans.services import plan_publish

    mentored = node(tracked_plan, "Postdocs mentored")
    # As an older draft could have it (entering one is refused now): straight into the row.
    type(mentored).objects.filter(pk=mentored.pk).update(baseline_value=3, baseline_date=DAY, target_value=4)
    plan_publish(plan=tracked_plan, user=None, notes="Small numbers.")
    assert PlanVersion.objects.filter(plan=tracked_plan).count() == 2

    data = client.get(reverse("tracking:indicators_json", args=[tracked_plan.slug])).json()
    (indicator,) = [i for i in data["indicators"] if i["title"] == "Postdocs mentored"]
    assert indicator["baseline"]["value"] is None
    assert indicator["target"]["value"] is None
    page = client.get(reverse("tracking:indicators", args=[tracked_plan.slug])).content.decode()
    assert "3 people" not in page
    assert "4 people" not in page
    assert page.count("fewer than 5") >= 2
