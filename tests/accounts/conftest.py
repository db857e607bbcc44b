"""Fixtures for the accounts tests: admins, the MFA requirement switched on, TOTP codes.

Authenticator apps are played here from the RFC (6238 over 4226), with allauth's public API only:
the secret is stored the way allauth's adapter encrypts it, and codes are computed with hmac.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from collections.abc import Callable

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt
from django.core.cache import cache

from plans.models import Role

TOTP_PERIOD = 30
TOTP_DIGITS = 6


def totp_secret() -> str:
    """A new random secret, base32 as authenticator apps read it."""
    return base64.b32encode(secrets.token_bytes(20)).decode()


def totp_code(secret: str, *, step: int = 0, at: float | None = None) -> str:
    """The code an authenticator app shows for this secret now (or at `at`), RFC 6238 with SHA-1."""
    counter = int(time.time() if at is None else at) // TOTP_PERIOD + step
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**TOTP_DIGITS:0{TOTP_DIGITS}d}"


def give_totp(user, secret: str | None = None) -> str:
    """Store an authenticator app for `user` as allauth does; returns its secret."""
    secret = secret or totp_secret()
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)})
    return secret


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts rate limits in the cache; each test starts with none used."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def require_mfa(settings):
    """Turn the two-factor requirement on (the test settings have it off for other apps' tests)."""
    settings.REQUIRE_MFA = True
    return settings


@pytest.fixture
def add_totp() -> Callable[..., str]:
    """Give a user an authenticator app; returns its secret."""

    return give_totp


@pytest.fixture
def admin_user(make_user, add_totp):
    """An admin (staff) with two-factor authentication set up."""
    user = make_user("admin@example.org", is_staff=True, is_superuser=True)
    add_totp(user)
    return user


@pytest.fixture
def admin_client(admin_user):
    """A test client signed in as the admin (its own cookies, separate from `client`)."""
    from django.test import Client

    admin = Client()
    admin.force_login(admin_user)
    return admin


@pytest.fixture
def editor(make_user, plan):
    return make_user("editor@example.org", plan=plan, role=Role.EDITOR)


@pytest.fixture
def password_sign_in():
    """Sign a test client in through allauth's form, so allauth counts a fresh password sign-in."""
    from django.urls import reverse

    def sign_in(client, user, password: str = "a-long-test-password"):
        response = client.post(reverse("account_login"), {"login": user.email, "password": password})
        assert response.status_code == 302, response.content
        return response

    return sign_in


@pytest.fixture
def reauthenticate():
    """Confirm the password again, as allauth asks before two-factor set-up (force_login is not enough)."""
    from django.urls import reverse

    def confirm(client, password: str = "a-long-test-password"):
        response = client.post(reverse("account_reauthenticate"), {"password": password})
        assert response.status_code == 302, response.content
        return response

    return confirm


@pytest.fixture
def set_up_two_factor(reauthenticate):
    """Set up an authenticator app through allauth's own pages, as a person does: returns the
    secret and the recovery codes allauth made with it."""
    from django.urls import reverse

    def set_up(client, user) -> tuple[str, list[str]]:
        client.force_login(user)
        reauthenticate(client)
        secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
        assert response.status_code == 302, response.content
        codes = client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"]
        return secret, list(codes)

    return set_up
