"""Audit log entries for what people do themselves through allauth's pages: signing up, changing or
resetting their password, changing their email, adding or removing two-factor authentication.

These are events of allauth's flows, which we do not own, so they are caught by signal. Every other
account and role change is written to the audit log by the service that makes it (accounts.services).
"""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.dispatch import receiver

from audit.models import AuditAction
from audit.services import audit_record

from .services import authenticator_label


def _acting(request, user):
    """Who did it: the signed-in user of the request, else the person themselves (a reset link)."""
    signed_in = getattr(request, "user", None)
    return signed_in if signed_in is not None and signed_in.is_authenticated else user


@receiver(account_signals.user_signed_up, dispatch_uid="accounts_audit_signed_up")
def _signed_up(sender, request=None, user=None, **kwargs) -> None:
    audit_record(action=AuditAction.ACCOUNT_CREATED, actor=user, subject=user, details={"to": "signed up"})


@receiver(account_signals.password_changed, dispatch_uid="accounts_audit_password_changed")
@receiver(account_signals.password_set, dispatch_uid="accounts_audit_password_set")
def _password_changed(sender, request=None, user=None, **kwargs) -> None:
    audit_record(action=AuditAction.PASSWORD_CHANGED, actor=_acting(request, user), subject=user)


@receiver(account_signals.password_reset, dispatch_uid="accounts_audit_password_reset")
def _password_reset(sender, request=None, user=None, **kwargs) -> None:
    audit_record(action=AuditAction.PASSWORD_RESET, actor=_acting(request, user), subject=user)


@receiver(account_signals.email_changed, dispatch_uid="accounts_audit_email_changed")
def _email_changed(sender, request=None, user=None, from_email_address=None, to_email_address=None, **kwargs) -> None:
    audit_record(
        action=AuditAction.EMAIL_CHANGED,
        actor=_acting(request, user),
        subject=user,
        details={
            "from": getattr(from_email_address, "email", ""),
            "to": getattr(to_email_address, "email", ""),
        },
    )


def _on_authenticator(action: AuditAction, key: str):
    def handler(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
        audit_record(
            action=action,
            actor=_acting(request, user),
            subject=user,
            details={key: authenticator_label(authenticator)},
        )

    return handler


_mfa_added = _on_authenticator(AuditAction.MFA_ADDED, "to")
_mfa_removed = _on_authenticator(AuditAction.MFA_REMOVED, "from")
_mfa_reset = _on_authenticator(AuditAction.RECOVERY_CODES_RESET, "to")
mfa_signals.authenticator_added.connect(_mfa_added, dispatch_uid="accounts_audit_mfa_added")
mfa_signals.authenticator_removed.connect(_mfa_removed, dispatch_uid="accounts_audit_mfa_removed")
mfa_signals.authenticator_reset.connect(_mfa_reset, dispatch_uid="accounts_audit_mfa_reset")
