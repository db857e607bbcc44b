"""Writes: progress updates move the action's status; measurements are checked."""

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from plans.models import ActionStatus
from tracking.models import Measurement, ProgressUpdate
from tracking.services import measurement_record, parse_breakdown, progress_post

from .conftest import days_ago, node


def test_progress_post_sets_the_action_status_with_history(tracked_plan, editor):
    action = node(tracked_plan, "Hold a welcome day")
    revision = action.revision
    update = progress_post(node=action, user=editor, date=days_ago(1), status=ActionStatus.IN_PROGRESS, note="Booked")
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.revision == revision + 1
    record = action.history.first()
    assert record.status == ActionStatus.IN_PROGRESS
    assert record.history_user == editor
    assert update.author == editor
    assert update.history.first().history_user == editor


def test_a_back_dated_update_does_not_override_a_newer_one(tracked_plan, editor):
    action = node(tracked_plan, "Hold a welcome day")
    progress_post(node=action, user=editor, date=days_ago(1), status=ActionStatus.DONE)
    progress_post(node=action, user=editor, date=days_ago(20), status=ActionStatus.IN_PROGRESS)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert ProgressUpdate.objects.filter(node=action).count() == 2


def test_an_update_with_the_same_status_leaves_the_action_untouched(tracked_plan, editor):
    action = node(tracked_plan, "Run a mentoring scheme")
    records = action.history.count()
    progress_post(node=action, user=editor, date=days_ago(0), status=action.status, percent_complete=50)
    assert action.history.count() == records


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"date": dt.date.today() + dt.timedelta(days=2)}, "date"),
        ({"status": "finished"}, "status"),
        ({"percent_complete": 101}, "percent_complete"),
        ({"percent_complete": -1}, "percent_complete"),
    ],
)
def test_progress_post_refuses_bad_input(tracked_plan, editor, fields, field):
    action = node(tracked_plan, "Hold a welcome day")
    data = {"date": days_ago(0), "status": ActionStatus.IN_PROGRESS, **fields}
    with pytest.raises(ValidationError) as error:
        progress_post(node=action, user=editor, **data)
    assert field in error.value.message_dict
    assert not ProgressUpdate.objects.exists()


def test_progress_only_on_live_actions(tracked_plan, editor):
    with pytest.raises(ValidationError):
        progress_post(node=node(tracked_plan, "Welcome newcomers"), user=editor, date=days_ago(0), status="done")


def test_the_database_refuses_a_percentage_over_100(tracked_plan):
    with pytest.raises(IntegrityError):
        ProgressUpdate.objects.create(
            node=node(tracked_plan, "Hold a welcome day"), date=days_ago(0), status="done", percent_complete=150
        )


def test_the_database_refuses_a_numerator_above_its_denominator(tracked_plan):
    indicator = node(tracked_plan, "Share of women among postdocs")
    Measurement.objects.create(node=indicator, period_end=days_ago(1), value=1, numerator=5, denominator=5)
    with pytest.raises(IntegrityError):
        Measurement.objects.create(node=indicator, period_end=days_ago(0), value=1, numerator=6, denominator=5)


def test_measurement_record(tracked_plan, editor):
    indicator = node(tracked_plan, "Share of women among postdocs")
    measurement = measurement_record(
        indicator=indicator,
        user=editor,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        value=Decimal("24.5"),
        numerator=49,
        denominator=200,
        breakdown={"career stage": "postdoc"},
        source="HR",
    )
    assert measurement.recorded_by == editor
    assert measurement.history.first().history_user == editor
    assert measurement.breakdown_label == "career stage: postdoc"


