"""The annual report: data as of 31 December, versions of the year, printable."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import ActionStatus, PlanVersion
from plans.services import plan_publish
from tracking.models import Measurement, ProgressUpdate
from tracking.services import measurement_record, progress_post

from .conftest import node

YEAR = timezone.localdate().year - 1


def moment(year, month, day):
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def reported_plan(tracked_plan, editor):
    """Version 1.0 published in March of last year, 1.1 in September, 1.2 this year."""
    PlanVersion.objects.filter(plan=tracked_plan).update(published_at=moment(YEAR, 3, 1))
    first = node(tracked_plan, "Run a mentoring scheme")
    first.title = "Run a mentoring scheme for all"
    first.save()
    plan_publish(plan=tracked_plan, user=editor, notes="Widened the mentoring scheme.")
    PlanVersion.objects.filter(plan=tracked_plan, minor=1).update(published_at=moment(YEAR, 9, 1))
    first.title = "Run a mentoring scheme for everyone"
    first.save()
    plan_publish(plan=tracked_plan, user=editor, notes="This year's change.")

    action = node(tracked_plan, "Hold a welcome day")
    share = node(tracked_plan, "Share of women among postdocs")
    progress_post(
        node=action, user=editor, date=dt.date(YEAR, 11, 1), status=ActionStatus.IN_PROGRESS, percent_complete=40
    )
    measurement_record(indicator=share, user=editor, period_end=dt.date(YEAR, 12, 31), value=Decimal("31"))
    # After the year's end: must not show in last year's report.
    progress_post(
        node=action, user=editor, date=dt.date(YEAR + 1, 1, 1), status=ActionStatus.DONE, percent_complete=100
    )
    measurement_record(indicator=share, user=editor, period_end=dt.date(YEAR + 1, 1, 1), value=Decimal("12.345"))
    assert ProgressUpdate.objects.count() == 2
    assert Measurement.objects.count() == 2
    return tracked_plan


def test_report_shows_the_year_as_of_december_31(client, reported_plan):
    response = client.get(reverse("tracking:report", kwargs={"slug": reported_plan.slug, "year": YEAR}))
    assert response.status_code == HTTPStatus.OK
    body = response.text
    assert f"31 December {YEAR}" in body
    # The plan text of the version current at the year's end (1.1), not today's (1.2).
    assert response.context["version"].number == "1.1"
    assert "Run a mentoring scheme for all" in body
    assert "scheme for everyone" not in body
    # Progress and measurements up to 31 December only.
    welcome = next(r for r in response.context["rows"] if r.title == "Hold a welcome day")
    assert (welcome.status, welcome.percent_complete) == ("in_progress", 40)
    assert welcome.state.key == "overdue"  # target date 2020, not done by then
    assert "12.345" not in body
    share = response.context["indicators"][0]
    assert share.latest.display == "31%"
    assert share.target_met is True
    # Changes to the plan during the year: versions 1.0 and 1.1 with their notes.
    assert [v.number for v in response.context["versions"]] == ["1.0", "1.1"]
    assert "Widened the mentoring scheme." in body
    assert "This year&#x27;s change." not in body
    # Each links to what changed since the version before it, even one of an earlier year.
    compare = reverse("plans:compare", args=[reported_plan.slug, "1.0", "1.1"])
    assert f'href="{compare}"' in body
    this_year = client.get(reverse("tracking:report", kwargs={"slug": reported_plan.slug, "year": YEAR + 1})).text
    assert reverse("plans:compare", args=[reported_plan.slug, "1.1", "1.2"]) in this_year


def test_this_years_report_is_the_year_so_far(client, reported_plan):
    response = client.get(reverse("tracking:report", kwargs={"slug": reported_plan.slug, "year": YEAR + 1}))
    assert response.status_code == HTTPStatus.OK
    assert "The year so far" in response.text
    assert response.context["version"].number == "1.2"
    welcome = next(r for r in response.context["rows"] if r.title == "Hold a welcome day")
    assert welcome.state.key == "done"
    assert [v.number for v in response.context["versions"]] == ["1.2"]


@pytest.mark.parametrize("year", [YEAR - 1, YEAR + 2, 1000])
def test_no_report_before_the_first_version_or_in_the_future(client, reported_plan, year):
    response = client.get(reverse("tracking:report", kwargs={"slug": reported_plan.slug, "year": year}))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_report_list(client, reported_plan):
    response = client.get(reverse("tracking:report_list", kwargs={"slug": reported_plan.slug}))
    assert response.context["years"] == [YEAR + 1, YEAR]
    assert reverse("tracking:report", kwargs={"slug": reported_plan.slug, "year": YEAR}) in response.text


def test_report_is_printable(client, reported_plan):
    response = client.get(reverse("tracking:report", kwargs={"slug": reported_plan.slug, "year": YEAR}))
    assert 'media="print"' in response.text  # the base print stylesheet
    assert "<svg" in response.text  # charts render without JavaScript, so they print
