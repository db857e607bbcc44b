"""Invitations to join a plan: sent by email, accepted once, by a new or an existing account."""

from __future__ import annotations

import secrets
import smtplib
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from plans.models import Plan, PlanRole, Role

from ..middleware import mfa_required_for_role
from ..models import Invitation, InvitationRole, User, invitation_key_hash
from .accounts import AccountError, account_create, account_for_email, normalise_email, user_has_email
from .roles import role_set

# Higher number, more rights. Accepting an invitation never lowers a role someone already has.
ROLE_RANK = {None: 0, InvitationRole.COLLABORATOR: 0, Role.EDITOR: 1, Role.PUBLISHER: 2}


class InvitationError(Exception):
    """The invitation cannot be used; the message says why, in plain words."""


def invitation_create(
    *,
    email: str,
    plan: Plan,
    role: str,
    invited_by: User | None,
    base_url: str | None = None,
) -> Invitation:
    """Invite `email` to `plan` with `role` and send the link by email.

    Earlier pending invitations of the same address to the same plan are withdrawn, so only the
    newest link works. Returns the invitation with its one-time `key` attached (only its hash is
    stored); the link is `invitation_url(key)`. Raises InvitationError, saving nothing, when the
    invitation could change nothing or the email cannot be sent.
    """
    email = normalise_email(email)
    if role not in InvitationRole.values:
        raise InvitationError(f"Unknown role {role!r}.")
    _check_worth_inviting(email=email, plan=plan, role=role)
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        for old in Invitation.objects.pending().filter(email__iexact=email, plan=plan).select_for_update():
            _revoke(old, actor=invited_by, now=now)
        invitation = Invitation.objects.create(
            email=email,
            plan=plan,
            role=role,
            key_hash=invitation_key_hash(key),
            invited_by=invited_by,
            created_at=now,
            expires_at=now + Invitation.default_expiry(),
        )
        audit_record(
            action=AuditAction.INVITATION_SENT,
            subject_email=email,
            subject=account_for_email(email),
            plan=plan,
            actor=invited_by,
            details={"to": role},
        )
        invitation.key = key
        # Sent inside the transaction: if the mail server refuses, nothing is kept (the link would be
        # lost anyway, as only its hash is stored) and the admin is told to try again.
        try:
            _send_invitation_email(invitation, key=key, base_url=base_url)
        except (OSError, smtplib.SMTPException) as error:
            raise InvitationError(
                f"The invitation email could not be sent ({error.__class__.__name__}), so nothing was saved. "
                "Try again later, or tell whoever runs the portal that its email is not working."
            ) from error
    return invitation


def _check_worth_inviting(*, email: str, plan: Plan, role: str) -> None:
    """Refuse an invitation that could not change anything, saying what to do instead."""
    account = account_for_email(email)
    if account is None:
        return
    if not account.is_active:
        raise InvitationError(
            f"The account of {email} is deactivated, so it could not accept. Reactivate it on the Accounts page first."
        )
    if role == InvitationRole.COLLABORATOR:
        raise InvitationError(f"{email} already has an account, so they can already read members-only plans.")
    current = PlanRole.objects.filter(plan=plan, user=account).values_list("role", flat=True).first()
    if ROLE_RANK[role] <= ROLE_RANK[current]:
        raise InvitationError(
            f"{email} is already {Role(current).label.split(' (')[0].lower()} of this plan. "
            "Change their role in the list of the plan's people instead."
        )


def invitation_url(key: str, base_url: str | None = None) -> str:
    """The absolute address of the invitation's page."""
    base = (base_url or settings.PORTAL_URL).rstrip("/")
    return base + reverse("accounts:invitation_accept", kwargs={"key": key})


