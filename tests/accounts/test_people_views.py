"""Admins' pages: people per plan, role changes and removals, deactivation, the audit log."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation
from plans.models import PlanRole, Role
from plans.permissions import can_edit, can_publish

User = get_user_model()

ADMIN_PAGES = [
    ("accounts:people", {}),
    ("accounts:plan_people", {"slug": "test-plan"}),
    ("accounts:invite", {}),
    ("accounts:account_list", {}),
    ("accounts:audit_log", {}),
]


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, plan, name, kwargs):
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_editors_and_collaborators_are_refused(client, plan, make_user, name, kwargs):
    for person in [make_user(), make_user(plan=plan, role=Role.PUBLISHER)]:
        client.force_login(person)
        assert client.get(reverse(name, kwargs=kwargs)).status_code == HTTPStatus.FORBIDDEN


@pytest.mark.parametrize(("name", "kwargs"), ADMIN_PAGES)
def test_admins_see_the_pages(admin_client, plan, name, kwargs):
    assert admin_client.get(reverse(name, kwargs=kwargs)).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("accounts:role_set", {"slug": "test-plan", "user_id": 1}),
        ("accounts:account_deactivate", {"user_id": 1}),
        ("accounts:account_reactivate", {"user_id": 1}),
        ("accounts:invitation_withdraw", {"pk": 1}),
    ],
)
def test_non_admins_cannot_post_changes(client, plan, editor, name, kwargs):
    client.force_login(editor)
    assert client.post(reverse(name, kwargs=kwargs), {"role": "publisher"}).status_code == HTTPStatus.FORBIDDEN
    assert PlanRole.objects.get(user=editor).role == Role.EDITOR
    editor.refresh_from_db()
    assert editor.is_active


def test_people_page_lists_each_plans_people(admin_client, make_plan, make_user):
    first, second = make_plan("first", title="First plan"), make_plan("second", title="Second plan")
    make_user("ed@example.org", name="Ed Itor", plan=first, role=Role.EDITOR)
    make_user("chair@example.org", name="Cha Ir", plan=second, role=Role.PUBLISHER)
    content = admin_client.get(reverse("accounts:people")).content.decode()
    assert "First plan" in content
    assert "Second plan" in content
    assert "Ed Itor (ed@example.org): Editor" in content
    assert "Cha Ir (chair@example.org): Publisher" in content


def test_people_page_query_count_does_not_grow_with_people(
    admin_client, make_plan, make_user, django_assert_max_num_queries
):
    for n in range(3):
        plan = make_plan(f"plan-{n}")
        for m in range(3):
            make_user(plan=plan, role=Role.EDITOR, email=f"p{n}-{m}@example.org")
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("accounts:people"))
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("@example.org): Editor") == 9


def test_account_list_query_count_does_not_grow(admin_client, plan, make_user, django_assert_max_num_queries):
    for n in range(10):
        make_user(plan=plan if n % 2 else None, role=Role.EDITOR if n % 2 else None)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("accounts:account_list"))
    assert response.status_code == HTTPStatus.OK


def test_plan_people_page_shows_roles_and_the_invite_form(admin_client, plan, editor):
    content = admin_client.get(reverse("accounts:plan_people", kwargs={"slug": plan.slug})).content.decode()
    assert "editor@example.org" in content
    assert 'name="email"' in content


def test_invite_through_the_page_sends_mail(admin_client, plan):
    response = admin_client.post(
        reverse("accounts:invite"), {"email": "new@example.org", "plan": plan.pk, "role": "publisher"}
    )
    assert response.status_code == HTTPStatus.FOUND
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.plan) == ("new@example.org", "publisher", plan)
    assert len(mail.outbox) == 1
    assert "http://testserver/invitations/" in mail.outbox[0].body


def test_invite_with_a_bad_email_shows_the_error(admin_client, plan):
    response = admin_client.post(
        reverse("accounts:invite"), {"email": "not-an-email", "plan": plan.pk, "role": "editor"}
    )
    assert response.status_code == HTTPStatus.OK
    assert b"Enter a valid email address" in response.content
    assert not Invitation.objects.exists()


def test_role_change_takes_effect_at_once(admin_client, client, plan, editor):
    """The editor's own signed-in session sees each change on its very next request."""
    client.force_login(editor)
    workspace = reverse("plans:workspace", kwargs={"slug": plan.slug})
    publish = reverse("plans:workspace_publish", kwargs={"slug": plan.slug})
    assert client.get(workspace).status_code == HTTPStatus.OK
    assert client.get(publish).status_code == HTTPStatus.FORBIDDEN
    url = reverse("accounts:role_set", kwargs={"slug": plan.slug, "user_id": editor.pk})

    assert admin_client.post(url, {"role": "publisher"}).status_code == HTTPStatus.FOUND
    assert can_publish(User.objects.get(pk=editor.pk), plan)
    assert client.get(publish).status_code == HTTPStatus.OK

    assert admin_client.post(url, {"role": "none"}).status_code == HTTPStatus.FOUND
    assert not can_edit(User.objects.get(pk=editor.pk), plan)
    assert not PlanRole.objects.filter(user=editor).exists()
    assert client.get(workspace).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)


