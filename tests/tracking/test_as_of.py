"""Looking back: the demo plan's actions as they stood on past days, by the demo's own dates.

The demo (plans/demo/content.py, tracking/demo.py): 3.1.1 "Write a guide for new members" starts
1 March 2025 and was completed on 31 October 2025 (its "done" update is dated that day); 3.1.2
"Pair every new member with an onboarding buddy" starts 1 September 2025, in progress, with an
update dated three weeks ago; "Live captions in all plenary sessions" is deferred, target
30 September 2026. Version 1.0 is published when the demo loads.
"""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.demo import demo_load
from plans.models import ActionStatus, PlanVersion
from plans.services import plan_publish
from tracking.demo import demo_tracking_load
from tracking.selectors import STATES, action_rows, action_state, status_then, version_as_of

GUIDE = "Write a guide for new members"
BUDDY = "Pair every new member with an onboarding buddy"
CAPTIONS = "Live captions in all plenary sessions"
SLIDES = "Share slides a day before each plenary session"  # only in the draft after 1.0


@pytest.fixture
def demo(db):
    result = demo_load(password="a-long-demo-password")
    assert demo_tracking_load(plan=result.plan, user=result.users["editor@example.org"])
    return result.plan


def actions_page(client, plan, **query):
    url = reverse("tracking:actions", kwargs={"slug": plan.slug})
    response = client.get(url, query)
    assert response.status_code == HTTPStatus.OK
    return response


def page_text(response) -> str:
    """The page's words, tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.text))


def row_of(response, title):
    return next(row for row in response.context["total_rows"] if row.title == title)


def state_of(client, plan, title, day: str) -> str:
    response = actions_page(client, plan, as_of=day)
    return row_of(response, title).state.key


@pytest.mark.parametrize(
    ("title", "day", "expected"),
    [
        (GUIDE, "2025-02-28", "not_started"),  # before its start date: not done, whatever came later
        (GUIDE, "2025-03-01", "not_started"),  # started, but no update yet says so
        (GUIDE, "2025-10-30", "not_started"),  # the day before it was completed
        (GUIDE, "2025-10-31", "done"),  # the day its "done" update is dated
        (GUIDE, "2026-01-15", "done"),
        (BUDDY, "2025-08-31", "not_started"),  # before its start date: never on track
        (BUDDY, "2025-12-01", "not_started"),  # started on paper; its first update came later
        (CAPTIONS, "2026-06-01", "deferred"),  # a decision the plan records, before its target date
        (CAPTIONS, "2026-10-05", "deferred_late"),  # target passed: deferred, never "Overdue"
    ],
)
def test_an_action_on_a_past_day_is_what_was_true_that_day(client, demo, title, day, expected):
    assert state_of(client, demo, title, day) == expected


def test_today_the_latest_updates_and_published_statuses_count(client, demo):
    response = actions_page(client, demo)
    assert row_of(response, GUIDE).state.key == "done"
    buddy = row_of(response, BUDDY)
    assert (buddy.state.key, buddy.percent_complete) == ("on_track", 35)
    captions = row_of(response, CAPTIONS)
    # The demo runs after the captions' target date (30 September 2026) has passed.
    assert timezone.localdate() > captions.target_date
    assert captions.state.key == "deferred_late"
    assert captions.state.label == "Deferred (target date passed)"
    assert "Overdue" not in str(captions.state)


def test_the_page_says_which_day_and_which_version(client, demo):
    """1.0 published on 15 October 2026 (as far as the test says), 1.1 today with the draft's edits."""
    PlanVersion.objects.filter(plan=demo).update(published_at=dt.datetime(2026, 10, 15, 10, tzinfo=dt.UTC))
    plan_publish(plan=demo, user=None, notes="The draft's edits since 1.0.")

    before = actions_page(client, demo, as_of="2026-10-20")
    assert before.context["version"].number == "1.0"
    assert before.context["in_force"] is True
    text = page_text(before)
    assert "As of 20 October 2026, from version 1.0 of the plan" in text
    assert SLIDES not in [row.title for row in before.context["total_rows"]]

    now = actions_page(client, demo)
    assert now.context["version"].number == "1.1"
    assert SLIDES in [row.title for row in now.context["total_rows"]]
    assert "from version 1.1 of the plan" in page_text(now)

    # Before the first version: its actions, and the page says it was published later.
    early = actions_page(client, demo, as_of="2025-10-30")
    assert (early.context["version"].number, early.context["in_force"]) == ("1.0", False)
    text = page_text(early)
    assert "As of 30 October 2025, from version 1.0 of the plan" in text
    assert "No version of the plan had been published by that day" in text
    assert "published on 15 October 2026" in text