def _send_invitation_email(invitation: Invitation, *, key: str, base_url: str | None) -> None:
    context = {
        "invitation": invitation,
        "plan": invitation.plan,
        "role_label": invitation.get_role_display(),
        "url": invitation_url(key, base_url),
        "invited_by": invitation.invited_by,
        "expires_at": invitation.expires_at,
        "two_factor_next": mfa_required_for_role(invitation.role),
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    text = render_to_string("accounts/email/invitation_message.txt", context)
    html = render_to_string("accounts/email/invitation_message.html", context)
    message = EmailMultiAlternatives(subject=subject, body=text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()


def invitation_find(key: str) -> Invitation | None:
    """The invitation this link key belongs to (in any state), or None."""
    if not key:
        return None
    return Invitation.objects.select_related("plan").filter(key_hash=invitation_key_hash(key)).first()


def invitation_check(invitation: Invitation | None) -> Invitation:
    """The invitation, if it can still be accepted; otherwise InvitationError saying why."""
    if invitation is None:
        raise InvitationError("This invitation link is not valid. Check that you copied the whole link.")
    status = invitation.status
    if status == "accepted":
        raise InvitationError("This invitation has already been used. Each invitation link works only once.")
    if status == "revoked":
        raise InvitationError("This invitation was withdrawn by an admin.")
    if status == "expired":
        raise InvitationError(
            f"This invitation expired on {invitation.expires_at:%d %B %Y at %H:%M} UTC. "
            "Ask an admin to send you a new one."
        )
    return invitation


def invitation_accept(*, invitation: Invitation, user: User) -> Invitation:
    """Accept the invitation as `user`: their role on the plan becomes the invited one (never lower).

    Refused when the invitation is unusable, when `user` does not own the invited email address,
    or when someone accepted it a moment earlier (the link works once, checked in the database).
    """
    invitation_check(invitation)
    if not user.is_active:
        raise InvitationError("This account is deactivated. Ask an admin to reactivate it.")
    if not user_has_email(user, invitation.email):
        raise InvitationError(
            "This invitation was sent to another email address than the one of the account you are "
            "signed in with. Sign out, then open the link again."
        )
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if claimed != 1:
            raise InvitationError("This invitation has already been used. Each invitation link works only once.")
        current = PlanRole.objects.filter(plan=invitation.plan, user=user).values_list("role", flat=True).first()
        if invitation.role != InvitationRole.COLLABORATOR and ROLE_RANK[invitation.role] > ROLE_RANK[current]:
            # The role is the inviter's decision, so it is recorded as theirs.
            role_set(
                plan=invitation.plan,
                user=user,
                role=invitation.role,
                actor=invitation.invited_by,
                actor_label="invitation",
            )
        audit_record(
            action=AuditAction.INVITATION_ACCEPTED,
            subject=user,
            plan=invitation.plan,
            actor=user,
            details={"to": invitation.role},
        )
    invitation.accepted_at, invitation.accepted_by = now, user
    return invitation


def invitation_accept_new_account(*, invitation: Invitation, name: str, password: str) -> User:
    """Create the invited person's account (email verified by the link itself) and accept the invitation.

    The password must already have passed Django's validators (the form does that).
    """
    invitation_check(invitation)
    with transaction.atomic():
        if account_for_email(invitation.email) is not None:
            raise InvitationError("An account with this email address already exists: sign in to accept.")
        try:
            user = account_create(
                email=invitation.email,
                name=name,
                password=password,
                validate=False,
                actor=None,
                actor_label="invitation",
            )
        except AccountError as error:  # the same link submitted twice at the same moment
            raise InvitationError(
                "This invitation has already been used. Each invitation link works only once."
            ) from error
        invitation_accept(invitation=invitation, user=user)
    return user


def _revoke(invitation: Invitation, *, actor: User | None, now: datetime) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=now)
    invitation.revoked_at = now
    audit_record(
        action=AuditAction.INVITATION_REVOKED,
        subject_email=invitation.email,
        plan=invitation.plan,
        actor=actor,
        details={"from": invitation.role},
    )


def invitation_revoke(*, invitation: Invitation, actor: User | None) -> Invitation:
    """Withdraw a pending invitation, so its link stops working."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise InvitationError(f"This invitation is already {invitation.status}.")
        _revoke(invitation, actor=actor, now=timezone.now())
    return invitation
