"""The demo accounts and the whole demo that `make run` loads (`load_demo`): named accounts with their
roles, idempotent, never changing an existing account, never under production settings."""

from __future__ import annotations

import subprocess
import sys
from http import HTTPStatus
from io import StringIO
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.demo import DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS, DEMO_SLUG, DemoRefusedError, demo_load
from audit.models import AuditLogEntry
from plans.models import Node, Plan, PlanRole, PlanVersion, Reference, Role

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(db):
    return demo_load()


def _counts() -> dict[str, object]:
    user_model = get_user_model()
    return {
        "users": user_model.objects.count(),
        "passwords": sorted(user_model.objects.values_list("password", flat=True)),
        "emails": EmailAddress.objects.count(),
        "plans": Plan.objects.count(),
        "nodes": Node.objects.count(),
        "references": Reference.objects.count(),
        "versions": PlanVersion.objects.count(),
        "roles": PlanRole.objects.count(),
        "node_history": Node.history.count(),
        "reference_history": Reference.history.count(),
        "role_history": PlanRole.history.count(),
        "audit": AuditLogEntry.objects.count(),
    }


def test_demo_accounts_can_sign_in_with_their_roles(demo):
    user_model = get_user_model()
    for email in ("admin@example.org", "editor@example.org", "publisher@example.org", "reader@example.org"):
        user = user_model.objects.get(email=email)
        assert user.check_password(DEFAULT_DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=user, email=email, verified=True, primary=True).exists()
    admin = user_model.objects.get(email="admin@example.org")
    assert admin.is_staff
    assert admin.is_superuser
    roles = dict(PlanRole.objects.filter(plan=demo.plan).values_list("user__email", "role"))
    assert roles == {"editor@example.org": Role.EDITOR, "publisher@example.org": Role.PUBLISHER}
    assert not user_model.objects.get(email="reader@example.org").is_staff


@pytest.mark.parametrize(
    "email", ["admin@example.org", "editor@example.org", "publisher@example.org", "reader@example.org"]
)
def test_demo_accounts_sign_in_through_the_sign_in_form(demo, client, email):
    response = client.post(reverse("account_login"), {"login": email, "password": DEFAULT_DEMO_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("plans:plan_list")).wsgi_request.user.email == email


def test_demo_password_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret-42")
    result = demo_load()
    assert result.password == "another-demo-secret-42"
    assert get_user_model().objects.get(email="reader@example.org").check_password("another-demo-secret-42")


def test_running_it_twice_changes_nothing(demo):
    before = _counts()
    again = demo_load()
    assert not again.plan_created
    assert not any(created for _account, created in again.accounts)
    assert _counts() == before


def test_second_run_leaves_an_admins_role_changes_alone(demo):
    PlanRole.objects.filter(user__email="editor@example.org").delete()
    demo_load()
    assert not PlanRole.objects.filter(user__email="editor@example.org").exists()


def test_command_prints_the_sign_ins_and_says_when_the_plan_exists(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = out.getvalue()
    assert "Created the demo plan 'demo-plan'" in first
    assert "Demo sign-ins:" in first
    assert "editor@example.org" in first
    assert f"(password: {DEFAULT_DEMO_PASSWORD})" in first
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already exists" in out.getvalue()
    assert "Demo sign-ins:" in out.getvalue()
    assert Plan.objects.filter(slug=DEMO_SLUG).count() == 1


@pytest.mark.parametrize(("require_mfa", "says"), [(True, "is required here"), (False, "is not required here")])
def test_command_says_whether_two_factor_sign_in_applies(db, settings, require_mfa, says):
    settings.REQUIRE_MFA = require_mfa
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert f"Two-factor sign-in {says}" in out.getvalue()


def test_command_adds_demo_progress_and_measurements_once(db):
    from tracking.models import Measurement, ProgressUpdate

    call_command("load_demo", stdout=StringIO())
    counts = (ProgressUpdate.objects.count(), Measurement.objects.count())
    assert all(counts)
    call_command("load_demo", stdout=StringIO())
    assert (ProgressUpdate.objects.count(), Measurement.objects.count()) == counts


def test_demo_accounts_have_their_names(demo):
    names = dict(get_user_model().objects.values_list("email", "name"))
    assert names == {account.email: account.name for account in DEMO_ACCOUNTS}
    assert all(name and "@" not in name for name in names.values())


def test_an_existing_accounts_password_name_rights_and_roles_are_left_alone(demo):
    user_model = get_user_model()
    admin = user_model.objects.get(email="admin@example.org")
    editor = user_model.objects.get(email="editor@example.org")
    admin.set_password("the-admins-own-secret-7")
    admin.is_staff = admin.is_superuser = False
    admin.name = "Someone Renamed"
    admin.save()
    PlanRole.objects.filter(user=editor).update(role=Role.PUBLISHER)

    call_command("load_demo", stdout=StringIO())

    admin.refresh_from_db()
    assert admin.check_password("the-admins-own-secret-7")
    assert not admin.check_password(DEFAULT_DEMO_PASSWORD)
    assert (admin.is_staff, admin.is_superuser, admin.name) == (False, False, "Someone Renamed")
    assert PlanRole.objects.get(user=editor).role == Role.PUBLISHER


def test_accounts_that_exist_before_the_demo_get_its_roles_but_keep_their_passwords_and_names(make_user):
    editor = make_user("editor@example.org", name="Their Own Name", password="the-editors-own-secret-7")
    result = demo_load()
    assert result.plan_created
    assert dict(result.accounts)[DEMO_ACCOUNTS[1]] is False  # the editor's account was not created
    assert PlanRole.objects.get(plan=result.plan, user=editor).role == Role.EDITOR
    editor.refresh_from_db()
    assert editor.check_password("the-editors-own-secret-7")
    assert editor.name == "Their Own Name"


def test_refused_under_production_settings(db, settings):
    settings.SETTINGS_MODULE = "dei_portal.settings.prod"
    with pytest.raises(CommandError, match="production settings"):
        call_command("load_demo", stdout=StringIO())
    with pytest.raises(DemoRefusedError):
        demo_load()
    assert not get_user_model().objects.exists()
    assert not Plan.objects.exists()


def test_refused_from_the_command_line_under_production_settings_with_one_line(tmp_path):
    database = tmp_path / "prod.sqlite3"
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "dei_portal.settings.prod",
        "DJANGO_SECRET_KEY": "a-secret-for-this-test-only",
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("CommandError: ")
    assert "production settings" in errors[0]
    assert not database.exists()  # refused before anything touched the database


def test_every_demo_change_is_in_the_audit_log(demo):
    actions = set(AuditLogEntry.objects.values_list("action", "subject_email", "plan_slug"))
    assert ("account_created", "editor@example.org", "") in actions
    assert ("admin_granted", "admin@example.org", "") in actions
    assert ("role_granted", "editor@example.org", DEMO_SLUG) in actions
    assert ("role_granted", "publisher@example.org", DEMO_SLUG) in actions
    assert ("version_published", "", DEMO_SLUG) in actions