@pytest.mark.parametrize("day", ["2025-02-28", "2025-10-30", "2026-06-01", "2026-10-05", None])
def test_summary_counts_equal_the_rows_listed_under_each_state(client, demo, day):
    query = {"as_of": day} if day else {}
    response = actions_page(client, demo, **query)
    total = response.context["total_counts"]
    assert total.total == len(response.context["total_rows"]) > 0
    for state, count in total.cells:
        listed = actions_page(client, demo, **query, status=state.key).context["rows"]
        assert len(listed) == count, state.key
        assert {row.state.key for row in listed} <= {state.key}
    for area in response.context["area_counts"]:
        if area.area is None:  # actions outside any area have no area filter; the totals above count them
            continue
        for state, count in area.cells:
            listed = actions_page(client, demo, **query, status=state.key, area=area.area.id).context["rows"]
            assert len(listed) == count, (area.area.title, state.key)


def test_json_and_csv_follow_the_same_look_back(client, demo):
    url = reverse("tracking:actions_json", kwargs={"slug": demo.slug})
    data = client.get(url, {"as_of": "2025-10-30"}).json()
    guide = next(action for action in data["actions"] if action["title"] == GUIDE)
    assert (data["as_of"], data["version"], guide["state"], guide["status"]) == (
        "2025-10-30",
        "1.0",
        "not_started",
        "planned",
    )


def test_the_annual_report_reports_on_the_day_asked(client, demo):
    year = timezone.localdate().year
    url = reverse("tracking:report", kwargs={"slug": demo.slug, "year": year})
    early = client.get(url, {"as_of": f"{year}-03-01"})
    assert early.status_code == HTTPStatus.OK
    assert early.context["as_of"] == dt.date(year, 3, 1)
    assert "Progress as it stood on 1 March" in page_text(early)
    buddy = next(row for row in early.context["rows"] if row.title == BUDDY)
    assert buddy.state.key == "not_started"  # its first update is dated later in the year
    now = client.get(url)
    assert now.context["as_of"] == timezone.localdate()
    assert next(row for row in now.context["rows"] if row.title == BUDDY).state.key == "on_track"
    # A day outside the year is brought inside it.
    late = client.get(url, {"as_of": f"{year - 1}-06-01"})
    assert late.context["as_of"] == dt.date(year, 1, 1)


def test_a_year_before_the_first_version_has_no_report(client, demo):
    url = reverse("tracking:report", kwargs={"slug": demo.slug, "year": 2025})
    assert client.get(url, {"as_of": "2025-10-30"}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("status", "start", "as_of", "expected"),
    [
        (ActionStatus.DONE, dt.date(2025, 3, 1), dt.date(2025, 2, 28), "not_started"),
        (ActionStatus.IN_PROGRESS, dt.date(2025, 9, 1), dt.date(2025, 8, 31), "not_started"),
        (ActionStatus.IN_PROGRESS, dt.date(2025, 9, 1), dt.date(2025, 9, 1), "on_track"),
        (ActionStatus.DEFERRED, dt.date(2025, 9, 1), dt.date(2025, 8, 31), "deferred"),
    ],
)
def test_before_its_start_date_an_action_is_never_on_track_or_done(status, start, as_of, expected):
    state = action_state(status=status, target_date=dt.date(2030, 1, 1), as_of=as_of, start_date=start)
    assert state.key == expected


@pytest.mark.parametrize(
    ("update", "recorded", "in_force", "expected"),
    [
        ({"status": ActionStatus.DONE}, ActionStatus.PLANNED, False, ActionStatus.DONE),  # an update wins
        (None, ActionStatus.IN_PROGRESS, True, ActionStatus.IN_PROGRESS),  # the version in force says so
        (None, ActionStatus.IN_PROGRESS, False, ActionStatus.PLANNED),  # a later version is no record of the day
        (None, ActionStatus.DONE, False, ActionStatus.PLANNED),
        (None, ActionStatus.PROPOSED, False, ActionStatus.PROPOSED),
        (None, ActionStatus.DEFERRED, False, ActionStatus.DEFERRED),
    ],
)
def test_status_then(update, recorded, in_force, expected):
    day = dt.date(2026, 1, 1)
    assert status_then(update=update, recorded=recorded, in_force=in_force, start_date=None, as_of=day) == expected


def test_every_state_has_words_and_an_icon():
    assert all(state.label and state.icon for state in STATES.values())


def test_version_as_of_is_the_one_in_force(demo):
    PlanVersion.objects.filter(plan=demo).update(published_at=dt.datetime(2026, 10, 15, 23, tzinfo=dt.UTC))
    assert version_as_of(demo, dt.date(2026, 10, 14)).in_force is False
    assert version_as_of(demo, dt.date(2026, 10, 15)).in_force is True  # published that day
    rows = action_rows(
        plan=demo, version=version_as_of(demo, dt.date(2026, 10, 15)).version, as_of=dt.date(2026, 10, 15)
    )
    assert next(row for row in rows if row.title == GUIDE).state.key == "done"
