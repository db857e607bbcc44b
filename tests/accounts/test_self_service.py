"""Self-service through allauth: email verification, password reset, two-factor sign-in with a code
or a recovery code, and signing out everywhere else."""

from __future__ import annotations

import base64
import re
from http import HTTPStatus

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditLogEntry

from .conftest import totp_code

User = get_user_model()
PASSWORD = "a-long-test-password"


def _link(message, marker: str) -> str:
    return "/" + re.search(rf"https?://[^/\s]+/({marker}\S+)", message.body).group(1)


def test_the_totp_helper_matches_the_rfc_6238_test_vector():
    # RFC 6238 appendix B: the ASCII secret "12345678901234567890" at 59 s gives 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp_code(secret, at=59) == "287082"
    assert totp_code(secret, at=1111111109) == "081804"  # 07081804


def test_open_sign_up_needs_the_email_verified_before_signing_in(client, db, settings):
    settings.OPEN_SIGNUP = True
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Mo Newcomer",
            "email": "me@example.org",
            "password1": "Blue-heron-42-sings",
            "password2": "Blue-heron-42-sings",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session
    user = User.objects.get(email="me@example.org")
    assert user.name == "Mo Newcomer"
    assert AuditLogEntry.objects.filter(
        action=AuditAction.ACCOUNT_CREATED, subject_id=user.pk, actor_id=user.pk
    ).exists()
    assert not EmailAddress.objects.get(user=user).verified
    (message,) = mail.outbox
    assert message.content_subtype == "plain"

    # Verification is by a code typed on the page the sign-up leads to (see settings/base.py).
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", message.body, re.MULTILINE).group(1)
    assert client.post(response["Location"], {"code": "WRONG-CODE"}).status_code == HTTPStatus.OK
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(user=user).verified
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_up_rules_include_the_password_validators(client, db, settings):
    settings.OPEN_SIGNUP = True
    response = client.post(
        reverse("account_signup"),
        {"name": "Mo", "email": "me@example.org", "password1": "12345678", "password2": "12345678"},
    )
    assert response.status_code == HTTPStatus.OK
    assert not User.objects.filter(email="me@example.org").exists()


def test_password_reset_by_email_sets_a_new_password(client, make_user):
    person = make_user("person@example.org")
    client.post(reverse("account_reset_password"), {"email": "person@example.org"})
    (message,) = mail.outbox
    # allauth moves the key from the link into the session, then shows the form at another address.
    form_url = client.get(_link(message, "accounts/password/reset/key/"), follow=True).redirect_chain[-1][0]
    response = client.post(form_url, {"password1": "Another-long-pass-77", "password2": "Another-long-pass-77"})
    assert response.status_code == HTTPStatus.FOUND, response.content
    person.refresh_from_db()
    assert person.check_password("Another-long-pass-77")
    assert AuditLogEntry.objects.filter(action=AuditAction.PASSWORD_RESET, subject_id=person.pk).exists()
    assert "_auth_user_id" not in client.session  # a reset link alone never signs anyone in


def test_password_reset_link_works_once(client, make_user):
    make_user("person@example.org")
    client.post(reverse("account_reset_password"), {"email": "person@example.org"})
    link = _link(mail.outbox[0], "accounts/password/reset/key/")
    response = client.get(link, follow=True)
    client.post(
        response.redirect_chain[-1][0], {"password1": "Another-long-pass-77", "password2": "Another-long-pass-77"}
    )
    again = Client().get(link, follow=True)
    assert b'name="password1"' not in again.content


def test_sign_in_with_totp_needs_the_code(client, make_user, add_totp):
    person = make_user("person@example.org")
    secret = add_totp(person)
    response = client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert int(client.session["_auth_user_id"]) == person.pk


def test_open_sign_up_asks_for_a_name(client, db, settings):
    settings.OPEN_SIGNUP = True
    page = client.get(reverse("account_signup")).content.decode()
    assert page.index('name="name"') < page.index('name="email"')
    response = client.post(
        reverse("account_signup"),
        {
            "name": "  ",
            "email": "me@example.org",
            "password1": "Blue-heron-42-sings",
            "password2": "Blue-heron-42-sings",
        },
    )
    assert response.status_code == HTTPStatus.OK
    assert "name" in response.context["form"].errors
    assert not User.objects.filter(email="me@example.org").exists()


def test_a_recovery_code_signs_in_once(make_user, set_up_two_factor):
    person = make_user("person@example.org")
    _secret, codes = set_up_two_factor(Client(), person)
    code = codes[0]

    first = Client()
    first.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    first.post(reverse("mfa_authenticate"), {"code": code})
    assert int(first.session["_auth_user_id"]) == person.pk

    second = Client()
    second.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    second.post(reverse("mfa_authenticate"), {"code": code})
    assert "_auth_user_id" not in second.session
    assert Authenticator.objects.filter(user=person, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_sign_out_of_every_other_session(make_user, password_sign_in):
    person = make_user("person@example.org")
    laptop, phone = Client(), Client()
    password_sign_in(laptop, person)
    password_sign_in(phone, person)
    assert phone.get(reverse("account_email")).status_code == HTTPStatus.OK

    page = laptop.get(reverse("usersessions_list"))
    assert page.status_code == HTTPStatus.OK
    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == HTTPStatus.FOUND

    assert phone.get(reverse("account_email"))["Location"].startswith(reverse("account_login"))
    assert laptop.get(reverse("account_email")).status_code == HTTPStatus.OK
