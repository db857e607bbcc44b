"""`send_queued_email`, the clean-ups the sending task does, the admin's "send again", the deploy check."""

from __future__ import annotations

from datetime import timedelta
from http import HTTPStatus
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from notifications.checks import portal_url_is_https
from notifications.models import Delivery, DeliveryStatus, Subscription
from notifications.services import deliveries_prune, subscriptions_prune

from .conftest import publish_change


@pytest.fixture
def two_queued(published_plan, make_subscription):
    make_subscription(published_plan, "ada@example.org")
    make_subscription(published_plan, "bo@example.org")
    publish_change(published_plan)


def test_the_command_sends_what_is_due_and_says_so(two_queued):
    out = StringIO()
    call_command("send_queued_email", stdout=out)
    assert out.getvalue().strip() == "Sent 2, failed 0, skipped 0."
    assert len(mail.outbox) == 2
    call_command("send_queued_email", stdout=out)
    assert len(mail.outbox) == 2


def test_the_command_fails_loudly_when_the_mail_server_is_down(two_queued, settings):
    settings.EMAIL_BACKEND = "tests.notifications.fake_mail.DownBackend"
    with pytest.raises(CommandError, match=r"The mail server failed .* stay queued"):
        call_command("send_queued_email", stdout=StringIO())
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}


def test_requests_nobody_confirmed_are_forgotten_once_long_expired(published_plan, make_subscription):
    old = make_subscription(published_plan, "old@example.org", confirmed=False)
    recent = make_subscription(published_plan, "recent@example.org", confirmed=False)
    confirmed = make_subscription(published_plan, "confirmed@example.org")
    Subscription.objects.filter(pk__in=[old.pk, confirmed.pk]).update(requested_at=timezone.now() - timedelta(days=7))
    assert subscriptions_prune() == 1
    assert set(Subscription.objects.values_list("pk", flat=True)) == {recent.pk, confirmed.pk}


def test_old_sent_messages_are_forgotten_but_waiting_ones_never(two_queued):
    sent, waiting = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=sent.pk).update(status=DeliveryStatus.SENT)
    Delivery.objects.update(created_at=timezone.now() - timedelta(days=100))
    assert deliveries_prune() == 1
    assert list(Delivery.objects.values_list("pk", flat=True)) == [waiting.pk]


def test_an_admin_queues_failed_messages_again(admin_client, two_queued):
    Delivery.objects.update(status=DeliveryStatus.FAILED, attempts=20)
    response = admin_client.post(
        "/admin/notifications/delivery/",
        {"action": "send_again", "_selected_action": list(Delivery.objects.values_list("pk", flat=True))},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.PENDING, 0)}


@pytest.mark.parametrize(("url", "warnings"), [("http://dei.example.org", 1), ("https://dei.example.org", 0)])
def test_the_deploy_check_wants_an_https_portal_url(settings, url, warnings):
    settings.PORTAL_URL = url
    assert len(portal_url_is_https(None)) == warnings
