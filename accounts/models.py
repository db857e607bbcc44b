"""Invitations to join a plan, and the audit log of every account and role change."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class InvitationRole(models.TextChoices):
    COLLABORATOR = "collaborator", "Collaborator (reads members-only plans)"
    EDITOR = "editor", "Editor (committee member)"
    PUBLISHER = "publisher", "Publisher (committee chair)"


def invitation_key_hash(key: str) -> str:
    """The stored form of an invitation key: only its SHA-256, so a database leak reveals no link."""
    return hashlib.sha256(key.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self) -> InvitationQuerySet:
        """Invitations that can still be accepted."""
        return self.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An admin's invitation of an email address to a plan, with a role. Works once, then never again."""

    email = models.EmailField(help_text="Only an account with this email address can accept the invitation.")
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="invitations")
    role = models.CharField(max_length=12, choices=InvitationRole.choices)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="After this moment the link no longer works.")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="Set when an admin withdraws the invitation.")

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="invitation_expires_later"),
            models.CheckConstraint(
                condition=Q(accepted_at=None) | Q(revoked_at=None), name="invitation_not_both_accepted_and_revoked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} as {self.role} of {self.plan_id}"

    @property
    def status(self) -> str:
        """pending, accepted, revoked or expired, in plain words."""
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"

    @staticmethod
    def default_expiry() -> timedelta:
        return timedelta(days=settings.INVITATION_EXPIRY_DAYS)


class AuditAction(models.TextChoices):
    ACCOUNT_CREATED = "account_created", "Account created"
    ACCOUNT_DEACTIVATED = "account_deactivated", "Account deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated", "Account reactivated"
    ADMIN_GRANTED = "admin_granted", "Made an admin"
    ADMIN_REMOVED = "admin_removed", "No longer an admin"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset by email"
    MFA_ADDED = "mfa_added", "Two-factor authentication added"
    MFA_REMOVED = "mfa_removed", "Two-factor authentication removed"
    RECOVERY_CODES_RESET = "recovery_codes_reset", "Recovery codes replaced"
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_REVOKED = "invitation_revoked", "Invitation withdrawn"
    ROLE_GRANTED = "role_granted", "Role given"
    ROLE_CHANGED = "role_changed", "Role changed"
    ROLE_REMOVED = "role_removed", "Role removed"


class AuditLogImmutableError(Exception):
    """Raised on any attempt to change or delete an audit log entry."""


class AuditLogEntry(models.Model):
    """Who did what to whom, and when. Append-only.

    People and plans are kept as ids plus the email/slug they had at the time, not as foreign
    keys: an entry must outlive (and never block) the deletion of the account or plan it names.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=24, choices=AuditAction.choices)
    actor_id = models.BigIntegerField(null=True, blank=True, help_text="Who did it; empty for the system.")
    actor_email = models.CharField(max_length=254, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="Whose account it concerns.")
    subject_email = models.CharField(max_length=254, blank=True)
    plan_slug = models.CharField(max_length=50, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True, help_text="What changed, e.g. the old and new role.")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_email or 'system'}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AuditLogImmutableError("An audit log entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutableError("An audit log entry cannot be deleted.")

    @property
    def summary(self) -> str:
        """The entry in plain words, e.g. 'Role changed: editor → publisher on us-cms-dei'."""
        text = self.get_action_display()
        old, new = self.details.get("from"), self.details.get("to")
        if old and new:
            text += f": {old} → {new}"
        elif new:
            text += f": {new}"
        elif old:
            text += f": was {old}"
        if self.plan_slug:
            text += f" on {self.plan_slug}"
        return text