def test_measurement_record_refuses_duplicates_and_bad_values(tracked_plan, editor):
    indicator = node(tracked_plan, "Share of women among postdocs")
    measurement_record(indicator=indicator, user=editor, period_end=dt.date(2025, 12, 31), value=Decimal(24))
    with pytest.raises(ValidationError, match="already has a measurement"):
        measurement_record(indicator=indicator, user=editor, period_end=dt.date(2025, 12, 31), value=Decimal(25))
    # Another group on the same date is fine.
    measurement_record(
        indicator=indicator, user=editor, period_end=dt.date(2025, 12, 31), value=Decimal(25), breakdown={"a": "b"}
    )
    with pytest.raises(ValidationError) as error:
        measurement_record(
            indicator=indicator,
            user=editor,
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2025, 1, 1),
            value=Decimal("1.00001"),
        )
    assert set(error.value.message_dict) == {"period_start", "value"}
    with pytest.raises(ValidationError):
        measurement_record(
            indicator=node(tracked_plan, "Hold a welcome day"), user=editor, period_end=days_ago(0), value=Decimal(1)
        )
    assert Measurement.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"numerator": 50, "denominator": 20}, "numerator"),
        ({"group_size": 2**31}, "group_size"),
        ({"source": "x" * 301}, "source"),
    ],
)
def test_measurement_record_refuses_what_the_database_could_not_hold(tracked_plan, editor, fields, field):
    indicator = node(tracked_plan, "Share of women among postdocs")
    with pytest.raises(ValidationError) as error:
        measurement_record(
            indicator=indicator, user=editor, period_end=dt.date(2025, 12, 31), value=Decimal(1), **fields
        )
    assert set(error.value.message_dict) == {field}
    assert not Measurement.objects.exists()


def test_parse_breakdown():
    assert parse_breakdown(" career stage = postdoc ; gender: woman ") == {"career stage": "postdoc", "gender": "woman"}
    assert parse_breakdown("") == {}
    with pytest.raises(ValueError, match="name=value"):
        parse_breakdown("postdoc")


def test_deleting_the_latest_update_in_the_admin_restores_the_earlier_status(client, tracked_plan, editor, make_user):
    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    action = node(tracked_plan, "Hold a welcome day")
    progress_post(node=action, user=editor, date=days_ago(10), status=ActionStatus.IN_PROGRESS)
    latest = progress_post(node=action, user=editor, date=days_ago(1), status=ActionStatus.DONE)
    client.force_login(admin)
    response = client.post(reverse("admin:tracking_progressupdate_delete", args=[latest.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert action.history.first().history_user == admin


def test_the_admin_shows_tracking_data_read_only(client, tracked_plan, editor, make_user):
    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    update = progress_post(node=node(tracked_plan, "Hold a welcome day"), user=editor, date=days_ago(1), status="done")
    client.force_login(admin)
    assert client.get(reverse("admin:tracking_progressupdate_changelist")).status_code == HTTPStatus.OK
    assert client.get(reverse("admin:tracking_measurement_changelist")).status_code == HTTPStatus.OK
    assert client.get(reverse("admin:tracking_progressupdate_add")).status_code == HTTPStatus.FORBIDDEN
    response = client.post(
        reverse("admin:tracking_progressupdate_change", args=[update.pk]),
        {"node": update.node_id, "date": days_ago(1).isoformat(), "status": "dropped"},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    update.refresh_from_db()
    assert update.status == "done"


def test_an_edit_opened_before_a_progress_update_is_a_conflict_not_an_overwrite(tracked_plan, editor):
    """The status change goes through plans' guarded update: the revision moves, a stale form is refused."""
    from plans.services import EditConflict, node_update

    action = node(tracked_plan, "Hold a welcome day")
    opened_at = action.revision
    progress_post(node=action, user=editor, date=days_ago(1), status=ActionStatus.DONE)
    with pytest.raises(EditConflict) as conflict:
        node_update(node=action, base_revision=opened_at, data={"status": ActionStatus.IN_PROGRESS}, user=editor)
    assert conflict.value.current.status == ActionStatus.DONE
    record = conflict.value.current.history.first()
    assert (record.revision, record.history_user) == (opened_at + 1, editor)
    assert record.history_change_reason.startswith("Status set by the progress update of")
