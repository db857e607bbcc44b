"""Invitations promise a two-factor step only when one will come: REQUIRE_MFA on, and a committee role."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import InvitationRole
from accounts.services import invitation_create

TWO_FACTOR = "two-factor authentication"


@pytest.fixture
def invite(plan, admin_user):
    def make(role, email="newcomer@example.org"):
        return invitation_create(email=email, plan=plan, role=role, invited_by=admin_user)

    return make


def _page(client, invitation):
    return client.get(reverse("accounts:invitation_accept", kwargs={"key": invitation.key}))


CASES = [
    (True, InvitationRole.EDITOR, True),
    (True, InvitationRole.PUBLISHER, True),
    (True, InvitationRole.COLLABORATOR, False),
    (False, InvitationRole.EDITOR, False),
    (False, InvitationRole.PUBLISHER, False),
    (False, InvitationRole.COLLABORATOR, False),
]


@pytest.mark.parametrize(("require_mfa", "role", "promised"), CASES)
def test_new_account_page_and_email_promise_two_factor_only_when_it_comes(
    client, settings, invite, require_mfa, role, promised
):
    settings.REQUIRE_MFA = require_mfa
    invitation = invite(role)
    response = _page(client, invitation)
    assert response.status_code == HTTPStatus.OK
    assert "Create account" in response.text  # the new-account page
    assert (TWO_FACTOR in response.text) is promised
    message = mail.outbox[-1]
    assert (TWO_FACTOR in message.body) is promised
    assert (TWO_FACTOR in message.alternatives[0][0]) is promised


@pytest.mark.parametrize(("require_mfa", "promised"), [(True, True), (False, False)])
def test_confirm_page_of_a_signed_in_invitee_promises_two_factor_only_when_it_comes(
    client, settings, invite, make_user, require_mfa, promised
):
    settings.REQUIRE_MFA = require_mfa
    invitee = make_user("invitee@example.org")
    invitation = invite(InvitationRole.EDITOR, email="invitee@example.org")
    client.force_login(invitee)
    response = _page(client, invitation)
    assert response.status_code == HTTPStatus.OK
    assert "Accept the invitation" in response.text
    assert (TWO_FACTOR in response.text) is promised
