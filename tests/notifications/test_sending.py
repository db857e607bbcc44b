"""The sending run: claims, skips, failures, retries and limits (without the worker around it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Delivery, DeliveryStatus
from notifications.services import deliveries_retry, deliveries_send

from . import fake_mail
from .conftest import publish_change


@pytest.fixture
def three_queued(published_plan, make_subscription):
    for email in ["ada@example.org", "bo@example.org", "cy@example.org"]:
        make_subscription(published_plan, email)
    publish_change(published_plan)
    return list(Delivery.objects.order_by("pk"))


def statuses() -> list[str]:
    return list(Delivery.objects.order_by("pk").values_list("status", flat=True))


def test_a_second_run_sends_nothing(three_queued):
    assert deliveries_send().sent == 3
    report = deliveries_send()
    assert (report.sent, report.failed, report.retry_at) == (0, 0, None)
    assert len(mail.outbox) == 3
    assert all(d.sent_at and d.sent_to for d in Delivery.objects.all())


def test_a_message_another_worker_is_sending_is_left_to_it(three_queued):
    first = three_queued[0]
    Delivery.objects.filter(pk=first.pk).update(
        status=DeliveryStatus.SENDING, claim_token="other-worker", claimed_at=timezone.now()
    )
    assert deliveries_send().sent == 2
    assert "ada@example.org" not in [m.to[0] for m in mail.outbox]
    assert Delivery.objects.get(pk=first.pk).claim_token == "other-worker"


def test_a_claim_abandoned_by_a_killed_worker_is_taken_over_after_the_timeout(three_queued):
    first = three_queued[0]
    Delivery.objects.filter(pk=first.pk).update(
        status=DeliveryStatus.SENDING, claim_token="killed", claimed_at=timezone.now() - timedelta(hours=1)
    )
    assert deliveries_send().sent == 3
    assert Delivery.objects.get(pk=first.pk).status == DeliveryStatus.SENT


def test_a_refused_recipient_waits_for_a_retry_while_the_others_go_out(three_queued, settings):
    settings.EMAIL_BACKEND = "tests.notifications.fake_mail.RefusingBackend"
    fake_mail.REFUSED.clear()
    fake_mail.REFUSED.add("bo@example.org")
    report = deliveries_send()
    assert (report.sent, report.failed, report.server_down) == (2, 1, False)
    refused = Delivery.objects.get(subscription__email="bo@example.org")
    assert (refused.status, refused.attempts) == (DeliveryStatus.PENDING, 1)
    assert refused.last_error.startswith("SMTPRecipientsRefused")
    assert report.retry_at == refused.next_attempt_at
    assert timedelta(seconds=59) < refused.next_attempt_at - timezone.now() <= timedelta(minutes=1)

    # Not due yet: the next run leaves it; once due, it goes out once the address works.
    assert deliveries_send().failed == 0
    fake_mail.REFUSED.clear()
    Delivery.objects.filter(pk=refused.pk).update(next_attempt_at=timezone.now())
    assert deliveries_send().sent == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["ada@example.org", "bo@example.org", "cy@example.org"]


def test_retries_back_off_and_end_as_failed_messages_an_admin_can_queue_again(three_queued, settings):
    settings.EMAIL_BACKEND = "tests.notifications.fake_mail.DownBackend"
    settings.NOTIFICATIONS_MAX_ATTEMPTS = 3
    first, *others = three_queued
    Delivery.objects.filter(pk__in=[d.pk for d in others]).update(next_attempt_at=timezone.now() + timedelta(days=1))
    waits = []
    for _ in range(3):
        Delivery.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now())
        before = timezone.now()
        report = deliveries_send()
        assert (report.failed, report.server_down) == (1, True)
        delivery = Delivery.objects.get(pk=first.pk)
        waits.append(round((delivery.next_attempt_at - before).total_seconds()))
    assert waits[:2] == [60, 120]  # 1 minute, then 2 (then 4, 8... at most 6 hours)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert "server is down" in delivery.last_error
    assert deliveries_send().failed == 0  # set aside: not tried again by itself

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Delivery.objects.filter(pk__in=[d.pk for d in others]).update(next_attempt_at=timezone.now())
    assert deliveries_send().sent == 2
    assert deliveries_retry(deliveries=[delivery]) == 1
    assert deliveries_send().sent == 1
    assert statuses() == [DeliveryStatus.SENT] * 3
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("unconfirm", "no longer confirmed"),
        ("deactivate", "deactivated"),
        ("members_only", "members-only"),
    ],
)
def test_messages_that_should_no_longer_go_out_are_skipped_with_the_reason(
    published_plan, make_subscription, make_user, change, reason
):
    user = make_user("member@example.org") if change == "deactivate" else None
    subscription = make_subscription(published_plan, "member@example.org", user=user)
    publish_change(published_plan)
    if change == "unconfirm":
        subscription.confirmed_at = None
        subscription.save()
    elif change == "deactivate":
        user.is_active = False
        user.save()
    else:
        published_plan.visibility = "members"
        published_plan.save()
    assert deliveries_send().skipped == 1
    assert mail.outbox == []
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.SKIPPED
    assert reason in delivery.last_error


def test_a_run_stops_at_its_limit_and_says_more_are_due(three_queued):
    report = deliveries_send(limit=2)
    assert (report.sent, report.more) == (2, True)
    report = deliveries_send(limit=2)
    assert (report.sent, report.more) == (1, False)


def test_the_version_and_its_changes_are_read_once_per_run_whatever_the_number_of_readers(
    published_plan, make_subscription
):
    for number in range(8):
        make_subscription(published_plan, f"reader{number}@example.org")
    publish_change(published_plan)
    with CaptureQueriesContext(connection) as queries:
        assert deliveries_send().sent == 8
    version_reads = [q for q in queries if 'FROM "plans_planversion"' in q["sql"]]
    assert len(version_reads) == 2  # the version, and the one before it for the summary
    assert len(queries) <= 8 * 3 + 6  # claim, load, mark per message; a few per run
