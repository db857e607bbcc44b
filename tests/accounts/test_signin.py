"""Sign-in and self-service through allauth: closed sign-up, no account enumeration, rate limits,
the Django admin behind allauth's sign-in, and every allauth page in the portal's layout."""

from __future__ import annotations

import re
import time
from http import HTTPStatus

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

User = get_user_model()


@pytest.mark.parametrize("name", ["account_login", "account_reset_password", "account_signup"])
def test_public_account_pages_use_the_portal_layout(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert "DEI Plan Portal" in content
    assert 'href="#main"' in content  # the portal's skip link: base.html is the layout
    assert "Menu:" not in content  # allauth's bare default layout is gone


@pytest.mark.parametrize("name", ["account_email", "account_change_password", "mfa_index", "usersessions_list"])
def test_own_account_pages_use_the_portal_layout(client, make_user, name, password_sign_in):
    password_sign_in(client, make_user())
    response = client.get(reverse(name))
    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert 'aria-label="Your account"' in content
    assert "Menu:" not in content


def test_sign_in_form_has_visible_labels(client, db):
    content = client.get(reverse("account_login")).content.decode()
    assert re.search(r'<label\s+for="id_login"[^>]*>\s*Email', content)
    assert re.search(r'<label\s+for="id_password"[^>]*>\s*Password', content)


def test_sign_in_by_email_and_password(client, make_user):
    person = make_user("person@example.org")
    response = client.post(
        reverse("account_login"), {"login": "person@example.org", "password": "a-long-test-password"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert int(client.session["_auth_user_id"]) == person.pk


def test_sign_up_is_closed_by_default(client, db):
    response = client.get(reverse("account_signup"))
    assert b"Joining is by invitation" in response.content
    client.post(
        reverse("account_signup"),
        {"email": "me@example.org", "password1": "Blue-heron-42-sings", "password2": "Blue-heron-42-sings"},
    )
    assert not User.objects.filter(email="me@example.org").exists()


def test_sign_up_can_be_opened(client, db, settings):
    settings.OPEN_SIGNUP = True
    response = client.get(reverse("account_signup"))
    assert b"Joining is by invitation" not in response.content
    assert b'name="password1"' in response.content


def test_wrong_password_and_unknown_email_get_the_same_answer(client, make_user):
    make_user("known@example.org")
    known = client.post(reverse("account_login"), {"login": "known@example.org", "password": "wrong-password-1"})
    unknown = client.post(reverse("account_login"), {"login": "unknown@example.org", "password": "wrong-password-1"})
    assert known.status_code == unknown.status_code == HTTPStatus.OK
    assert known.context["form"].errors == unknown.context["form"].errors


def test_password_reset_does_not_reveal_whether_an_account_exists(client, make_user):
    make_user("known@example.org")
    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "unknown@example.org"})
    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [["known@example.org"], ["unknown@example.org"]]


def test_account_emails_have_a_plain_text_part(client, make_user):
    make_user("known@example.org")
    client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    (message,) = mail.outbox
    assert message.content_subtype == "plain"
    assert "/accounts/password/reset/key/" in message.body
    assert message.subject.startswith("[DEI Plan Portal]")


def test_failed_sign_ins_are_rate_limited(client, make_user):
    """5 failures at one account from one address in 5 minutes lock that address out of it, even with the
    right password."""
    make_user("person@example.org")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "person@example.org", "password": "wrong-password-1"})
    response = client.post(
        reverse("account_login"), {"login": "person@example.org", "password": "a-long-test-password"}
    )
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content


def test_password_rules_apply_to_password_changes(client, make_user, password_sign_in):
    person = make_user()
    password_sign_in(client, person)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "a-long-test-password", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == HTTPStatus.OK
    person.refresh_from_db()
    assert person.check_password("a-long-test-password")


