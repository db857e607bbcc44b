"""Small counts never leak: not on the pages, the charts, the CSV exports or the reports."""

import csv
import datetime as dt
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from tracking.services import measurement_record
from tracking.suppression import hidden_reasons, measurement_is_small

from .conftest import node

SECRETS = ("77.77", "66.6601", "SECRET-NOTE", "SECRET-SOURCE", "4 of 4")


@pytest.mark.parametrize(
    ("fields", "small"),
    [
        ({"value": Decimal(50), "group_size": 4}, True),
        ({"value": Decimal(50), "group_size": 5}, False),
        ({"value": Decimal(50), "denominator": 4}, True),
        # "50% of 4 respondents" gives 2 people away, whatever the size of the group they are from.
        ({"value": Decimal(50), "group_size": 40, "denominator": 4}, True),
        ({"value": Decimal(10), "numerator": 2, "denominator": 20}, True),  # "2 of 20"
        ({"value": Decimal(95), "numerator": 19, "denominator": 20}, True),  # the 1 not counted
        ({"value": Decimal(100), "numerator": 20, "denominator": 20}, False),
        ({"value": Decimal(4), "counts_people": True}, True),
        ({"value": Decimal(0), "counts_people": True}, True),
        ({"value": Decimal("4.5"), "counts_people": True}, True),
        ({"value": Decimal(5), "counts_people": True}, False),
        ({"value": Decimal(4)}, False),  # a share of a group of unknown size
    ],
)
def test_measurement_is_small(fields, small):
    args = {"group_size": None, "numerator": None, "denominator": None, "counts_people": False, **fields}
    assert measurement_is_small(threshold=5, **args) is small


@pytest.fixture
def sensitive_plan(tracked_plan, editor):
    """One visible value and three small groups, dated last year."""
    share = node(tracked_plan, "Share of women among postdocs")
    mentored = node(tracked_plan, "Postdocs mentored")
    year = timezone.localdate().year - 1
    measurement_record(
        indicator=share,
        user=editor,
        period_end=dt.date(year, 6, 30),
        value=Decimal("22.5"),
        numerator=45,
        denominator=200,
    )
    measurement_record(
        indicator=share,
        user=editor,
        period_end=dt.date(year, 12, 31),
        value=Decimal("77.77"),
        numerator=2,
        denominator=3,
        note="SECRET-NOTE",
        source="SECRET-SOURCE",
    )
    measurement_record(
        indicator=share,
        user=editor,
        period_end=dt.date(year, 12, 31),
        value=Decimal("66.6601"),
        numerator=4,
        denominator=4,
        group_size=4,
        breakdown={"career stage": "senior"},
    )
    measurement_record(indicator=mentored, user=editor, period_end=dt.date(year, 12, 31), value=Decimal(3))
    # The report for last year needs a version published by then.
    tracked_plan.versions.update(published_at=timezone.now().replace(year=year, month=1, day=15))
    return tracked_plan


def public_urls(plan):
    year = timezone.localdate().year - 1
    return [
        reverse("tracking:indicators", kwargs={"slug": plan.slug}),
        reverse("tracking:indicators", kwargs={"slug": plan.slug}) + f"?as_of={year}-12-31",
        reverse("tracking:indicators_csv", kwargs={"slug": plan.slug}),
        reverse("tracking:report", kwargs={"slug": plan.slug, "year": year}),
        reverse("tracking:report", kwargs={"slug": plan.slug, "year": year + 1}),
        reverse("tracking:actions", kwargs={"slug": plan.slug}),
        reverse("tracking:actions_csv", kwargs={"slug": plan.slug}),
        reverse("tracking:indicators_json", kwargs={"slug": plan.slug}),
        reverse("tracking:actions_json", kwargs={"slug": plan.slug}),
    ]


@pytest.mark.parametrize("who", ["visitor", "editor"])
def test_small_groups_never_leak_on_any_public_surface(client, sensitive_plan, editor, who):
    if who == "editor":
        client.force_login(editor)  # public pages are public even for the committee
    for url in public_urls(sensitive_plan):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body, f"{secret} leaked on {url}"
        if "indicators" in url or "report" in url:  # the pages and exports with measurements
            assert "fewer than 5" in body, url
            assert "22.5" in body, url  # the large group is shown


