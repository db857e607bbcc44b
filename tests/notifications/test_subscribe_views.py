"""/plans/<slug>/subscribe/: who may follow a plan, bad input, rate limits, and no enumeration."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from notifications.models import Delivery, DeliveryKind, Subscription
from plans.models import Role

URL = "/plans/{slug}/subscribe/"


def url(plan) -> str:
    return URL.format(slug=plan.slug)


def ask(client, plan, email: str, **extra):
    return client.post(url(plan), {"email": email}, **extra)


# Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [None, "collaborator", Role.EDITOR, Role.PUBLISHER])
def test_everyone_who_can_read_a_public_plan_may_follow_it(client, published_plan, make_user, role):
    if role is not None:
        client.force_login(make_user(plan=published_plan, role=None if role == "collaborator" else role))
    response = client.get(url(published_plan))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Follow Test plan by email" in page
    if role is None:
        assert 'name="email"' in page
    else:
        assert 'name="email"' not in page  # signed in: one click, with the account's address
        assert 'value="follow"' in page
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_members_only_plan_is_a_404_with_a_sign_in_link_for_visitors(client, members_plan, method):
    response = getattr(client, method)(url(members_plan), {"email": "someone@example.org"} if method == "post" else {})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"Members plan" not in response.content
    assert b"/accounts/login/?next=" in response.content
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("role", ["collaborator", Role.EDITOR, Role.PUBLISHER])
def test_signed_in_readers_follow_a_members_only_plan_in_one_click(client, members_plan, make_user, role):
    user = make_user(plan=members_plan, role=None if role == "collaborator" else role)
    client.force_login(user)
    assert client.get(url(members_plan)).status_code == HTTPStatus.OK
    response = client.post(url(members_plan), {"action": "follow"}, follow=True)
    assert response.status_code == HTTPStatus.OK
    subscription = Subscription.objects.get(plan=members_plan)
    assert (subscription.user, subscription.email, subscription.is_confirmed) == (user, user.email, True)
    assert b"You follow Members plan" in response.content


@pytest.mark.parametrize("role", [None, Role.EDITOR])
def test_a_plan_with_nothing_published_is_a_404(client, plan, make_user, role):
    if role is not None:
        client.force_login(make_user(plan=plan, role=role))
    assert client.get(url(plan)).status_code == HTTPStatus.NOT_FOUND
    assert ask(client, plan, "someone@example.org").status_code == HTTPStatus.NOT_FOUND
    assert not Subscription.objects.exists()


def test_an_unknown_plan_is_a_404(client, db):
    assert client.get("/plans/no-such-plan/subscribe/").status_code == HTTPStatus.NOT_FOUND


def test_other_methods_are_refused(client, published_plan):
    assert client.put(url(published_plan)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# Anonymous requests -------------------------------------------------------------------------


def test_a_visitor_gets_a_confirmation_link_and_is_not_subscribed_until_confirming(
    client, published_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, published_plan, "  Reader@Example.ORG ")
    assert response.status_code == HTTPStatus.OK
    assert b"Check your email" in response.content
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.user, subscription.is_confirmed) == ("reader@example.org", None, False)
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "Confirm" in message.subject
    assert re.search(r"http://localhost:8000/plans/test-plan/subscribe/confirm/\S+/", message.body)
    assert Delivery.objects.get().kind == DeliveryKind.CONFIRMATION


@pytest.mark.parametrize(
    ("email", "error"),
    [
        ("", b"This field is required"),
        ("not-an-address", b"Enter a valid email address"),
        ("a@b@example.org", b"Enter a valid email address"),
        ("x" * 250 + "@example.org", b"at most 254 characters"),
        ("<script>alert(1)</script>@example.org", b"Enter a valid email address"),
    ],
)
def test_bad_addresses_are_refused_with_a_clear_message(client, published_plan, email, error):
    response = ask(client, published_plan, email)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert error in response.content
    assert b"<script>alert" not in response.content
    assert not Subscription.objects.exists()
    assert not Delivery.objects.exists()


def test_asking_again_before_confirming_sends_a_new_link_but_keeps_one_subscription(
    client, published_plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, published_plan, "reader@example.org")
        ask(client, published_plan, "READER@example.org")
    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 2


# No enumeration -----------------------------------------------------------------------------


def test_the_answer_is_the_same_whatever_the_address_state(
    client, published_plan, make_subscription, make_user, django_capture_on_commit_callbacks
):
    make_subscription(published_plan, "waiting@example.org", confirmed=False)
    make_subscription(published_plan, "confirmed@example.org")
    member = make_user("member@example.org")
    make_subscription(published_plan, member.email, user=member)

    def answer(email: str) -> tuple[int, str]:
        response = ask(client, published_plan, email)
        return response.status_code, response.content.decode().replace(email, "EMAIL")

    with django_capture_on_commit_callbacks(execute=True):
        answers = {
            state: answer(email)
            for state, email in {
                "new": "new@example.org",
                "waiting": "waiting@example.org",
                "confirmed": "confirmed@example.org",
                "account": "member@example.org",
            }.items()
        }
    assert answers["new"][0] == HTTPStatus.OK
    assert len(set(answers.values())) == 1, answers
    # Only the addresses that still need to confirm got a message; the others nothing.
    assert sorted(m.to[0] for m in mail.outbox) == ["new@example.org", "waiting@example.org"]


# Rate limits --------------------------------------------------------------------------------


def test_requests_from_one_client_are_limited_with_a_clear_429(client, published_plan, settings):
    settings.NOTIFICATIONS_SUBSCRIBE_LIMIT_PER_IP = (3, 600)
    for number in range(3):
        assert ask(client, published_plan, f"person{number}@example.org").status_code == HTTPStatus.OK
    response = ask(client, published_plan, "person9@example.org")
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert response["Retry-After"] == "600"
    assert b"Too many requests" in response.content
    assert b"Wait 10 minutes" in response.content
    assert not Subscription.objects.filter(email="person9@example.org").exists()
    # Invalid input counts too, and another client is not affected.
    assert ask(client, published_plan, "bad").status_code == HTTPStatus.TOO_MANY_REQUESTS
    other = ask(client, published_plan, "person9@example.org", REMOTE_ADDR="192.0.2.7")
    assert other.status_code == HTTPStatus.OK


@pytest.mark.parametrize("confirmed", [None, False, True])
def test_requests_for_one_address_are_limited_whatever_its_state(
    client, published_plan, make_subscription, settings, confirmed
):
    settings.NOTIFICATIONS_SUBSCRIBE_LIMIT_PER_ADDRESS = (2, 3600)
    if confirmed is not None:
        make_subscription(published_plan, "target@example.org", confirmed=confirmed)
    statuses = [
        ask(client, published_plan, "Target@example.org", REMOTE_ADDR=f"192.0.2.{n}").status_code for n in range(1, 4)
    ]
    assert statuses == [HTTPStatus.OK, HTTPStatus.OK, HTTPStatus.TOO_MANY_REQUESTS]
    assert ask(client, published_plan, "another@example.org", REMOTE_ADDR="192.0.2.9").status_code == HTTPStatus.OK


def test_the_limit_counts_the_client_behind_a_trusted_proxy(client, published_plan, settings):
    settings.NOTIFICATIONS_SUBSCRIBE_LIMIT_PER_IP = (1, 600)
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    first = ask(client, published_plan, "a@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1")
    second = ask(client, published_plan, "b@example.org", HTTP_X_FORWARDED_FOR="198.51.100.2")
    again = ask(client, published_plan, "c@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert [first.status_code, second.status_code, again.status_code] == [
        HTTPStatus.OK,
        HTTPStatus.OK,
        HTTPStatus.TOO_MANY_REQUESTS,
    ]


# Signed-in readers --------------------------------------------------------------------------


def test_one_click_follow_is_confirmed_at_once_and_clicking_twice_keeps_one(client, published_plan, make_user):
    user = make_user("reader@example.org")
    client.force_login(user)
    for _ in range(2):
        response = client.post(url(published_plan), {"action": "follow", "email": "other@example.org"})
        assert response.status_code == HTTPStatus.FOUND
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.user, subscription.is_confirmed) == ("reader@example.org", user, True)
    assert not Delivery.objects.exists()  # a verified address needs no confirmation email
    page = client.get(url(published_plan)).content.decode()
    assert "You follow this plan." in page
    assert user.email not in page  # the header names the account by its display name

    client.post(url(published_plan), {"action": "stop"})
    assert not Subscription.objects.exists()


def test_following_signed_in_takes_over_an_earlier_anonymous_request_for_the_same_address(
    client, published_plan, make_user, make_subscription
):
    user = make_user("reader@example.org")
    make_subscription(published_plan, "reader@example.org", confirmed=False)
    client.force_login(user)
    client.post(url(published_plan), {"action": "follow"})
    subscription = Subscription.objects.get()
    assert (subscription.user, subscription.is_confirmed) == (user, True)


def test_an_account_with_an_unverified_address_gets_a_confirmation_link_instead(
    client, published_plan, make_user, django_capture_on_commit_callbacks
):
    user = make_user("unverified@example.org")
    EmailAddress.objects.filter(user=user).update(verified=False)
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(published_plan), {"action": "follow"}, follow=True)
    assert b"not verified yet" in response.content
    assert not Subscription.objects.get().is_confirmed
    assert [m.to for m in mail.outbox] == [["unverified@example.org"]]


def test_the_public_pages_link_to_the_subscription_page(client, published_plan):
    response = client.get(f"/plans/{published_plan.slug}/")
    assert f'href="{url(published_plan)}"'.encode() in response.content
    assert b"Follow this plan" in response.content
