"""The issue's test, through the real worker: publishing queues, `db_worker` sends, once.

These tests commit for real (the worker runs tasks in its own transactions) and use the
database task backend, as production does.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications.models import Delivery, DeliveryKind, DeliveryStatus
from notifications.tasks import send_queued_email
from plans.services import plan_publish

from .conftest import publish_change
from .fake_mail import DownBackend

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("db_tasks")]

CONFIRMED = ["ada@example.org", "bo@example.org", "cy@example.org"]
UNCONFIRMED = ["dee@example.org", "ed@example.org"]


def _email_tasks():
    # Publishing queues other work too (the version's PDF): count the email task only.
    return DBTaskResult.objects.filter(task_path__endswith="send_queued_email")


@pytest.fixture
def followed_plan(published_plan, make_subscription):
    for email in CONFIRMED:
        make_subscription(published_plan, email)
    for email in UNCONFIRMED:
        make_subscription(published_plan, email, confirmed=False)
    return published_plan


def test_publishing_queues_one_message_per_confirmed_subscriber_and_the_worker_sends_each_once(
    followed_plan, run_worker
):
    version = publish_change(followed_plan)

    queued = Delivery.objects.filter(version=version)
    assert sorted(d.subscription.email for d in queued) == CONFIRMED  # none for the unconfirmed
    assert {d.status for d in queued} == {DeliveryStatus.PENDING}
    assert mail.outbox == []  # publishing sent nothing itself
    assert _email_tasks().filter(status=TaskResultStatus.READY).count() == 1

    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == CONFIRMED
    assert {d.status for d in Delivery.objects.filter(version=version)} == {DeliveryStatus.SENT}
    assert all("Version 1.1" in m.subject for m in mail.outbox)

    # A second run, even with the task queued again, sends nothing more.
    send_queued_email.enqueue()
    run_worker()
    assert len(mail.outbox) == len(CONFIRMED)
    assert not _email_tasks().filter(status=TaskResultStatus.READY).exists()


def test_a_mail_server_that_is_down_leaves_the_messages_queued_and_a_later_run_sends_each_once(
    followed_plan, run_worker, settings
):
    settings.EMAIL_BACKEND = "tests.notifications.fake_mail.DownBackend"
    DownBackend.attempts = 0
    version = publish_change(followed_plan)

    run_worker()

    deliveries = list(Delivery.objects.filter(version=version).order_by("pk"))
    assert len(deliveries) == len(CONFIRMED)
    assert all(d.status == DeliveryStatus.PENDING for d in deliveries)
    # The first one met the dead server and waits with its error; the run stopped rather than
    # try the others against it, so they are untouched.
    assert (deliveries[0].attempts, deliveries[0].last_error.split(":")[0]) == (1, "SMTPException")
    assert deliveries[0].next_attempt_at > deliveries[0].created_at
    assert [d.attempts for d in deliveries[1:]] == [0, 0]
    assert DownBackend.attempts == 1
    # A retry is scheduled for when the failed message is due again.
    retry = _email_tasks().get(status=TaskResultStatus.READY)
    assert retry.run_after == deliveries[0].next_attempt_at

    # The server is back and the retry is due: the later run sends each message once.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=retry.run_after - timedelta(hours=1))
    Delivery.objects.filter(version=version).update(next_attempt_at=deliveries[0].created_at)
    run_worker()

    assert sorted(m.to[0] for m in mail.outbox) == CONFIRMED
    assert {d.status for d in Delivery.objects.filter(version=version)} == {DeliveryStatus.SENT}

    send_queued_email.enqueue()
    run_worker()
    assert len(mail.outbox) == len(CONFIRMED)


def test_queued_messages_wait_while_no_worker_runs_and_a_failed_publish_queues_nothing(followed_plan, run_worker):
    version = publish_change(followed_plan)
    assert Delivery.objects.filter(version=version, kind=DeliveryKind.NEW_VERSION).count() == len(CONFIRMED)
    # Publishing refuses an unchanged draft: nothing new is queued with it.
    with pytest.raises(Exception, match="Nothing has changed"):
        plan_publish(plan=followed_plan, notes="Again.")
    assert Delivery.objects.count() == len(CONFIRMED)
    assert _email_tasks().filter(status=TaskResultStatus.READY).count() == 1
    assert mail.outbox == []
    run_worker()  # the worker starts later: the messages go out then
    assert len(mail.outbox) == len(CONFIRMED)
