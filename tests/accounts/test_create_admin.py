"""create_admin: the first admin from environment variables, for deployments."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from audit.models import AuditAction, AuditLogEntry

User = get_user_model()


@pytest.fixture
def admin_env(monkeypatch):
    monkeypatch.setenv("DJANGO_ADMIN_EMAIL", "Chair@Example.org")
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "Blue-heron-42-sings")


def test_creates_a_superuser_with_a_verified_email(db, admin_env):
    call_command("create_admin")
    user = User.objects.get(email="chair@example.org")
    assert user.is_staff
    assert user.is_superuser
    assert user.is_active
    assert user.check_password("Blue-heron-42-sings")
    assert EmailAddress.objects.filter(user=user, email="chair@example.org", verified=True, primary=True).exists()
    assert AuditLogEntry.objects.filter(action=AuditAction.ADMIN_GRANTED, subject_email="chair@example.org").exists()


def test_running_twice_changes_nothing(db, admin_env):
    call_command("create_admin")
    call_command("create_admin")
    assert User.objects.filter(email="chair@example.org").count() == 1


def test_existing_account_is_made_admin_and_keeps_its_password(make_user, admin_env):
    person = make_user("chair@example.org")
    call_command("create_admin")
    person.refresh_from_db()
    assert person.is_staff
    assert person.is_superuser
    assert person.check_password("a-long-test-password")


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", "Blue-heron-42-sings", "Set DJANGO_ADMIN_EMAIL"),
        ("chair@example.org", "", "Set DJANGO_ADMIN_EMAIL"),
        ("not an email", "Blue-heron-42-sings", "not an email address"),
        ("chair@example.org", "password", "too weak"),
    ],
)
def test_bad_input_fails_and_creates_nothing(db, monkeypatch, email, password, message):
    monkeypatch.setenv("DJANGO_ADMIN_EMAIL", email)
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("create_admin")
    assert not User.objects.exists()
