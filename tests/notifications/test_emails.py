"""What each message says, and the list headers every one of them carries (RFC 8058)."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from notifications.models import CommitteePreference, Subscription
from notifications.services import deliveries_send, notify_committee, notify_followers, subscription_request
from plans.models import Role
from plans.services import plan_publish

from .conftest import publish_change

PORTAL = "https://dei.example.org"


@pytest.fixture(autouse=True)
def _https_portal(settings):
    settings.PORTAL_URL = PORTAL


def one_of_each_kind(plan, make_subscription, make_user) -> None:
    """Queue a confirmation, a new-version message, a committee notice and a follower notice."""
    subscription_request(plan=plan, email="new@example.org")
    make_subscription(plan, "reader@example.org")
    publish_change(plan)
    member = make_user("member@example.org", plan=plan, role=Role.EDITOR)
    CommitteePreference.objects.create(plan=plan, user=member, consultations=True)
    notify_committee(
        plan=plan, event="consultations", subject="A consultation opened", text="Have a look.", path="/plans/x/"
    )
    notify_followers(plan=plan, subject="A consultation opened", text="Tell us.", path="/plans/x/")


def test_every_message_carries_one_click_unsubscribe_headers_that_work(published_plan, make_subscription, make_user):
    one_of_each_kind(published_plan, make_subscription, make_user)
    assert deliveries_send().sent == 4
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        headers = message.extra_headers
        match = re.fullmatch(rf"<({PORTAL}/notifications/unsubscribe/[^/>]+/)>", headers["List-Unsubscribe"])
        assert match, headers
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert headers["List-Id"] == "<test-plan.dei.example.org>"
        assert headers["Auto-Submitted"] == "auto-generated"
        link = match[1]
        html = message.alternatives[0].content
        assert link in message.body, message.body  # the same link in the text...
        assert link in html  # ...and in the HTML part
        # The header's address unsubscribes with one POST, as a mail program sends it.
        path = link.removeprefix(PORTAL)
        assert Client(enforce_csrf_checks=True).post(path).status_code == HTTPStatus.OK
    assert not Subscription.objects.exists()
    assert not CommitteePreference.objects.get().consultations


def test_the_new_version_message_has_the_notes_the_changes_and_absolute_links(published_plan, make_subscription):
    make_subscription(published_plan, "reader@example.org")
    publish_change(published_plan, notes="A clearer introduction.\n\n<script>alert(1)</script>")
    deliveries_send()
    (message,) = mail.outbox
    assert message.subject == "[DEI Plan Portal] Version 1.1 of Test plan is published"
    assert message.to == ["reader@example.org"]
    text, html = message.body, message.alternatives[0].content
    assert "A clearer introduction." in text
    assert f"Read it: {PORTAL}/plans/test-plan/v/1.1/" in text
    assert "What changed since version 1.0" in text
    assert "1 section changed." in text
    assert "- 1 Introduction: Changed" in text
    assert f"See every change: {PORTAL}/plans/test-plan/compare/1.0/1.1/" in text
    assert f'href="{PORTAL}/plans/test-plan/v/1.1/"' in html
    assert f'href="{PORTAL}/plans/test-plan/compare/1.0/1.1/"' in html
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert message.alternatives[0].mimetype == "text/html"


def test_the_first_version_has_no_comparison(plan, make_subscription):
    make_subscription(plan, "reader@example.org")
    plan_publish(plan=plan, notes="The first version.")
    deliveries_send()
    (message,) = mail.outbox
    assert "Version 1.0 of Test plan" in message.subject
    assert "compare" not in message.body
    assert "What changed since" not in message.body


def test_signed_in_followers_are_greeted_by_name_and_get_the_link_to_their_subscriptions(
    published_plan, make_subscription, make_user, monkeypatch
):
    user = make_user("reader@example.org")
    fields = {field.name for field in get_user_model()._meta.get_fields()}
    if "name" in fields:  # the coming user model: display_name comes from name
        user.name = "Ada Reader"
        user.save()
    else:
        monkeypatch.setattr(get_user_model(), "display_name", "Ada Reader", raising=False)
    make_subscription(published_plan, user.email, user=user)
    publish_change(published_plan)
    deliveries_send()
    (message,) = mail.outbox
    assert message.body.startswith("Hello Ada Reader,")
    assert f"Your subscriptions: {PORTAL}/notifications/" in message.body


def test_the_confirmation_message_links_to_the_confirmation_page(published_plan):
    subscription_request(plan=published_plan, email="new@example.org")
    deliveries_send()
    (message,) = mail.outbox
    assert message.subject == "[DEI Plan Portal] Confirm: emails about Test plan"
    assert re.search(rf"{PORTAL}/plans/test-plan/subscribe/confirm/\S+/", message.body)
    assert "works for 3 days" in message.body


def test_a_signed_in_follower_is_written_to_at_their_current_address(published_plan, make_subscription, make_user):
    user = make_user("old@example.org")
    make_subscription(published_plan, "old@example.org", user=user)
    user.email = "new@example.org"
    user.save()
    publish_change(published_plan)
    deliveries_send()
    assert [m.to for m in mail.outbox] == [["new@example.org"]]
