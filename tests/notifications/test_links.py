"""The emailed links: confirming (expiry, forgery, replay, link scanners) and one-click unsubscribe."""

from __future__ import annotations

import re
import time
from http import HTTPStatus
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client

from notifications import tokens
from notifications.models import Delivery, Subscription
from notifications.services import deliveries_send

from .conftest import publish_change


def confirm_url(subscription) -> str:
    return f"/plans/{subscription.plan.slug}/subscribe/confirm/{tokens.confirmation_token(subscription)}/"


def unsubscribe_url(subscription) -> str:
    return f"/notifications/unsubscribe/{tokens.subscription_unsubscribe_token(subscription)}/"


@pytest.fixture
def waiting(published_plan, make_subscription):
    return make_subscription(published_plan, "reader@example.org", confirmed=False)


# Confirming ---------------------------------------------------------------------------------


def test_the_emailed_link_confirms_only_by_the_button_not_by_opening_it(
    client, published_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/plans/{published_plan.slug}/subscribe/", {"email": "reader@example.org"})
    link = re.search(r"http://localhost:8000(/plans/test-plan/subscribe/confirm/\S+/)", mail.outbox[0].body)[1]

    for _ in range(3):  # a mail scanner opening the link
        page = client.get(link)
        assert page.status_code == HTTPStatus.OK
        assert b"Yes, email me about new versions" in page.content
    assert not Subscription.objects.get().is_confirmed

    response = client.post(link)
    assert response.status_code == HTTPStatus.OK
    assert b"You follow Test plan" in response.content
    assert Subscription.objects.get().is_confirmed


def test_a_replayed_confirmation_changes_nothing(client, waiting):
    link = confirm_url(waiting)
    client.post(link)
    first = Subscription.objects.get().confirmed_at
    again = client.post(link)
    assert again.status_code == HTTPStatus.OK
    assert Subscription.objects.get().confirmed_at == first
    assert Subscription.objects.count() == 1
    assert b"already follows" in client.get(link).content


def test_an_expired_link_is_refused_and_offers_a_new_one(client, waiting):
    four_days_ago = time.time() - 4 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        link = confirm_url(waiting)
    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == HTTPStatus.GONE
        assert b"This link has expired" in response.content
        assert b'href="/plans/test-plan/subscribe/"' in response.content
    assert not Subscription.objects.get().is_confirmed


def test_a_link_within_its_lifetime_still_works(client, waiting):
    two_days_ago = time.time() - 2 * 24 * 60 * 60
    with mock.patch("django.core.signing.time.time", return_value=two_days_ago):
        link = confirm_url(waiting)
    assert client.post(link).status_code == HTTPStatus.OK
    assert Subscription.objects.get().is_confirmed


def _alter(token: str) -> str:
    payload, rest = token.split(":", 1)
    return ("A" if payload[0] != "A" else "B") + payload[1:] + ":" + rest


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda s: "not-a-token", id="garbage"),
        pytest.param(lambda s: _alter(tokens.confirmation_token(s)), id="altered"),
        pytest.param(lambda s: tokens.confirmation_token(s)[:-2] + "xx", id="bad-signature"),
        pytest.param(lambda s: tokens.subscription_unsubscribe_token(s), id="another-link's-token"),
        pytest.param(
            lambda s: signing.dumps({"s": s.pk, "a": "0" * 16}, salt=tokens.CONFIRM_SALT), id="wrong-address-tag"
        ),
        pytest.param(lambda s: signing.dumps({"s": s.pk}, key="guessed", salt=tokens.CONFIRM_SALT), id="forged"),
        pytest.param(lambda s: signing.dumps(["s", s.pk], salt=tokens.CONFIRM_SALT), id="wrong-shape"),
    ],
)
def test_forged_or_altered_confirmation_links_never_work(client, waiting, make_token):
    link = f"/plans/{waiting.plan.slug}/subscribe/confirm/{make_token(waiting)}/"
    for method in (client.get, client.post):
        response = method(link)
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert b"This link is not valid" in response.content
    assert not Subscription.objects.get().is_confirmed


def test_a_link_for_one_plan_does_not_confirm_under_another(client, waiting, make_plan):
    from plans.services import plan_publish

    other = make_plan("other-plan", title="Other plan")
    plan_publish(plan=other, notes="First.")
    token = tokens.confirmation_token(waiting)
    assert client.post(f"/plans/other-plan/subscribe/confirm/{token}/").status_code == HTTPStatus.BAD_REQUEST
    assert not Subscription.objects.get().is_confirmed


def test_a_confirmation_link_stops_working_once_unsubscribed(client, waiting):
    link = confirm_url(waiting)
    client.post(unsubscribe_url(waiting))
    assert client.post(link).status_code == HTTPStatus.BAD_REQUEST
    assert not Subscription.objects.exists()


def test_a_members_only_plan_hides_its_confirmation_page_from_visitors(client, members_plan, make_subscription):
    subscription = make_subscription(members_plan, "reader@example.org", confirmed=False)
    assert client.post(confirm_url(subscription)).status_code == HTTPStatus.NOT_FOUND
    assert not Subscription.objects.get().is_confirmed


# Unsubscribing ------------------------------------------------------------------------------


def test_opening_the_unsubscribe_link_asks_first(client, published_plan, make_subscription):
    subscription = make_subscription(published_plan, "reader@example.org")
    response = client.get(unsubscribe_url(subscription))
    assert response.status_code == HTTPStatus.OK
    assert b"Stop these emails" in response.content
    assert b"reader@example.org" not in response.content
    assert Subscription.objects.exists()


def test_one_click_unsubscribe_works_without_session_or_csrf_token_and_drops_queued_messages(
    published_plan, make_subscription
):
    subscription = make_subscription(published_plan, "reader@example.org")
    publish_change(published_plan)
    assert Delivery.objects.filter(subscription=subscription).count() == 1
    mail_program = Client(enforce_csrf_checks=True)  # no cookie, no token: as a mail program posts

    response = mail_program.post(
        unsubscribe_url(subscription),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == HTTPStatus.OK
    assert b"Emails stopped" in response.content
    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()
    assert deliveries_send().sent == 0
    # Clicking again is harmless.
    assert mail_program.post(unsubscribe_url(subscription)).status_code == HTTPStatus.OK
    assert b"nothing to stop" in mail_program.get(unsubscribe_url(subscription)).content


@pytest.mark.parametrize("token", ["garbage", "eyJzIjoxfQ:1abc:def"])
def test_forged_unsubscribe_links_change_nothing(published_plan, make_subscription, token):
    make_subscription(published_plan, "reader@example.org")
    response = Client(enforce_csrf_checks=True).post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert Subscription.objects.exists()


def test_an_altered_unsubscribe_token_cannot_reach_another_subscription(published_plan, make_subscription):
    mine = make_subscription(published_plan, "me@example.org")
    theirs = make_subscription(published_plan, "them@example.org")
    token = tokens.subscription_unsubscribe_token(mine)
    payload = signing.b64_decode(token.split(":")[0].encode()).replace(
        f'"s":{mine.pk}'.encode(), f'"s":{theirs.pk}'.encode()
    )
    forged = signing.b64_encode(payload).decode() + token[token.index(":") :]
    assert Client().post(f"/notifications/unsubscribe/{forged}/").status_code == HTTPStatus.BAD_REQUEST
    assert Subscription.objects.count() == 2


def test_only_the_unsubscribe_link_skips_the_csrf_check(published_plan):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"/plans/{published_plan.slug}/subscribe/", {"email": "reader@example.org"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not Subscription.objects.exists()
