"""The writes of the accounts app: invitations, roles, deactivation. Views and commands go through these."""

from __future__ import annotations

import secrets
import smtplib
from datetime import datetime

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, PlanRole, Role
from plans.roles import account_for_email, free_username, role_grant, role_remove

from .audit import acting_as, audit_record
from .models import AuditAction, Invitation, InvitationRole, invitation_key_hash

User = get_user_model()

# Higher number, more rights. Accepting an invitation never lowers a role someone already has.
ROLE_RANK = {None: 0, InvitationRole.COLLABORATOR: 0, Role.EDITOR: 1, Role.PUBLISHER: 2}


class InvitationError(Exception):
    """The invitation cannot be used; the message says why, in plain words."""


class AccountError(Exception):
    """The account change is refused; the message says why, in plain words."""


def _normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def user_has_email(user: AbstractBaseUser, email: str) -> bool:
    """Does this account own the address (as its main email or as a verified address)?"""
    email = _normalise_email(email)
    if _normalise_email(user.email) == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


# Roles ----------------------------------------------------------------------------------------


def plan_role_set(*, plan: Plan, user: AbstractBaseUser, role: str | None, by: AbstractBaseUser | None) -> None:
    """Give `user` exactly `role` (editor or publisher) on `plan`, or remove their role when None.

    Takes effect at once: permissions are read from PlanRole on every request. The change is
    written to the audit log (by the receiver on PlanRole's history) as made by `by`.
    """
    if role is not None and role not in Role.values:
        raise AccountError(f"Unknown role {role!r}: choose editor or publisher.")
    with transaction.atomic(), acting_as(by):
        if role is None:
            role_remove(plan=plan, user=user, removed_by=by)
        else:
            role_grant(plan=plan, user=user, role=role, granted_by=by)
    user.__dict__.pop("_plan_roles", None)  # permissions.role_of caches per user object


# Invitations ----------------------------------------------------------------------------------


def invitation_create(
    *,
    email: str,
    plan: Plan,
    role: str,
    invited_by: AbstractBaseUser | None,
    base_url: str | None = None,
) -> Invitation:
    """Invite `email` to `plan` with `role` and send the link by email.

    Earlier pending invitations of the same address to the same plan are withdrawn, so only the
    newest link works. Returns the invitation with its one-time `key` attached (only its hash is
    stored); the link is `invitation_url(key)`. Raises InvitationError, saving nothing, when the
    invitation could change nothing or the email cannot be sent.
    """
    email = _normalise_email(email)
    if role not in InvitationRole.values:
        raise InvitationError(f"Unknown role {role!r}.")
    _check_worth_inviting(email=email, plan=plan, role=role)
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic(), acting_as(invited_by):
        for old in Invitation.objects.pending().filter(email__iexact=email, plan=plan).select_for_update():
            _revoke(old, by=invited_by, now=now)
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


def invitation_accept(*, invitation: Invitation, user: AbstractBaseUser) -> Invitation:
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
    with transaction.atomic(), acting_as(user):
        claimed = Invitation.objects.filter(
            pk=invitation.pk, accepted_at=None, revoked_at=None, expires_at__gt=now
        ).update(accepted_at=now, accepted_by=user)
        if claimed != 1:
            raise InvitationError("This invitation has already been used. Each invitation link works only once.")
        current = PlanRole.objects.filter(plan=invitation.plan, user=user).values_list("role", flat=True).first()
        if invitation.role != InvitationRole.COLLABORATOR and ROLE_RANK[invitation.role] > ROLE_RANK[current]:
            plan_role_set(plan=invitation.plan, user=user, role=invitation.role, by=invitation.invited_by)
        audit_record(
            action=AuditAction.INVITATION_ACCEPTED,
            subject=user,
            plan=invitation.plan,
            actor=user,
            details={"to": invitation.role},
        )
    invitation.accepted_at, invitation.accepted_by = now, user
    return invitation


def invitation_accept_new_account(*, invitation: Invitation, password: str) -> AbstractBaseUser:
    """Create the invited person's account (email verified by the link itself) and accept the invitation.

    The password must already have passed Django's validators (the form does that).
    """
    invitation_check(invitation)
    with transaction.atomic():
        if account_for_email(invitation.email) is not None:
            raise InvitationError("An account with this email address already exists: sign in to accept.")
        user = User(email=invitation.email, username=free_username(invitation.email))
        user.set_password(password)
        try:
            with transaction.atomic():
                user.save()
                EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
        except IntegrityError as error:  # the same link submitted twice at the same moment
            raise InvitationError(
                "This invitation has already been used. Each invitation link works only once."
            ) from error
        invitation_accept(invitation=invitation, user=user)
    return user


def _revoke(invitation: Invitation, *, by: AbstractBaseUser | None, now: datetime) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=now)
    invitation.revoked_at = now
    audit_record(
        action=AuditAction.INVITATION_REVOKED,
        subject_email=invitation.email,
        plan=invitation.plan,
        actor=by,
        details={"from": invitation.role},
    )


def invitation_revoke(*, invitation: Invitation, by: AbstractBaseUser | None) -> Invitation:
    """Withdraw a pending invitation, so its link stops working."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.status != "pending":
            raise InvitationError(f"This invitation is already {invitation.status}.")
        _revoke(invitation, by=by, now=timezone.now())
    return invitation


# Accounts -------------------------------------------------------------------------------------


def account_deactivate(*, user: AbstractBaseUser, by: AbstractBaseUser | None) -> None:
    """Deactivate the account and end all its sessions at once.

    The account row stays, so everything it did stays attributed to it in history and versions.
    """
    if by is not None and by.pk == user.pk:
        raise AccountError("You cannot deactivate your own account.")
    with transaction.atomic(), acting_as(by):
        if (user.is_staff or user.is_superuser) and not _active_admin_ids_locked() - {user.pk}:
            raise AccountError("This is the last active admin: make someone else an admin first.")
        user.is_active = False
        user.save(update_fields=["is_active"])
        sessions_end(user=user)


def _active_admin_ids_locked() -> set[int]:
    # Lock every active admin row, so two admins deactivating each other at once cannot both succeed.
    admins = User.objects.select_for_update().filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
    return set(admins.values_list("pk", flat=True))


def account_reactivate(*, user: AbstractBaseUser, by: AbstractBaseUser | None) -> None:
    """Let a deactivated account sign in again (with its old roles)."""
    with transaction.atomic(), acting_as(by):
        user.is_active = True
        user.save(update_fields=["is_active"])


def sessions_end(*, user: AbstractBaseUser) -> int:
    """Sign the user out everywhere: delete every session allauth knows of. Returns how many."""
    count = 0
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
        count += 1
    return count