def test_the_csv_says_fewer_than_and_drops_the_counts(client, sensitive_plan):
    response = client.get(reverse("tracking:indicators_csv", kwargs={"slug": sensitive_plan.slug}))
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("section,indicator,unit,period_start,date,group,value,numerator,denominator")
    mentored = next(line for line in lines if "Postdocs mentored" in line)
    assert ",fewer than 5,,," in mentored
    senior = next(line for line in lines if "career stage: senior" in line)
    assert ",fewer than 5,,," in senior
    visible = next(line for line in lines if ",22.5," in line)
    assert ",45,200," in visible


def test_the_chart_draws_no_point_for_a_small_group(client, sensitive_plan):
    response = client.get(reverse("tracking:indicators", kwargs={"slug": sensitive_plan.slug}))
    chart = response.context["indicators"][0].chart
    assert "<title>" in chart
    assert chart.count("<circle") == 1  # only the visible value
    assert "fewer than 5" in chart
    assert "77.77" not in chart


def test_no_trend_next_to_a_hidden_value(client, sensitive_plan):
    response = client.get(reverse("tracking:indicators", kwargs={"slug": sensitive_plan.slug}))
    share = response.context["indicators"][0]
    assert share.latest.suppressed
    assert share.trend is None
    assert share.target_met is None


def test_a_higher_threshold_hides_more(client, sensitive_plan):
    sensitive_plan.small_count_threshold = 250
    sensitive_plan.save()
    response = client.get(reverse("tracking:indicators_csv", kwargs={"slug": sensitive_plan.slug}))
    body = response.content.decode()
    assert "22.5" not in body
    assert "fewer than 250" in body


def breakdown_row(stage: str, value: str, group_size: int | None, *, end=dt.date(2025, 12, 31)) -> dict:
    return {
        "period_start": None,
        "period_end": end,
        "breakdown": {"career stage": stage},
        "value": Decimal(value),
        "group_size": group_size,
        "denominator": None,
    }


def test_one_small_group_hides_the_smallest_other_group_of_its_breakdown():
    rows = [
        breakdown_row("senior", "3", 3),
        breakdown_row("postdoc", "30", 100),
        breakdown_row("student", "20", 50),
        breakdown_row("student", "20", 4, end=dt.date(2024, 12, 31)),  # another period: its own set
        {**breakdown_row("x", "1", 1), "breakdown": {}},  # the total for everyone: not a sibling
    ]
    assert hidden_reasons(rows, counts_people=False, threshold=5) == ["small", "", "complement", "small", "small"]


def test_two_small_groups_need_no_complement():
    rows = [breakdown_row("senior", "3", 3), breakdown_row("emeritus", "1", 2), breakdown_row("postdoc", "30", 100)]
    assert hidden_reasons(rows, counts_people=False, threshold=5) == ["small", "small", ""]


def test_two_small_groups_together_under_the_threshold_need_a_complement():
    # 2 + 1 = 3 people: the total minus the 100 postdocs would give them away together.
    rows = [breakdown_row("senior", "2", 2), breakdown_row("emeritus", "1", 1), breakdown_row("postdoc", "30", 100)]
    assert hidden_reasons(rows, counts_people=False, threshold=5) == ["small", "small", "complement"]


def cross_row(stage: str, gender: str | None, people: int) -> dict:
    breakdown = {"career stage": stage} | ({"gender": gender} if gender else {})
    return {**breakdown_row(stage, str(people), people), "breakdown": breakdown}


def test_a_small_cell_of_a_cross_table_hides_its_row_and_column():
    """Postdoc women (3) could be worked out from postdocs (10) minus postdoc men (7), or from
    women (11) minus student women (8); a 2x2 table with one small cell shows none of its cells."""
    rows = [
        cross_row("postdoc", None, 10),
        cross_row("student", None, 20),
        cross_row("postdoc", "woman", 3),
        cross_row("postdoc", "man", 7),
        cross_row("student", "woman", 8),
        cross_row("student", "man", 12),
    ]
    assert hidden_reasons(rows, counts_people=False, threshold=5) == [
        "",
        "",
        "small",
        "complement",
        "complement",
        "complement",
    ]


