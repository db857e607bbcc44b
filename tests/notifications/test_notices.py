"""notify_followers: a notice (a consultation opening, say) to everyone who follows the plan."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Delivery, DeliveryKind, DeliveryStatus
from notifications.services import NoticeError, deliveries_send, notify_followers


@pytest.fixture
def followers(published_plan, make_subscription, make_user):
    member = make_user("member@example.org")
    make_subscription(published_plan, member.email, user=member)
    make_subscription(published_plan, "anonymous@example.org")
    make_subscription(published_plan, "waiting@example.org", confirmed=False)
    return published_plan


def test_every_confirmed_follower_is_told_once(followers, settings):
    settings.PORTAL_URL = "https://dei.example.org"
    deliveries = notify_followers(
        plan=followers, subject="A consultation on version 2.0 is open", text="Until 1 March.", path="/plans/x/c/"
    )
    assert sorted(d.subscription.email for d in deliveries) == ["anonymous@example.org", "member@example.org"]
    assert {d.kind for d in deliveries} == {DeliveryKind.FOLLOWER_NOTICE}
    assert deliveries_send().sent == 2
    message = next(m for m in mail.outbox if m.to == ["anonymous@example.org"])
    assert message.subject == "[DEI Plan Portal] Test plan: A consultation on version 2.0 is open"
    assert "Until 1 March." in message.body
    assert "Open it: https://dei.example.org/plans/x/c/" in message.body
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://dei.example.org/notifications/unsubscribe/")


def test_a_notice_for_signed_in_collaborators_skips_anonymous_followers(followers):
    deliveries = notify_followers(plan=followers, subject="Consultation open", text="", path="/", signed_in_only=True)
    assert [d.subscription.email for d in deliveries] == ["member@example.org"]
    # Also checked again when sending: a follower who is anonymous by then gets nothing.
    delivery = deliveries[0]
    delivery.subscription.user = None
    delivery.subscription.save()
    assert deliveries_send().skipped == 1
    assert Delivery.objects.get().status == DeliveryStatus.SKIPPED
    assert mail.outbox == []


def test_a_malformed_notice_queues_nothing(followers):
    with pytest.raises(NoticeError):
        notify_followers(plan=followers, subject="", text="", path="/")
    with pytest.raises(NoticeError):
        notify_followers(plan=followers, subject="Open", text="", path="javascript:alert(1)")
    assert not Delivery.objects.exists()
