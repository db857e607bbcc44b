"""The derived state of an action: overdue, on track, not started, and the rest."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from plans.models import ActionStatus
from plans.services import plan_publish
from tracking.selectors import IndicatorRow, action_rows, action_state, latest_version
from tracking.services import progress_post
from tracking.suppression import PublicMeasurement

from .conftest import days_ago, node

TODAY = dt.date(2026, 6, 1)
PAST = dt.date(2026, 5, 31)
FUTURE = dt.date(2026, 6, 2)


@pytest.mark.parametrize(
    ("status", "target", "expected"),
    [
        (ActionStatus.IN_PROGRESS, FUTURE, "on_track"),
        (ActionStatus.IN_PROGRESS, None, "on_track"),
        (ActionStatus.IN_PROGRESS, TODAY, "on_track"),  # due today is not late yet
        (ActionStatus.IN_PROGRESS, PAST, "overdue"),
        (ActionStatus.PLANNED, PAST, "overdue"),
        (ActionStatus.PROPOSED, PAST, "overdue"),
        (ActionStatus.DEFERRED, PAST, "deferred_late"),  # deferral is a decision, not a delay
        (ActionStatus.PLANNED, FUTURE, "not_started"),
        (ActionStatus.PROPOSED, None, "not_started"),
        (ActionStatus.DEFERRED, FUTURE, "deferred"),
        (ActionStatus.DONE, PAST, "done"),
        (ActionStatus.DROPPED, PAST, "dropped"),
    ],
)
def test_action_state(status, target, expected):
    state = action_state(status=status, target_date=target, as_of=TODAY)
    assert state.key == expected
    # Never colour alone: every state has words and an icon.
    assert state.label
    assert state.icon


def test_status_comes_from_the_latest_update_on_or_before_the_date(tracked_plan, editor):
    action = node(tracked_plan, "Run a mentoring scheme")
    progress_post(node=action, user=editor, date=days_ago(30), status=ActionStatus.IN_PROGRESS, percent_complete=40)
    progress_post(node=action, user=editor, date=days_ago(2), status=ActionStatus.DONE, percent_complete=100)
    version = latest_version(tracked_plan)

    def row(as_of):
        return next(r for r in action_rows(plan=tracked_plan, version=version, as_of=as_of) if r.id == action.pk)

    now = row(days_ago(0))
    assert (now.status, now.state.key, now.percent_complete, now.updated_on) == ("done", "done", 100, days_ago(2))
    earlier = row(days_ago(10))
    assert (earlier.status, earlier.percent_complete) == ("in_progress", 40)
    before_any = row(days_ago(60))
    # Before any update, and before the version was published: nothing says work had begun.
    assert (before_any.status, before_any.updated_on, before_any.state.key) == ("planned", None, "not_started")


def test_before_its_updates_an_action_has_not_started(make_tracked_plan, editor):
    """A version published after an update carries that update's status; looking back to a day
    before the update must not show it already done. The draft's own history is not public
    and is not a dated record of the work: it does not count."""
    plan = make_tracked_plan("later", publish=False)
    action = node(plan, "Run a mentoring scheme")
    action.history.update(history_date=timezone.now() - dt.timedelta(days=100))  # in progress since then
    progress_post(node=action, user=editor, date=days_ago(2), status=ActionStatus.DONE, percent_complete=100)
    plan_publish(plan=plan, user=None, notes="Published after the update.")
    version = latest_version(plan)

    def row(as_of):
        return next(r for r in action_rows(plan=plan, version=version, as_of=as_of) if r.id == action.pk)

    assert row(days_ago(0)).status == ActionStatus.DONE
    before = row(days_ago(10))
    assert (before.status, before.updated_on, before.state.key) == (ActionStatus.PLANNED, None, "not_started")


def test_without_updates_the_published_status_counts(tracked_plan):
    rows = action_rows(plan=tracked_plan, version=latest_version(tracked_plan), as_of=days_ago(0))
    states = {row.title: row.state.key for row in rows}
    assert states == {
        "Run a mentoring scheme": "on_track",
        "Hold a welcome day": "overdue",
        "Publish promotion criteria": "done",
    }


def _row(direction, values):
    row = IndicatorRow(
        id=1,
        number="1",
        anchor="s-1",
        title="t",
        body="",
        area=None,
        goal=None,
        unit="%",
        direction=direction,
        data_source="",
        baseline_value=None,
        baseline_date=None,
        target_value=Decimal(50),
        target_date=None,
    )
    row.measurements = [
        PublicMeasurement(node_id=1, period_start=None, period_end=dt.date(2020 + i, 1, 1), value=Decimal(v), unit="%")
        for i, v in enumerate(values)
    ]
    return row


@pytest.mark.parametrize(
    ("direction", "values", "change", "verdict", "met"),
    [
        ("increase", [40, 45], "up", "improving", False),
        ("increase", [45, 40], "down", "worsening", False),
        ("increase", [45, 55], "up", "improving", True),
        ("decrease", [60, 55], "down", "improving", False),
        ("decrease", [55, 50], "down", "improving", True),
        ("decrease", [50, 52], "up", "worsening", False),
        ("maintain", [50, 50], "flat", "steady", True),
        ("maintain", [50, 51], "up", "", True),
        ("", [50, 51], "up", "", True),
    ],
)
def test_indicator_trend_and_target(direction, values, change, verdict, met):
    row = _row(direction, values)
    assert (row.trend.change, row.trend.verdict, row.target_met) == (change, verdict, met)