def test_a_complement_in_a_cross_table_is_not_given_away_by_its_other_line(client, tracked_plan, editor):
    mentored = node(tracked_plan, "Postdocs mentored")
    end = dt.date(2025, 12, 31)
    for breakdown, people in (
        ({"career stage": "postdoc"}, 10),
        ({"career stage": "student"}, 20),
        ({"gender": "woman"}, 11),
        ({"career stage": "postdoc", "gender": "woman"}, 3),
        ({"career stage": "postdoc", "gender": "man"}, 7),
        ({"career stage": "student", "gender": "woman"}, 8),
        ({"career stage": "student", "gender": "man"}, 12),
    ):
        measurement_record(indicator=mentored, user=editor, period_end=end, value=Decimal(people), breakdown=breakdown)
    rows = csv.DictReader(io.StringIO(client.get(reverse("tracking:indicators_csv", args=[tracked_plan.slug])).text))
    values = {row["group"]: row["value"] for row in rows}
    assert values["career stage: postdoc; gender: woman"] == "fewer than 5"
    for group in ("career stage: postdoc; gender: man", "career stage: student; gender: woman"):
        assert values[group] == "not shown", group
    # With those two hidden, 20 - 8 = 12 would give the student women away: their line hides too.
    assert values["career stage: student; gender: man"] == "not shown"


def test_the_committee_sees_the_same_complement_hidden_as_the_public(client, tracked_plan, editor):
    """Two groups of the same size: which one is hidden must not depend on the order of the page."""
    mentored = node(tracked_plan, "Postdocs mentored")
    end = dt.date(2025, 12, 31)
    for stage, value in (("senior", 3), ("postdoc", 20), ("student", 20)):
        measurement_record(
            indicator=mentored, user=editor, period_end=end, value=Decimal(value), breakdown={"career stage": stage}
        )
    rows = csv.DictReader(io.StringIO(client.get(reverse("tracking:indicators_csv", args=[tracked_plan.slug])).text))
    public = {row["group"]: row["value"] for row in rows}
    client.force_login(editor)
    page = client.get(reverse("tracking:measurement_record", args=[tracked_plan.slug, mentored.pk]))
    committee = {m.breakdown_label: m.hidden_publicly for m in page.context["measurements"]}
    assert public["career stage: postdoc"] == "not shown"
    assert public["career stage: student"] == "20"
    assert committee == {
        "career stage: senior": "small",
        "career stage: postdoc": "complement",
        "career stage: student": "",
    }


def test_the_complement_never_shows_publicly(client, tracked_plan, editor):
    mentored = node(tracked_plan, "Postdocs mentored")
    end = dt.date(2025, 12, 31)
    measurement_record(indicator=mentored, user=editor, period_end=end, value=Decimal(44))
    for stage, value in (("senior", 3), ("postdoc", 30), ("student", 11)):
        measurement_record(
            indicator=mentored, user=editor, period_end=end, value=Decimal(value), breakdown={"career stage": stage}
        )
    rows = csv.DictReader(io.StringIO(client.get(reverse("tracking:indicators_csv", args=[tracked_plan.slug])).text))
    values = {row["group"]: row["value"] for row in rows}
    # 44 - 30 - 11 would give the 3 seniors away; hiding the 11 students too keeps them private.
    assert values == {
        "": "44",
        "career stage: senior": "fewer than 5",
        "career stage: postdoc": "30",
        "career stage: student": "not shown",
    }
    page = client.get(reverse("tracking:indicators", args=[tracked_plan.slug])).text
    assert "not shown" in page
    assert ">11 people<" not in page


def test_the_json_api_has_no_value_for_a_hidden_measurement(client, sensitive_plan):
    data = client.get(reverse("tracking:indicators_json", kwargs={"slug": sensitive_plan.slug})).json()
    share = data["indicators"][0]
    hidden = [m for m in share["measurements"] if m["hidden"]]
    assert len(hidden) == 2
    for m in hidden:
        assert (m["value"], m["numerator"], m["denominator"], m["note"], m["source"]) == (None, None, None, "", "")
        assert m["display"] == "fewer than 5"
    shown = next(m for m in share["measurements"] if not m["hidden"])
    assert (shown["value"], shown["numerator"], shown["denominator"]) == ("22.5", 45, 200)