def test_unknown_role_is_refused(admin_client, plan, editor):
    url = reverse("accounts:role_set", kwargs={"slug": plan.slug, "user_id": editor.pk})
    admin_client.post(url, {"role": "overlord"})
    assert PlanRole.objects.get(user=editor).role == Role.EDITOR


def test_deactivation_ends_sessions_at_once_and_keeps_the_account(admin_client, client, editor, plan, password_sign_in):
    password_sign_in(client, editor)
    assert client.get(reverse("account_email")).status_code == HTTPStatus.OK
    assert UserSession.objects.filter(user=editor).exists()

    response = admin_client.post(reverse("accounts:account_deactivate", kwargs={"user_id": editor.pk}))

    assert response.status_code == HTTPStatus.FOUND
    editor.refresh_from_db()
    assert not editor.is_active
    assert not UserSession.objects.filter(user=editor).exists()
    response = client.get(reverse("account_email"))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))
    assert PlanRole.objects.filter(user=editor).exists()  # their record stays; they just cannot sign in
    assert not can_edit(User.objects.get(pk=editor.pk), plan)


def test_deactivated_account_cannot_sign_in(client, editor):
    editor.is_active = False
    editor.save()
    response = client.post(reverse("account_login"), {"login": editor.email, "password": "a-long-test-password"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)


def test_reactivation(admin_client, editor):
    editor.is_active = False
    editor.save()
    admin_client.post(reverse("accounts:account_reactivate", kwargs={"user_id": editor.pk}))
    editor.refresh_from_db()
    assert editor.is_active


def test_admins_cannot_deactivate_themselves(admin_client, admin_user):
    admin_client.post(reverse("accounts:account_deactivate", kwargs={"user_id": admin_user.pk}))
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_account_search(admin_client, make_user):
    make_user("findme@example.org")
    make_user("other@example.org")
    content = admin_client.get(reverse("accounts:account_list"), {"q": "findme"}).content.decode()
    assert "findme@example.org" in content
    assert "other@example.org" not in content


def test_people_link_in_the_navigation_only_for_admins(admin_client, client, editor):
    people = reverse("accounts:people")
    assert f'href="{people}"' in admin_client.get("/").content.decode()
    client.force_login(editor)
    assert f'href="{people}"' not in client.get("/").content.decode()


def test_the_last_active_admin_cannot_be_deactivated(make_user):
    from accounts.services import AccountError, account_deactivate

    only_admin = make_user("only.admin@example.org", is_staff=True)
    make_user("gone.admin@example.org", is_staff=True, is_active=False)
    with pytest.raises(AccountError, match="last active admin"):
        account_deactivate(user=only_admin, actor=None)
    only_admin.refresh_from_db()
    assert only_admin.is_active


def test_an_admin_can_deactivate_another_admin(admin_client, make_user):
    other = make_user("other.admin@example.org", is_staff=True)
    admin_client.post(reverse("accounts:account_deactivate", kwargs={"user_id": other.pk}))
    other.refresh_from_db()
    assert not other.is_active


def test_django_admin_shows_no_session_key_and_deleting_a_session_signs_it_out(
    admin_client, client, editor, password_sign_in
):
    password_sign_in(client, editor)
    client.get(reverse("account_email"))
    user_session = UserSession.objects.get(user=editor)
    page = admin_client.get(reverse("admin:usersessions_usersession_change", args=[user_session.pk]))
    assert page.status_code == HTTPStatus.OK
    assert user_session.session_key not in page.content.decode()

    response = admin_client.post(
        reverse("admin:usersessions_usersession_delete", args=[user_session.pk]), {"post": "yes"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert client.get(reverse("account_email"))["Location"].startswith(reverse("account_login"))
