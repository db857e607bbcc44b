"""Publishing queues the messages, inside its transaction: who gets one, and never twice."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from notifications.models import Delivery, DeliveryKind, DeliveryStatus
from notifications.services import SubscriptionError, deliveries_queue_for_version, subscription_request
from plans import hooks
from plans.models import PlanVersion

from .conftest import publish_change


def queued_to(version) -> list[str]:
    return sorted(d.subscription.recipient for d in Delivery.objects.filter(version=version))


def test_one_message_per_confirmed_subscriber_and_none_for_unconfirmed(published_plan, make_subscription):
    for email in ["ada@example.org", "bo@example.org"]:
        make_subscription(published_plan, email)
    make_subscription(published_plan, "waiting@example.org", confirmed=False)
    version = publish_change(published_plan)
    assert queued_to(version) == ["ada@example.org", "bo@example.org"]
    assert {(d.kind, d.status, d.attempts) for d in Delivery.objects.all()} == {
        (DeliveryKind.NEW_VERSION, DeliveryStatus.PENDING, 0)
    }
    assert mail.outbox == []


def test_a_members_only_plan_mails_only_signed_in_followers_with_an_active_account(
    members_plan, make_subscription, make_user
):
    active, gone = make_user("active@example.org"), make_user("gone@example.org", is_active=False)
    make_subscription(members_plan, active.email, user=active)
    make_subscription(members_plan, gone.email, user=gone)
    make_subscription(members_plan, "anonymous@example.org")  # from when the plan was public
    version = publish_change(members_plan)
    assert queued_to(version) == ["active@example.org"]


def test_an_address_followed_both_ways_gets_one_message(published_plan, make_subscription, make_user):
    user = make_user("new@example.org")
    make_subscription(published_plan, "old@example.org", user=user)  # the account's address changed since
    make_subscription(published_plan, "new@example.org")
    version = publish_change(published_plan)
    assert queued_to(version) == ["new@example.org"]


def test_a_version_is_never_queued_twice_to_anyone(published_plan, make_subscription):
    make_subscription(published_plan, "ada@example.org")
    version = publish_change(published_plan)
    assert deliveries_queue_for_version(version) == 1  # the listener called again: nothing new is written
    assert Delivery.objects.count() == 1
    delivery = Delivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(
            kind=DeliveryKind.NEW_VERSION, plan=published_plan, subscription=delivery.subscription, version=version
        )


def test_the_messages_roll_back_with_a_publication_that_fails(published_plan, make_subscription, monkeypatch):
    make_subscription(published_plan, "ada@example.org")

    def broken_listener(version):
        raise RuntimeError("the search index is down")

    monkeypatch.setattr(hooks, "_publish_listeners", [*hooks._publish_listeners, broken_listener])
    with pytest.raises(RuntimeError):
        publish_change(published_plan)
    assert PlanVersion.objects.filter(plan=published_plan).count() == 1
    assert not Delivery.objects.exists()


def test_sending_starts_after_the_commit_and_only_when_something_was_queued(
    published_plan, make_subscription, django_capture_on_commit_callbacks
):
    def ours(callbacks):  # publishing queues other work too (the version's PDF)
        return [c for c in callbacks if getattr(c, "__module__", "").startswith("notifications")]

    with django_capture_on_commit_callbacks() as callbacks:
        publish_change(published_plan)
    assert ours(callbacks) == []  # no subscriber: no task

    make_subscription(published_plan, "ada@example.org")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        version = publish_change(published_plan, notes="Third version.")
        assert mail.outbox == []  # nothing is sent inside the publishing transaction
    assert len(ours(callbacks)) == 1
    # The test settings' immediate backend ran the task after the commit.
    assert [m.to for m in mail.outbox] == [["ada@example.org"]]
    assert Delivery.objects.get(version=version).status == DeliveryStatus.SENT


def test_nobody_follows_a_members_only_plan_without_an_account(members_plan):
    with pytest.raises(SubscriptionError, match="signed-in collaborators"):
        subscription_request(plan=members_plan, email="anyone@example.org")
    assert not Delivery.objects.exists()
