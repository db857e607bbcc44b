"""Bad input to the admins' pages and the invitation link: a clear answer, never a server error, nothing
changed by a malformed request."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.models import Invitation
from accounts.services import invitation_create
from plans.models import PlanRole, Role


def test_an_email_longer_than_the_database_keeps_is_a_form_error(admin_client, plan):
    long_email = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org"  # 313 characters, valid in form only
    response = admin_client.post(reverse("accounts:invite"), {"email": long_email, "plan": plan.pk, "role": "editor"})
    assert response.status_code == HTTPStatus.OK
    assert "email" in response.context["form"].errors
    assert not Invitation.objects.exists()


def test_a_role_form_without_the_role_field_removes_nobody(admin_client, plan, editor):
    url = reverse("accounts:role_set", kwargs={"slug": plan.slug, "user_id": editor.pk})
    response = admin_client.post(url, {})
    assert response.status_code == HTTPStatus.FOUND
    assert PlanRole.objects.get(plan=plan, user=editor).role == Role.EDITOR


def test_the_no_role_choice_still_removes(admin_client, plan, editor):
    url = reverse("accounts:role_set", kwargs={"slug": plan.slug, "user_id": editor.pk})
    page = admin_client.get(reverse("accounts:plan_people", kwargs={"slug": plan.slug})).content.decode()
    assert 'value="none"' in page
    admin_client.post(url, {"role": "none"})
    assert not PlanRole.objects.filter(plan=plan, user=editor).exists()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("accounts:role_set", {"slug": "test-plan", "user_id": 999999}),
        ("accounts:role_set", {"slug": "no-such-plan", "user_id": 1}),
        ("accounts:account_deactivate", {"user_id": 999999}),
        ("accounts:account_reactivate", {"user_id": 999999}),
        ("accounts:invitation_withdraw", {"pk": 999999}),
        ("accounts:plan_people", {"slug": "no-such-plan"}),
    ],
)
def test_unknown_people_plans_and_invitations_are_not_found(admin_client, plan, name, kwargs):
    method = admin_client.get if name == "accounts:plan_people" else admin_client.post
    assert method(reverse(name, kwargs=kwargs), {"role": "editor"}).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("accounts:role_set", {"slug": "test-plan", "user_id": 1}),
        ("accounts:account_deactivate", {"user_id": 1}),
        ("accounts:account_reactivate", {"user_id": 1}),
        ("accounts:invitation_withdraw", {"pk": 1}),
    ],
)
def test_changes_are_post_only(admin_client, plan, name, kwargs):
    assert admin_client.get(reverse(name, kwargs=kwargs)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


def test_changes_without_the_csrf_token_are_refused(admin_user, plan, editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    url = reverse("accounts:account_deactivate", kwargs={"user_id": editor.pk})
    assert client.post(url).status_code == HTTPStatus.FORBIDDEN
    editor.refresh_from_db()
    assert editor.is_active


@pytest.mark.parametrize("query", ["", "x" * 5000, "%", "nul\x00byte"])
@pytest.mark.parametrize("name", ["accounts:account_list", "accounts:audit_log"])
def test_odd_searches_and_pages_are_answered(admin_client, name, query):
    response = admin_client.get(reverse(name), {"q": query, "page": "not-a-number"})
    assert response.status_code == HTTPStatus.OK


def test_invitation_to_a_deleted_plan_is_not_valid_and_creates_nothing(client, plan, admin_user):
    from django.contrib.auth import get_user_model

    invitation = invitation_create(email="newcomer@example.org", plan=plan, role="editor", invited_by=admin_user)
    plan.delete()
    path = reverse("accounts:invitation_accept", kwargs={"key": invitation.key})
    assert client.get(path).status_code == HTTPStatus.NOT_FOUND
    response = client.post(path, {"password1": "Blue-heron-42-sings", "password2": "Blue-heron-42-sings"})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert not get_user_model().objects.filter(email="newcomer@example.org").exists()


def test_an_absurdly_long_invitation_key_is_not_found(client, db):
    response = client.get(reverse("accounts:invitation_accept", kwargs={"key": "k" * 5000}))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_when_the_mail_server_is_down_the_invitation_is_not_kept_and_the_admin_is_told(admin_client, plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2  # nothing listens
    response = admin_client.post(
        reverse("accounts:invite"), {"email": "new@example.org", "plan": plan.pk, "role": "editor"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "could not be sent" in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()
    from audit.models import AuditAction, AuditLogEntry

    assert not AuditLogEntry.objects.filter(action=AuditAction.INVITATION_SENT).exists()