def test_django_admin_sign_in_goes_through_allauth(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Fadmin%2F" in response["Location"]


def test_django_admin_refuses_non_staff(client, make_user):
    client.force_login(make_user())
    assert client.get("/admin/login/").status_code == HTTPStatus.FORBIDDEN


def test_editor_with_two_factor_changes_email_with_a_code(client, editor, add_totp, password_sign_in):
    from audit.models import AuditAction, AuditLogEntry

    add_totp(editor)
    client.force_login(editor)
    response = client.post(reverse("account_email"), {"action_add": "", "email": "new.address@example.org"})
    assert response.status_code == HTTPStatus.FOUND, response.content
    (message,) = mail.outbox
    assert message.to == ["new.address@example.org"]
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == HTTPStatus.FOUND, response.content
    editor.refresh_from_db()
    assert editor.email == "new.address@example.org"
    assert AuditLogEntry.objects.filter(action=AuditAction.EMAIL_CHANGED, subject_id=editor.pk).exists()


def test_open_sign_up_does_not_reveal_whether_an_account_exists(db, make_user, settings):
    from django.test import Client

    settings.OPEN_SIGNUP = True
    make_user("known@example.org")
    data = {"name": "Mo Newcomer", "password1": "Blue-heron-42-sings", "password2": "Blue-heron-42-sings"}
    known = Client().post(reverse("account_signup"), {"email": "known@example.org", **data})
    unknown = Client().post(reverse("account_signup"), {"email": "unknown@example.org", **data})
    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"]
    assert User.objects.filter(email__iexact="known@example.org").count() == 1
    assert [m.to for m in mail.outbox] == [["known@example.org"], ["unknown@example.org"]]


def test_adding_someone_elses_email_does_not_reveal_their_account(db, make_user, password_sign_in):
    from django.test import Client

    make_user("known@example.org")
    answers = []
    for me, address in [("a@example.org", "known@example.org"), ("b@example.org", "nobody@example.org")]:
        browser = Client()
        password_sign_in(browser, make_user(me))
        answers.append(browser.post(reverse("account_email"), {"action_add": "", "email": address}))
    assert [r.status_code for r in answers] == [HTTPStatus.FOUND, HTTPStatus.FOUND]
    assert answers[0]["Location"] == answers[1]["Location"]


def _failed_sign_ins(client, count: int, forwarded_for) -> bytes:
    content = b""
    for n in range(count):
        response = client.post(
            reverse("account_login"),
            {"login": f"nobody{n}@example.org", "password": "wrong-password-1"},
            headers={"X-Forwarded-For": forwarded_for(n)},
        )
        content = response.content
    return content


def test_behind_a_proxy_each_client_ip_has_its_own_sign_in_limit(client, db, settings):
    """DJANGO_TRUSTED_PROXY_COUNT=1: the limit of 10 failures a minute counts per visitor, not per proxy."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    assert b"Too many failed login attempts" not in _failed_sign_ins(client, 11, lambda n: f"192.0.2.{n + 1}")
    assert b"Too many failed login attempts" in _failed_sign_ins(client, 11, lambda n: "198.51.100.7")


def test_password_reset_requests_are_rate_limited(client, make_user):
    make_user("person@example.org")
    for _ in range(5):
        client.post(reverse("account_reset_password"), {"email": "person@example.org"})
    response = client.post(reverse("account_reset_password"), {"email": "person@example.org"})
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert b"Too many attempts" in response.content
    assert 'href="#main"' in response.content.decode()  # the portal's layout, not allauth's bare page
    assert len(mail.outbox) == 5


# Failed sign-ins count per address, per address and account, and per account (settings/base.py).

TOO_MANY = b"Too many failed login attempts"
SHARED_ADDRESS, HOME_ADDRESS = "198.51.100.7", "203.0.113.9"
RIGHT, WRONG = "a-long-test-password", "wrong-password-1"


def _sign_in(email: str, password: str, address: str) -> tuple[bool, bool]:
    """One attempt from `address`, in a browser of its own: (signed in?, refused as too many?)."""
    from django.test import Client

    browser = Client()
    response = browser.post(
        reverse("account_login"), {"login": email, "password": password}, headers={"X-Forwarded-For": address}
    )
    return "_auth_user_id" in browser.session, TOO_MANY in response.content


@pytest.fixture
def colleague(make_user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1  # the test client's X-Forwarded-For is the address
    return make_user("colleague@example.org")


def _later(seconds: int):
    from unittest import mock

    return mock.patch("time.time", return_value=time.time() + seconds)


def test_failures_from_a_shared_address_do_not_lock_the_colleague_out_elsewhere(colleague):
    for _ in range(5):
        assert _sign_in(colleague.email, WRONG, SHARED_ADDRESS) == (False, False)
    # That address's tries at that account now wait, even with the right password ...
    assert _sign_in(colleague.email, RIGHT, SHARED_ADDRESS) == (False, True)
    # ... but the account is not locked: the colleague signs in from another address at once.
    assert _sign_in(colleague.email, RIGHT, HOME_ADDRESS) == (True, False)


def test_the_wait_at_the_shared_address_is_short(colleague):
    for _ in range(5):
        _sign_in(colleague.email, WRONG, SHARED_ADDRESS)
    with _later(4 * 60):
        assert _sign_in(colleague.email, RIGHT, SHARED_ADDRESS) == (False, True)
    with _later(5 * 60 + 1):
        assert _sign_in(colleague.email, RIGHT, SHARED_ADDRESS) == (True, False)


def test_failures_at_other_accounts_hold_up_the_shared_address_for_a_minute_at_most(colleague):
    for n in range(9):
        _sign_in(f"nobody{n}@example.org", WRONG, SHARED_ADDRESS)
    assert _sign_in(colleague.email, RIGHT, SHARED_ADDRESS) == (True, False)  # 9 failures: still fine
    for n in range(9, 11):
        _sign_in(f"nobody{n}@example.org", WRONG, SHARED_ADDRESS)
    assert _sign_in(colleague.email, RIGHT, SHARED_ADDRESS) == (False, True)  # over 10 a minute
    assert _sign_in(colleague.email, RIGHT, HOME_ADDRESS) == (True, False)
    with _later(61):
        assert _sign_in(colleague.email, RIGHT, SHARED_ADDRESS) == (True, False)


@pytest.mark.parametrize(("addresses", "locked"), [(14, False), (15, True)])
def test_guessing_one_account_from_many_addresses_meets_a_ceiling(colleague, addresses, locked):
    for n in range(addresses):
        _sign_in(colleague.email, WRONG, f"192.0.2.{n + 1}")
    assert _sign_in(colleague.email, RIGHT, HOME_ADDRESS) == (not locked, locked)


def test_a_refused_try_costs_the_account_nothing(colleague):
    for _ in range(5):
        _sign_in(colleague.email, WRONG, SHARED_ADDRESS)
    for _ in range(20):  # refused at once: none of these count against the account
        assert _sign_in(colleague.email, WRONG, SHARED_ADDRESS) == (False, True)
    for n in range(9):
        _sign_in(colleague.email, WRONG, f"192.0.2.{n + 1}")  # 5 + 9 = 14 counted failures
    assert _sign_in(colleague.email, RIGHT, HOME_ADDRESS) == (True, False)


def test_an_ipv6_network_counts_as_one_address(colleague):
    for n in range(5):  # five addresses of one /64 network, as allauth's own limits see them
        _sign_in(colleague.email, WRONG, f"2001:db8:1:2::{n + 1}")
    assert _sign_in(colleague.email, RIGHT, "2001:db8:1:2::99") == (False, True)
    assert _sign_in(colleague.email, RIGHT, "2001:db8:9:9::1") == (True, False)
