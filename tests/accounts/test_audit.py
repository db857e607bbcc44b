"""The audit log: every account and role change, by whatever path, says who did what to whom and when.

Services write their entries with the actor they are given; only allauth's self-service events
(password, email, two-factor) are caught by signal.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from accounts.services import (
    account_create,
    account_deactivate,
    account_name_set,
    account_reactivate,
    admin_grant,
    admin_remove,
    role_set,
)
from audit.models import AuditAction, AuditLogEntry, AuditLogImmutableError
from audit.services import COMMAND_LINE, audit_record
from plans.models import PlanRole, Role

from .conftest import totp_code


def entries(action):
    return list(AuditLogEntry.objects.filter(action=action).order_by("id"))


def test_role_grant_change_and_removal_are_recorded_with_actor_and_plan(plan, make_user, admin_user):
    person = make_user("person@example.org")
    role_set(plan=plan, user=person, role=Role.EDITOR, actor=admin_user)
    role_set(plan=plan, user=person, role=Role.PUBLISHER, actor=admin_user)
    role_set(plan=plan, user=person, role=Role.PUBLISHER, actor=admin_user)  # no change, no entry
    role_set(plan=plan, user=person, role=None, actor=admin_user)

    granted, changed, removed = (
        entries(AuditAction.ROLE_GRANTED),
        entries(AuditAction.ROLE_CHANGED),
        entries(AuditAction.ROLE_REMOVED),
    )
    assert len(granted) == len(changed) == len(removed) == 1
    for entry in (granted[0], changed[0], removed[0]):
        assert entry.actor_id == admin_user.pk
        assert entry.actor_email == "admin@example.org"
        assert entry.subject_id == person.pk
        assert entry.subject_email == "person@example.org"
        assert entry.subject_name == person.name
        assert entry.plan_slug == plan.slug
    assert changed[0].details == {"from": "editor", "to": "publisher"}
    assert changed[0].summary == f"Role changed: editor → publisher on {plan.slug}"


def test_role_given_in_the_django_admin_is_recorded_as_the_admin(admin_client, admin_user, plan, make_user):
    person = make_user("person@example.org")
    response = admin_client.post(
        reverse("admin:plans_planrole_add"), {"plan": plan.pk, "user": person.pk, "role": Role.EDITOR}
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert PlanRole.objects.filter(plan=plan, user=person).exists()
    (entry,) = entries(AuditAction.ROLE_GRANTED)
    assert entry.actor_email == admin_user.email
    assert entry.subject_email == person.email


def test_deactivation_and_admin_status_are_recorded(make_user, admin_user):
    person = make_user("person@example.org")
    account_deactivate(user=person, actor=admin_user)
    (entry,) = entries(AuditAction.ACCOUNT_DEACTIVATED)
    assert (entry.actor_email, entry.subject_email) == (admin_user.email, person.email)

    account_reactivate(user=person, actor=admin_user)
    admin_grant(user=person, actor=admin_user)
    admin_grant(user=person, actor=admin_user)  # already one: no second entry
    admin_remove(user=person, actor=admin_user)
    assert entries(AuditAction.ACCOUNT_REACTIVATED)[0].actor_email == admin_user.email
    assert [e.subject_email for e in entries(AuditAction.ADMIN_GRANTED)] == [person.email]
    assert [e.actor_email for e in entries(AuditAction.ADMIN_REMOVED)] == [admin_user.email]


def test_account_creation_and_name_change_are_recorded_with_an_explicit_actor(admin_user, db):
    person = account_create(email="new@example.org", name="Ada Newcomer", actor=None, actor_label=COMMAND_LINE)
    (created,) = entries(AuditAction.ACCOUNT_CREATED)
    assert (created.actor_id, created.actor_label, created.subject_name) == (None, COMMAND_LINE, "Ada Newcomer")
    assert created.actor == COMMAND_LINE
    account_name_set(user=person, name="Ada Lovelace", actor=admin_user)
    account_name_set(user=person, name="Ada Lovelace", actor=admin_user)  # unchanged: no entry
    (renamed,) = entries(AuditAction.NAME_CHANGED)
    assert renamed.details == {"from": "Ada Newcomer", "to": "Ada Lovelace"}
    assert renamed.actor == f"{admin_user.name} <{admin_user.email}>"


def test_an_entry_without_an_actor_or_label_is_the_systems(db):
    entry = audit_record(action=AuditAction.ACCOUNT_CREATED, actor=None, subject_email="x@example.org")
    assert entry.actor == "system"


def test_actor_is_a_required_argument(db):
    with pytest.raises(TypeError):
        audit_record(action=AuditAction.ACCOUNT_CREATED)  # type: ignore[call-arg]


def test_sign_in_writes_no_entry(client, make_user, password_sign_in):
    person = make_user()
    before = AuditLogEntry.objects.count()
    password_sign_in(client, person)
    assert AuditLogEntry.objects.count() == before


def test_password_change_is_recorded(client, make_user, password_sign_in):
    person = make_user("person@example.org")
    password_sign_in(client, person)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "a-long-test-password",
            "password1": "Another-long-pass-77",
            "password2": "Another-long-pass-77",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    (entry,) = entries(AuditAction.PASSWORD_CHANGED)
    assert entry.actor_email == entry.subject_email == "person@example.org"


def test_two_factor_set_up_is_recorded(client, editor, reauthenticate, django_capture_on_commit_callbacks):
    client.force_login(editor)
    reauthenticate(client)
    secret = client.get(reverse("mfa_activate_totp")).context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals it once committed
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    added = entries(AuditAction.MFA_ADDED)
    assert [e.details["to"] for e in added] == ["authenticator app", "recovery codes"]
    assert added[0].actor_email == added[0].subject_email == editor.email


@pytest.fixture
def entry(db):
    return audit_record(action=AuditAction.ACCOUNT_CREATED, actor=None, subject_email="x@example.org")


def test_entries_cannot_be_changed_or_deleted(entry):
    entry.details = {"to": "forged"}
    with pytest.raises(AuditLogImmutableError):
        entry.save()
    with pytest.raises(AuditLogImmutableError):
        entry.delete()
    assert AuditLogEntry.objects.get(pk=entry.pk).details == {}


@pytest.mark.parametrize(
    "change",
    [
        lambda entries: entries.delete(),
        lambda entries: entries.update(details={"to": "forged"}),
        lambda entries: entries.filter(action=AuditAction.ACCOUNT_CREATED).delete(),
        lambda entries: AuditLogEntry.objects.bulk_update(list(entries), ["details"]),
    ],
)
def test_bulk_changes_and_deletions_are_refused(entry, change):
    with pytest.raises(AuditLogImmutableError):
        change(AuditLogEntry.objects.all())
    assert AuditLogEntry.objects.filter(pk=entry.pk, details={}).exists()


def test_entries_outlive_the_deletion_of_the_plan_and_the_account(plan, make_user, admin_user):
    person = make_user("person@example.org")
    role_set(plan=plan, user=person, role=Role.EDITOR, actor=admin_user)
    plan.delete()
    person.delete()
    (granted,) = entries(AuditAction.ROLE_GRANTED)
    assert (granted.subject_email, granted.plan_slug) == ("person@example.org", "test-plan")


def test_audit_log_page_shows_entries_and_searches(admin_client, plan, make_user, admin_user):
    person = make_user("person@example.org")
    role_set(plan=plan, user=person, role=Role.EDITOR, actor=admin_user)
    content = admin_client.get(reverse("accounts:audit_log")).content.decode()
    assert f"Role given: editor on {plan.slug}" in content
    assert "person@example.org" in content
    assert person.name in content
    content = admin_client.get(reverse("accounts:audit_log"), {"q": "nobody@example.org"}).content.decode()
    assert "Role given" not in content
    content = admin_client.get(reverse("accounts:audit_log"), {"q": person.name}).content.decode()
    assert "Role given" in content


def test_audit_log_is_read_only_in_the_django_admin(admin_client, entry):
    assert admin_client.get(reverse("admin:audit_auditlogentry_changelist")).status_code == HTTPStatus.OK
    assert admin_client.get(reverse("admin:audit_auditlogentry_change", args=[entry.pk])).status_code == HTTPStatus.OK
    response = admin_client.post(reverse("admin:audit_auditlogentry_delete", args=[entry.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    response = admin_client.post(
        reverse("admin:audit_auditlogentry_change", args=[entry.pk]), {"action": "role_granted"}
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert admin_client.get(reverse("admin:audit_auditlogentry_add")).status_code == HTTPStatus.FORBIDDEN
    assert AuditLogEntry.objects.filter(pk=entry.pk, action=AuditAction.ACCOUNT_CREATED).exists()


def test_password_set_by_an_admin_in_the_django_admin_is_recorded(admin_client, admin_user, make_user):
    person = make_user("person@example.org")
    url = reverse("admin:auth_user_password_change", args=[person.pk])
    response = admin_client.post(
        url, {"password1": "Another-long-pass-77", "password2": "Another-long-pass-77", "usable_password": "true"}
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    person.refresh_from_db()
    assert person.check_password("Another-long-pass-77")
    (entry,) = entries(AuditAction.PASSWORD_CHANGED)
    assert (entry.actor_email, entry.subject_email) == (admin_user.email, person.email)


def test_an_admin_resets_someones_two_factor_in_the_django_admin(admin_client, admin_user, editor, set_up_two_factor):
    from allauth.mfa.models import Authenticator
    from django.test import Client

    secret, _codes = set_up_two_factor(Client(), editor)
    totp = Authenticator.objects.get(user=editor, type=Authenticator.Type.TOTP)
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.RECOVERY_CODES).exists()

    page = admin_client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == HTTPStatus.OK
    assert secret not in page.content.decode()  # the secret would let the reader make the codes

    response = admin_client.post(reverse("admin:mfa_authenticator_delete", args=[totp.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FOUND
    assert not Authenticator.objects.filter(user=editor).exists()  # no orphan recovery codes either
    removed = [e for e in entries(AuditAction.MFA_REMOVED) if e.actor_id == admin_user.pk]
    assert sorted(e.details["from"] for e in removed) == ["authenticator app", "recovery codes"]
    assert {(e.actor_email, e.subject_email) for e in removed} == {(admin_user.email, editor.email)}


def test_authenticators_cannot_be_edited_in_the_django_admin(admin_client, editor, add_totp):
    from allauth.mfa.models import Authenticator

    add_totp(editor)
    totp = Authenticator.objects.get(user=editor)
    before = dict(totp.data)
    response = admin_client.post(
        reverse("admin:mfa_authenticator_change", args=[totp.pk]),
        {"user": editor.pk, "type": "totp", "data": '{"secret": "AAAA"}'},
    )
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert admin_client.get(reverse("admin:mfa_authenticator_add")).status_code == HTTPStatus.FORBIDDEN
    totp.refresh_from_db()
    assert totp.data == before
