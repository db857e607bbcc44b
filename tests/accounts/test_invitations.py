"""Invitations: sent by email, expire, work once, create an account or need a sign-in; bad links change nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, InvitationRole
from accounts.services import InvitationError, invitation_accept, invitation_create, invitation_url
from audit.models import AuditAction, AuditLogEntry
from plans.models import PlanRole, Role

User = get_user_model()
NEW_PASSWORD = "Blue-heron-42-sings"
NEW_ACCOUNT = {"name": "Nia Newcomer", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}


@pytest.fixture
def invite(plan, admin_user):
    def make(email="newcomer@example.org", role=InvitationRole.EDITOR, **kwargs):
        return invitation_create(email=email, plan=plan, role=role, invited_by=admin_user, **kwargs)

    return make


def link_from_mail(message) -> str:
    return re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)


def path_of(invitation) -> str:
    return reverse("accounts:invitation_accept", kwargs={"key": invitation.key})


def test_invitation_email_has_plain_text_and_html_parts_with_the_link(invite, plan):
    invitation = invite()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["newcomer@example.org"]
    assert plan.title in message.subject
    assert message.content_subtype == "plain"
    assert invitation_url(invitation.key) in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert invitation_url(invitation.key) in html


def test_only_the_hash_of_the_key_is_stored(invite):
    invitation = invite()
    stored = Invitation.objects.get(pk=invitation.pk)
    assert invitation.key not in stored.key_hash
    assert len(stored.key_hash) == 64


def test_invitation_expires_after_seven_days_by_default(invite):
    invitation = invite()
    assert invitation.expires_at - invitation.created_at == timedelta(days=7)


def test_new_person_sets_a_password_and_gets_the_role(client, invite, plan):
    invitation = invite()
    response = client.get(path_of(invitation))
    assert response.status_code == HTTPStatus.OK
    assert b"Choose a password" in response.content

    response = client.post(path_of(invitation), NEW_ACCOUNT)

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/plans/{plan.slug}/edit/"
    user = User.objects.get(email="newcomer@example.org")
    assert user.check_password(NEW_PASSWORD)
    assert user.name == "Nia Newcomer"
    assert EmailAddress.objects.filter(user=user, email="newcomer@example.org", verified=True, primary=True).exists()
    assert PlanRole.objects.get(plan=plan, user=user).role == Role.EDITOR
    assert int(client.session["_auth_user_id"]) == user.pk
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.status == "accepted"


def test_the_link_in_the_email_works(client, invite):
    invite()
    link = link_from_mail(mail.outbox[0])
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    response = client.get(path)
    assert response.status_code == HTTPStatus.OK
    assert b"newcomer@example.org" in response.content  # the invitation's own page, not some other one


def test_weak_password_is_refused_and_nothing_is_created(client, invite):
    invitation = invite()
    response = client.post(path_of(invitation), {"name": "Nia", "password1": "password", "password2": "password"})
    assert response.status_code == HTTPStatus.OK
    assert b"too common" in response.content
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_different_passwords_are_refused(client, invite):
    invitation = invite()
    response = client.post(
        path_of(invitation), {"name": "Nia", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert response.status_code == HTTPStatus.OK
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_a_link_works_only_once(client, invite):
    invitation = invite()
    client.post(path_of(invitation), NEW_ACCOUNT)
    client.logout()
    response = client.get(path_of(invitation))
    assert response.status_code == HTTPStatus.GONE
    assert b"already been used" in response.content
    response = client.post(path_of(invitation), NEW_ACCOUNT)
    assert response.status_code == HTTPStatus.GONE
    assert User.objects.filter(email="newcomer@example.org").count() == 1


def test_accepting_twice_through_the_service_is_refused(invite, make_user):
    invitation = invite(email="member@example.org")
    member = make_user("member@example.org")
    invitation_accept(invitation=invitation, user=member)
    stale = Invitation.objects.get(pk=invitation.pk)
    stale.accepted_at = None  # as if loaded before the first acceptance
    with pytest.raises(InvitationError):
        invitation_accept(invitation=stale, user=member)


def test_expired_link_shows_a_clear_page_and_creates_nothing(client, invite):
    invitation = invite()
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=now - timedelta(days=7, seconds=1), expires_at=now - timedelta(seconds=1)
    )
    response = client.get(path_of(invitation))
    assert response.status_code == HTTPStatus.GONE
    assert b"expired" in response.content
    response = client.post(path_of(invitation), NEW_ACCOUNT)
    assert response.status_code == HTTPStatus.GONE
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_unknown_link_is_not_found(client, invite):
    invite()
    response = client.get(reverse("accounts:invitation_accept", kwargs={"key": "not-a-real-key"}))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"not valid" in response.content


def test_withdrawn_invitation_no_longer_works(admin_client, client, invite):
    invitation = invite()
    response = admin_client.post(reverse("accounts:invitation_withdraw", kwargs={"pk": invitation.pk}))
    assert response.status_code == HTTPStatus.FOUND
    response = client.get(path_of(invitation))
    assert response.status_code == HTTPStatus.GONE
    assert b"withdrawn" in response.content


def test_a_new_invitation_replaces_the_pending_one(invite):
    first = invite()
    second = invite(role=InvitationRole.PUBLISHER)
    first.refresh_from_db()
    assert first.status == "revoked"
    assert second.status == "pending"


def test_existing_account_must_sign_in_first(client, invite, make_user):
    make_user("newcomer@example.org")
    invitation = invite()
    response = client.get(path_of(invitation))
    assert response.status_code == HTTPStatus.OK
    assert b"Sign in to accept" in response.content
    assert f"next={path_of(invitation)}".encode() in response.content
    # No account is created and no password can be set through the link.
    client.post(path_of(invitation), NEW_ACCOUNT)
    assert User.objects.filter(email="newcomer@example.org").count() == 1
    assert not User.objects.get(email="newcomer@example.org").check_password(NEW_PASSWORD)


def test_signed_in_invitee_confirms_and_gets_the_role(client, invite, make_user, plan):
    person = make_user("newcomer@example.org")
    invitation = invite(role=InvitationRole.PUBLISHER)
    client.force_login(person)
    assert client.get(path_of(invitation)).status_code == HTTPStatus.OK
    response = client.post(path_of(invitation))
    assert response.status_code == HTTPStatus.FOUND
    assert PlanRole.objects.get(plan=plan, user=person).role == Role.PUBLISHER


def test_mismatched_email_is_refused_and_nothing_changes(client, invite, make_user, plan):
    someone_else = make_user("someone.else@example.org")
    invitation = invite()
    client.force_login(someone_else)
    assert client.get(path_of(invitation)).status_code == HTTPStatus.FORBIDDEN
    response = client.post(path_of(invitation))
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert b"another email address" in response.content
    assert not PlanRole.objects.filter(plan=plan).exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_collaborator_invitation_gives_an_account_without_a_plan_role(client, invite, plan):
    invitation = invite(role=InvitationRole.COLLABORATOR)
    response = client.post(path_of(invitation), NEW_ACCOUNT)
    assert response.status_code == HTTPStatus.FOUND
    user = User.objects.get(email="newcomer@example.org")
    assert not PlanRole.objects.filter(user=user).exists()


def test_accepting_never_lowers_a_role(invite, make_user, plan, admin_user):
    from accounts.services import role_set

    chair = make_user("chair@example.org")
    invitation = invite(email="chair@example.org", role=InvitationRole.EDITOR)
    role_set(plan=plan, user=chair, role=Role.PUBLISHER, actor=admin_user)  # promoted meanwhile
    invitation_accept(invitation=invitation, user=chair)
    assert PlanRole.objects.get(plan=plan, user=chair).role == Role.PUBLISHER


def test_invitation_events_are_audited(client, invite, admin_user, plan):
    invitation = invite()
    client.post(path_of(invitation), NEW_ACCOUNT)
    actions = list(AuditLogEntry.objects.order_by("id").values_list("action", "actor_email", "subject_email"))
    assert (AuditAction.INVITATION_SENT, admin_user.email, "newcomer@example.org") in actions
    assert (AuditAction.ACCOUNT_CREATED, "", "newcomer@example.org") in actions  # by the invitation link
    assert (AuditAction.ROLE_GRANTED, admin_user.email, "newcomer@example.org") in actions
    assert (AuditAction.INVITATION_ACCEPTED, "newcomer@example.org", "newcomer@example.org") in actions


def test_new_editor_goes_straight_to_two_factor_set_up(require_mfa, client, invite, plan):
    """Choosing the password counts as a fresh sign-in: the set-up page does not ask for it again."""
    invitation = invite()
    response = client.post(path_of(invitation), NEW_ACCOUNT, follow=True)
    assert response.redirect_chain[-1][0] == reverse("mfa_activate_totp")
    assert response.status_code == HTTPStatus.OK
    assert b"Authenticator secret" in response.content


def test_expiry_follows_the_setting_and_the_pages_say_so(settings, admin_client, invite, plan):
    settings.INVITATION_EXPIRY_DAYS = 3
    invitation = invite()
    assert invitation.expires_at - invitation.created_at == timedelta(days=3)
    assert b"expires after 3 days" in admin_client.get(reverse("accounts:invite")).content
    assert b"expires after 3 days" in admin_client.get(reverse("accounts:plan_people", args=[plan.slug])).content


def test_inviting_someone_who_already_has_the_role_is_refused_with_advice(admin_client, plan, editor):
    response = admin_client.post(
        reverse("accounts:invite"), {"email": "Editor@Example.org", "plan": plan.pk, "role": "editor"}
    )
    assert response.status_code == HTTPStatus.OK
    assert "already editor of this plan" in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()
    assert not mail.outbox


def test_inviting_an_existing_editor_to_publish_is_allowed(admin_client, plan, editor):
    response = admin_client.post(
        reverse("accounts:invite"), {"email": editor.email, "plan": plan.pk, "role": "publisher"}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Invitation.objects.get().role == "publisher"


def test_inviting_an_existing_account_as_collaborator_is_refused(admin_client, plan, make_user):
    make_user("reader@example.org")
    response = admin_client.post(
        reverse("accounts:invite"), {"email": "reader@example.org", "plan": plan.pk, "role": "collaborator"}
    )
    assert "already has an account" in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()


def test_inviting_a_deactivated_account_is_refused(admin_client, plan, make_user):
    make_user("gone@example.org", is_active=False)
    response = admin_client.post(
        reverse("accounts:invite"), {"email": "gone@example.org", "plan": plan.pk, "role": "editor"}
    )
    assert "deactivated" in str(response.context["form"].errors["email"])
    assert not Invitation.objects.exists()


def test_an_admin_may_invite_themselves_to_edit(admin_client, admin_user, plan):
    response = admin_client.post(
        reverse("accounts:invite"), {"email": admin_user.email, "plan": plan.pk, "role": "editor"}
    )
    assert response.status_code == HTTPStatus.FOUND
    invitation = Invitation.objects.get()
    assert invitation.email == admin_user.email


def test_an_unconfirmed_email_change_does_not_block_the_real_owners_invitation(client, invite, make_user, plan):
    squatter = make_user("squatter@example.org")
    EmailAddress.objects.create(user=squatter, email="newcomer@example.org", verified=False, primary=False)
    invitation = invite()
    response = client.get(path_of(invitation))
    assert b"Choose a password" in response.content
    response = client.post(path_of(invitation), NEW_ACCOUNT)
    assert response.status_code == HTTPStatus.FOUND
    newcomer = User.objects.get(email="newcomer@example.org")
    assert newcomer != squatter
    assert PlanRole.objects.get(plan=plan, user=newcomer).role == Role.EDITOR
    assert not PlanRole.objects.filter(user=squatter).exists()


def test_a_newcomer_at_an_address_someone_used_to_have_gets_an_account(client, invite, make_user, plan):
    """An account whose email changed must not block a newcomer at its old address."""
    moved = make_user("newcomer@example.org")
    moved.email = "moved.on@example.org"
    moved.save()
    EmailAddress.objects.filter(user=moved).update(email="moved.on@example.org")
    invitation = invite()
    response = client.post(path_of(invitation), NEW_ACCOUNT)
    assert response.status_code == HTTPStatus.FOUND, response.content
    newcomer = User.objects.get(email="newcomer@example.org")
    assert newcomer.pk != moved.pk
    assert PlanRole.objects.get(plan=plan, user=newcomer).role == Role.EDITOR


def test_invitation_subject_and_text_keep_the_plans_title_as_typed(make_plan, admin_user):
    plan = make_plan("women-gender", title="Women & Gender's plan")
    invitation_create(email="newcomer@example.org", plan=plan, role="editor", invited_by=admin_user)
    (message,) = mail.outbox
    assert message.subject == "[DEI Plan Portal] You are invited to Women & Gender's plan"
    assert "Women & Gender's plan" in message.body
    assert "Women &amp; Gender&#x27;s plan" in message.alternatives[0][0]  # escaped only in the HTML part


def test_a_new_account_needs_a_name(client, invite):
    invitation = invite()
    response = client.post(path_of(invitation), {**NEW_ACCOUNT, "name": "   "})
    assert response.status_code == HTTPStatus.OK
    assert "name" in response.context["form"].errors
    assert not User.objects.filter(email="newcomer@example.org").exists()


def test_the_invitation_email_names_the_inviter_by_name(invite, admin_user):
    invite()
    (message,) = mail.outbox
    assert f"{admin_user.name} invites you" in message.body
    assert admin_user.email not in message.body
