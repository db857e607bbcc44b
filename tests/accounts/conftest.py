"""Fixtures for the accounts tests: admins, the MFA requirement switched on, TOTP codes."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache

from plans.models import Role


def totp_code(secret: str, *, step: int = 0) -> str:
    """The code an authenticator app shows now for this secret (RFC 6238, 30-second steps)."""
    import time

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30 + step))


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

    def add(user) -> str:
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    return add


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
