"""Signal receivers that write the audit log, so changes made in the Django admin, by allauth's
self-service pages or by management commands are recorded as well as those made by our services."""

from __future__ import annotations

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from plans.models import PlanRole

from .audit import audit_record, current_actor
from .models import AuditAction

User = get_user_model()

# Account fields whose change is written to the audit log.
TRACKED_USER_FIELDS = ("is_active", "is_staff", "is_superuser", "email")


@receiver(pre_save, sender=User, dispatch_uid="accounts_audit_user_pre_save")
def _remember_user_fields(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(TRACKED_USER_FIELDS):
        return  # e.g. last_login on every sign-in: nothing to audit, spare the query
    instance._audit_before = sender.objects.filter(pk=instance.pk).values(*TRACKED_USER_FIELDS).first()


@receiver(post_save, sender=User, dispatch_uid="accounts_audit_user_post_save")
def _audit_user_change(sender, instance, created=False, raw=False, **kwargs) -> None:
    if raw:
        return
    if created:
        audit_record(action=AuditAction.ACCOUNT_CREATED, subject=instance)
        if instance.is_staff or instance.is_superuser:
            audit_record(action=AuditAction.ADMIN_GRANTED, subject=instance)
        return
    before = getattr(instance, "_audit_before", None)
    instance._audit_before = None
    if not before:
        return
    if before["is_active"] != instance.is_active:
        action = AuditAction.ACCOUNT_REACTIVATED if instance.is_active else AuditAction.ACCOUNT_DEACTIVATED
        audit_record(action=action, subject=instance)
    was_admin = before["is_staff"] or before["is_superuser"]
    is_admin = instance.is_staff or instance.is_superuser
    if was_admin != is_admin:
        audit_record(action=AuditAction.ADMIN_GRANTED if is_admin else AuditAction.ADMIN_REMOVED, subject=instance)
    if (before["email"] or "").lower() != (instance.email or "").lower():
        audit_record(
            action=AuditAction.EMAIL_CHANGED,
            subject=instance,
            details={"from": before["email"], "to": instance.email},
        )


@receiver(post_create_historical_record, dispatch_uid="accounts_audit_plan_role")
def _audit_role_change(sender, instance, history_instance, history_user=None, **kwargs) -> None:
    """Every grant, change and removal of a plan role, whichever code path made it."""
    if not isinstance(instance, PlanRole):
        return
    actor = current_actor() or history_user
    plan, user = instance.plan, instance.user
    kind = history_instance.history_type
    if kind == "+":
        audit_record(
            action=AuditAction.ROLE_GRANTED, subject=user, plan=plan, actor=actor, details={"to": instance.role}
        )
    elif kind == "-":
        audit_record(
            action=AuditAction.ROLE_REMOVED, subject=user, plan=plan, actor=actor, details={"from": instance.role}
        )
    else:
        previous = history_instance.prev_record
        if previous is None or previous.role == instance.role:
            return
        audit_record(
            action=AuditAction.ROLE_CHANGED,
            subject=user,
            plan=plan,
            actor=actor,
            details={"from": previous.role, "to": instance.role},
        )


def _on_password(action):
    def handler(sender, request=None, user=None, **kwargs) -> None:
        audit_record(action=action, subject=user, actor=current_actor(request) or user)

    return handler


_password_changed = _on_password(AuditAction.PASSWORD_CHANGED)
_password_reset = _on_password(AuditAction.PASSWORD_RESET)
account_signals.password_changed.connect(_password_changed, dispatch_uid="accounts_audit_password_changed")
account_signals.password_set.connect(_password_changed, dispatch_uid="accounts_audit_password_set")
account_signals.password_reset.connect(_password_reset, dispatch_uid="accounts_audit_password_reset")


def _authenticator_event(action):
    def handler(sender, request=None, user=None, authenticator=None, **kwargs) -> None:
        audit_record(
            action=action,
            subject=user,
            actor=current_actor(request) or user,
            details={"to" if action != AuditAction.MFA_REMOVED else "from": authenticator_label(authenticator)},
        )

    return handler


def authenticator_label(authenticator) -> str:
    """What the audit log calls this kind of authenticator, in plain words."""
    if authenticator is None:
        return ""
    return {
        Authenticator.Type.TOTP: "authenticator app",
        Authenticator.Type.RECOVERY_CODES: "recovery codes",
    }.get(authenticator.type, "security key")


_mfa_added = _authenticator_event(AuditAction.MFA_ADDED)
_mfa_removed = _authenticator_event(AuditAction.MFA_REMOVED)
_mfa_reset = _authenticator_event(AuditAction.RECOVERY_CODES_RESET)
mfa_signals.authenticator_added.connect(_mfa_added, dispatch_uid="accounts_audit_mfa_added")
mfa_signals.authenticator_removed.connect(_mfa_removed, dispatch_uid="accounts_audit_mfa_removed")
mfa_signals.authenticator_reset.connect(_mfa_reset, dispatch_uid="accounts_audit_mfa_reset")
