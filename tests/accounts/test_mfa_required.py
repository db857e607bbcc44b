"""Two-factor authentication is required of admins, editors and publishers (accounts.middleware)."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest
from django.urls import reverse

from audit.models import AuditLogEntry
from plans.models import Role

from .conftest import totp_code

SETUP_URL = "/accounts/2fa/totp/activate/"


def test_setup_url_is_allauths():
    assert reverse("mfa_activate_totp") == SETUP_URL


@pytest.mark.parametrize("role", [Role.EDITOR, Role.PUBLISHER])
def test_editor_without_totp_is_sent_to_setup_from_every_page(require_mfa, client, make_user, plan, role):
    person = make_user(plan=plan, role=role)
    client.force_login(person)
    for path in ["/", plan.get_absolute_url(), reverse("account_email"), reverse("account_change_password")]:
        response = client.get(path)
        assert response.status_code == HTTPStatus.FOUND, path
        assert response["Location"] == SETUP_URL


def test_admin_without_totp_is_sent_to_setup(require_mfa, client, make_user):
    client.force_login(make_user(is_staff=True))
    response = client.get(reverse("accounts:people"))
    assert response["Location"] == SETUP_URL
    assert client.get("/admin/")["Location"] == SETUP_URL


def test_setup_pages_sign_out_and_static_stay_reachable(require_mfa, client, editor, reauthenticate):
    client.force_login(editor)
    reauthenticate(client)
    assert client.get(reverse("mfa_index")).status_code == HTTPStatus.OK
    response = client.get(SETUP_URL)
    assert response.status_code == HTTPStatus.OK
    assert b"Authenticator secret" in response.content
    assert client.get("/static/css/portal.css").status_code == HTTPStatus.OK
    assert client.get(reverse("healthz")).status_code == HTTPStatus.OK
    response = client.post(reverse("account_logout"))
    assert response.status_code == HTTPStatus.FOUND
    assert "_auth_user_id" not in client.session


def test_setting_up_totp_through_the_page_lifts_the_block(require_mfa, client, editor, reauthenticate):
    client.force_login(editor)
    reauthenticate(client)
    page = client.get(SETUP_URL)
    secret = page.context["form"].secret
    response = client.post(SETUP_URL, {"code": totp_code(secret)})
    assert response.status_code == HTTPStatus.FOUND, response.content
    assert client.get("/").status_code == HTTPStatus.OK


def test_after_setup_the_page_links_back_to_where_they_were_going(require_mfa, client, editor, plan, reauthenticate):
    client.force_login(editor)
    reauthenticate(client)
    client.get(plan.get_absolute_url())
    secret = client.get(SETUP_URL).context["form"].secret
    response = client.post(SETUP_URL, {"code": totp_code(secret)}, follow=True)
    assert f'href="{plan.get_absolute_url()}"'.encode() in response.content


def test_reauthentication_page_stays_reachable(require_mfa, client, editor):
    client.force_login(editor)
    response = client.get(SETUP_URL)
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(response["Location"]).status_code == HTTPStatus.OK


def test_editor_with_totp_is_not_blocked(require_mfa, client, editor, add_totp):
    add_totp(editor)
    client.force_login(editor)
    assert client.get("/").status_code == HTTPStatus.OK


def test_collaborator_needs_no_totp(require_mfa, client, make_user):
    client.force_login(make_user())
    assert client.get("/").status_code == HTTPStatus.OK


def test_requirement_starts_as_soon_as_a_role_is_given(require_mfa, client, make_user, plan, admin_user):
    from accounts.services import role_set

    person = make_user()
    client.force_login(person)
    assert client.get("/").status_code == HTTPStatus.OK
    role_set(plan=plan, user=person, role=Role.EDITOR, actor=admin_user)
    assert client.get("/")["Location"] == SETUP_URL


def test_switched_off_by_the_setting(settings, client, editor):
    settings.REQUIRE_MFA = False
    client.force_login(editor)
    assert client.get("/").status_code == HTTPStatus.OK


def test_htmx_requests_are_told_to_load_the_setup_page(require_mfa, client, editor, plan):
    from accounts.middleware import MFA_NEXT_SESSION_KEY

    client.force_login(editor)
    client.get(plan.get_absolute_url())
    response = client.get("/plans/test-plan/edit/preview/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == SETUP_URL
    assert client.session[MFA_NEXT_SESSION_KEY] == plan.get_absolute_url()  # a page, not a fragment


def test_editor_without_mfa_cannot_edit_and_with_mfa_can(require_mfa, client, editor, plan, add_totp):
    path = reverse("plans:workspace", kwargs={"slug": plan.slug})
    client.force_login(editor)
    response = client.get(path)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == SETUP_URL
    add_totp(editor)
    assert client.get(path).status_code == HTTPStatus.OK


def test_those_who_need_it_cannot_switch_two_factor_off(require_mfa, client, editor, add_totp, reauthenticate):
    from allauth.mfa.models import Authenticator

    add_totp(editor)
    client.force_login(editor)
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == HTTPStatus.OK
    assert b"must keep two-factor authentication" in response.content
    assert Authenticator.objects.filter(user=editor, type=Authenticator.Type.TOTP).exists()


def test_collaborators_may_switch_two_factor_off(require_mfa, client, make_user, add_totp, reauthenticate):
    from allauth.mfa.models import Authenticator

    person = make_user()
    add_totp(person)
    client.force_login(person)
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == HTTPStatus.FOUND
    assert not Authenticator.objects.filter(user=person, type=Authenticator.Type.TOTP).exists()


BLOCKED_PATHS = [
    "/plans/{slug}/edit/",
    "/plans/{slug}/edit/progress/",
    "/plans/{slug}/edit/measurements/",
    "/plans/{slug}/edit/measurements/template.csv",
    "/plans/{slug}/edit/references/",
    "/plans/{slug}/edit/changes/",
    "/plans/{slug}/v/1.0.json",
    "/plans/{slug}/v/1.0.md",
    "/plans/{slug}/actions.json",
    "/plans/{slug}/actions.csv",
    "/plans/{slug}/indicators.csv",
    "/admin/",
    "/admin/plans/node/",
    "/manage/people/",
    "/accounts/sessions/",
    "/accounts/password/change/",
]


@pytest.mark.parametrize("path", BLOCKED_PATHS)
def test_no_page_export_or_admin_is_reachable_without_totp(require_mfa, client, make_user, published_plan, path):
    """Editors, publishers and admins alike: every page but the set-up pages waits for two-factor."""
    person = make_user(plan=published_plan, role=Role.PUBLISHER, is_staff=True)
    client.force_login(person)
    response = client.get(path.format(slug=published_plan.slug))
    assert response.status_code == HTTPStatus.FOUND, path
    assert response["Location"] == SETUP_URL


@pytest.mark.parametrize("path", ["/plans/{slug}/edit/preview/", "/plans/{slug}/edit/add/", "/manage/people/invite/"])
def test_no_htmx_or_form_post_gets_through_without_totp(require_mfa, client, make_user, plan, path):
    client.force_login(make_user(plan=plan, role=Role.PUBLISHER, is_staff=True))
    before = AuditLogEntry.objects.count()
    url = path.format(slug=plan.slug)
    data = {"title": "Sneaked in", "body": "x", "email": "x@example.org", "plan": plan.pk, "role": "editor"}
    response = client.post(url, data, headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == SETUP_URL
    response = client.post(url, data)
    assert response["Location"] == SETUP_URL
    assert AuditLogEntry.objects.count() == before
    assert not plan.nodes.filter(title="Sneaked in").exists()


@pytest.mark.parametrize("path", ["/", "/plans/{slug}/", "/plans/{slug}/v/1.0/", "/plans/{slug}/v/1.0.json"])
def test_public_pages_stay_readable_for_visitors(require_mfa, client, published_plan, path):
    assert client.get(path.format(slug=published_plan.slug)).status_code == HTTPStatus.OK


def test_after_a_password_sign_in_set_up_does_not_ask_for_the_password_again(
    require_mfa, client, editor, password_sign_in
):
    response = password_sign_in(client, editor)
    assert client.get(response["Location"])["Location"] == SETUP_URL
    response = client.get(SETUP_URL)
    assert response.status_code == HTTPStatus.OK
    assert b"Authenticator secret" in response.content


def test_an_old_sign_in_still_asks_for_the_password_before_set_up(require_mfa, client, editor, password_sign_in):
    from unittest import mock

    password_sign_in(client, editor)
    an_hour_later = time.time() + 3600
    with mock.patch("time.time", return_value=an_hour_later):
        assert client.get("/")["Location"] == SETUP_URL
        response = client.get(SETUP_URL)
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_someone_who_becomes_an_editor_by_invitation_goes_straight_to_set_up(
    require_mfa, client, make_user, plan, admin_user, password_sign_in
):
    from accounts.services import invitation_create

    reader = make_user("reader@example.org")
    invitation = invitation_create(email=reader.email, plan=plan, role="editor", invited_by=admin_user)
    password_sign_in(client, reader)
    response = client.post(reverse("accounts:invitation_accept", kwargs={"key": invitation.key}), follow=True)
    assert response.redirect_chain[-1][0] == SETUP_URL
    assert b"Authenticator secret" in response.content
