"""The user model (email sign-in, one account per address whatever its case, a display name), the
"Your name" page, and the Django admin's account and role pages, which write through the services."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import NAMELESS
from audit.models import AuditAction, AuditLogEntry
from plans.models import PlanRole, Role

User = get_user_model()


def entries(action):
    return list(AuditLogEntry.objects.filter(action=action).order_by("id"))


# The model --------------------------------------------------------------------------------------


def test_the_email_is_unique_whatever_its_case(make_user):
    make_user("Ada@Example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="ada@example.ORG", name="Other Ada")


@pytest.mark.parametrize(("name", "shown"), [("Ada Lovelace", "Ada Lovelace"), ("", NAMELESS), ("   ", NAMELESS)])
def test_the_display_name_never_falls_back_to_the_email(make_user, name, shown):
    person = make_user("ada.lovelace@example.org", name=name)
    assert person.display_name == shown
    assert str(person) == shown
    assert person.get_full_name() == shown
    assert "@" not in person.display_name


def test_there_is_no_username(db):
    assert User.USERNAME_FIELD == "email"
    assert "username" not in {field.name for field in User._meta.get_fields()}


def test_sign_in_by_email_is_case_insensitive(client, make_user):
    person = make_user("ada@example.org")
    client.post(reverse("account_login"), {"login": "ADA@example.org", "password": "a-long-test-password"})
    assert int(client.session["_auth_user_id"]) == person.pk


# "Your name" ------------------------------------------------------------------------------------


def test_your_name_page_sets_the_name_and_is_audited(client, make_user):
    person = make_user(name="Old Name")
    client.force_login(person)
    page = client.get(reverse("accounts:name"))
    assert page.status_code == HTTPStatus.OK
    assert 'value="Old Name"' in page.content.decode()
    response = client.post(reverse("accounts:name"), {"name": "  New   Name "})
    assert response.status_code == HTTPStatus.FOUND
    person.refresh_from_db()
    assert person.name == "New Name"
    (entry,) = entries(AuditAction.NAME_CHANGED)
    assert (entry.actor_id, entry.subject_id, entry.details) == (
        person.pk,
        person.pk,
        {"from": "Old Name", "to": "New Name"},
    )


@pytest.mark.parametrize("name", ["", "   ", "x" * 151])
def test_your_name_page_refuses_an_empty_or_too_long_name(client, make_user, name):
    person = make_user(name="Kept Name")
    client.force_login(person)
    response = client.post(reverse("accounts:name"), {"name": name})
    assert response.status_code == HTTPStatus.OK
    assert "name" in response.context["form"].errors
    person.refresh_from_db()
    assert person.name == "Kept Name"


def test_your_name_needs_a_sign_in(client, db):
    response = client.get(reverse("accounts:name"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


def test_the_account_menu_links_to_your_name(client, make_user):
    client.force_login(make_user())
    content = client.get(reverse("account_email")).content.decode()
    assert f'href="{reverse("accounts:name")}"' in content


# The Django admin ---------------------------------------------------------------------------------


def test_an_admin_adds_an_account_with_a_verified_address_through_the_service(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"email": "new.person@example.org", "name": "New Person", "password1": "", "password2": ""},
    )
    assert response.status_code == HTTPStatus.FOUND, response.content
    person = User.objects.get(email="new.person@example.org")
    assert person.name == "New Person"
    assert not person.has_usable_password()  # they choose one with "Forgot password"
    assert EmailAddress.objects.filter(user=person, verified=True, primary=True).exists()
    (entry,) = entries(AuditAction.ACCOUNT_CREATED)
    assert (entry.actor_id, entry.subject_id) == (admin_user.pk, person.pk)
    assert response["Location"] == reverse("admin:accounts_user_change", args=[person.pk])


def test_the_admin_refuses_a_second_account_for_an_address(admin_client, make_user):
    make_user("taken@example.org")
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {"email": "Taken@Example.org", "name": "Someone Else", "password1": "", "password2": ""},
    )
    assert response.status_code == HTTPStatus.OK
    assert "already exists" in str(response.context["adminform"].form.errors["email"])
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def _change(admin_client, person, **data):
    fields = {"name": person.name, "is_active": "on" if person.is_active else "", "is_staff": ""}
    fields.update(data)
    return admin_client.post(
        reverse("admin:accounts_user_change", args=[person.pk]), {k: v for k, v in fields.items() if v}
    )


def test_changes_in_the_admin_go_through_the_services(admin_client, admin_user, make_user):
    person = make_user("person@example.org", name="Pat")
    response = _change(admin_client, person, name="Pat Person", is_staff="on", email="stolen@example.org")
    assert response.status_code == HTTPStatus.FOUND, response.content
    person.refresh_from_db()
    assert (person.name, person.is_staff, person.is_superuser) == ("Pat Person", True, True)
    assert person.email == "person@example.org"  # people change their own address, with a code
    assert entries(AuditAction.NAME_CHANGED)[0].actor_id == admin_user.pk
    assert entries(AuditAction.ADMIN_GRANTED)[0].subject_id == person.pk

    _change(admin_client, person, is_staff="", is_active="")
    person.refresh_from_db()
    assert not person.is_active
    assert not person.is_staff
    assert [e.subject_id for e in entries(AuditAction.ADMIN_REMOVED)] == [person.pk]
    assert [e.subject_id for e in entries(AuditAction.ACCOUNT_DEACTIVATED)] == [person.pk]


def test_an_admin_cannot_deactivate_themselves_in_the_django_admin(admin_client, admin_user):
    response = _change(admin_client, admin_user, is_staff="on", is_active="")
    assert response.status_code == HTTPStatus.OK
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_last_admin_keeps_their_rights(admin_client, admin_user):
    response = _change(admin_client, admin_user, is_staff="", is_active="on")
    assert response.status_code == HTTPStatus.OK
    assert "last active admin" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.is_staff
    assert not entries(AuditAction.ADMIN_REMOVED)


def test_accounts_cannot_be_deleted_in_the_admin(admin_client, make_user):
    person = make_user()
    response = admin_client.post(reverse("admin:accounts_user_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert User.objects.filter(pk=person.pk).exists()


def test_roles_changed_and_removed_in_the_admin_are_audited(admin_client, admin_user, plan, make_user):
    person = make_user(plan=plan, role=Role.EDITOR)
    plan_role = PlanRole.objects.get(user=person)
    url = reverse("admin:plans_planrole_change", args=[plan_role.pk])
    assert admin_client.post(url, {"role": Role.PUBLISHER}).status_code == HTTPStatus.FOUND
    assert PlanRole.objects.get(pk=plan_role.pk).role == Role.PUBLISHER
    (changed,) = entries(AuditAction.ROLE_CHANGED)
    assert (changed.actor_id, changed.details) == (admin_user.pk, {"from": "editor", "to": "publisher"})

    delete = reverse("admin:plans_planrole_delete", args=[plan_role.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == HTTPStatus.FOUND
    assert not PlanRole.objects.filter(user=person).exists()
    assert entries(AuditAction.ROLE_REMOVED)[0].actor_id == admin_user.pk


def test_the_plans_admin_shows_roles_without_changing_them(admin_client, plan, make_user):
    person = make_user(name="Ina Inline", plan=plan, role=Role.EDITOR)
    page = admin_client.get(reverse("admin:plans_plan_change", args=[plan.pk])).content.decode()
    assert "Ina Inline" in page
    assert 'name="roles-0-role"' not in page  # read-only: roles change in the accounts admin
    assert PlanRole.objects.get(user=person).role == Role.EDITOR
