"""The audit log entry and the actions it records."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class AuditAction(models.TextChoices):
    """What happened. New kinds of event are added here (and migrated: the choices are in the schema)."""

    # Accounts
    ACCOUNT_CREATED = "account_created", "Account created"
    ACCOUNT_DEACTIVATED = "account_deactivated", "Account deactivated"
    ACCOUNT_REACTIVATED = "account_reactivated", "Account reactivated"
    ADMIN_GRANTED = "admin_granted", "Made an admin"
    ADMIN_REMOVED = "admin_removed", "No longer an admin"
    NAME_CHANGED = "name_changed", "Name changed"
    EMAIL_CHANGED = "email_changed", "Email address changed"
    EMAIL_CONFIRMED = "email_confirmed", "Email address confirmed"
    PASSWORD_CHANGED = "password_changed", "Password changed"
    PASSWORD_RESET = "password_reset", "Password reset by email"
    MFA_ADDED = "mfa_added", "Two-factor authentication added"
    MFA_REMOVED = "mfa_removed", "Two-factor authentication removed"
    RECOVERY_CODES_RESET = "recovery_codes_reset", "Recovery codes replaced"
    # Invitations and roles
    INVITATION_SENT = "invitation_sent", "Invitation sent"
    INVITATION_ACCEPTED = "invitation_accepted", "Invitation accepted"
    INVITATION_REVOKED = "invitation_revoked", "Invitation withdrawn"
    ROLE_GRANTED = "role_granted", "Role given"
    ROLE_CHANGED = "role_changed", "Role changed"
    ROLE_REMOVED = "role_removed", "Role removed"
    # Plans
    PLAN_IMPORTED = "plan_imported", "Plan imported"
    VERSION_PUBLISHED = "version_published", "Version published"
    PLAN_SETTINGS_CHANGED = "plan_settings_changed", "Plan visibility or small-count threshold changed"
    # Consultations on a draft (written by the consultation services)
    CONSULTATION_OPENED = "consultation_opened", "Consultation opened"
    CONSULTATION_CLOSED = "consultation_closed", "Consultation closed"
    CONSULTATION_EXTENDED = "consultation_extended", "Consultation extended"
    COMMENT_MODERATED = "comment_moderated", "Comment hidden by the committee"
    ITEM_ANSWERED = "item_answered", "Comment or amendment answered"
    AMENDMENT_ACCEPTED = "amendment_accepted", "Amendment accepted into the draft"
    SHARE_LINK_CREATED = "share_link_created", "Review link created"
    SHARE_LINK_REVOKED = "share_link_revoked", "Review link withdrawn"
    # Review of the draft before publishing
    REVIEW_REQUESTED = "review_requested", "Review of the draft asked for"
    REVIEW_DECIDED = "review_decided", "Review of the draft answered"
    REVIEW_WITHDRAWN = "review_withdrawn", "Review request withdrawn"


class AuditLogImmutableError(Exception):
    """Raised on any attempt to change or delete an audit log entry."""


class AuditLogQuerySet(models.QuerySet):
    """Entries are only ever added: bulk changes and deletions are refused like single ones."""

    def delete(self):
        raise AuditLogImmutableError("Audit log entries cannot be deleted.")

    delete.queryset_only = True

    def update(self, **kwargs):
        raise AuditLogImmutableError("Audit log entries cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AuditLogImmutableError("Audit log entries cannot be changed.")

    def for_person(self, query: str) -> AuditLogQuerySet:
        """Entries whose actor or subject matches `query` (part of an email or name), or whose plan is `query`."""
        return self.filter(
            models.Q(actor_email__icontains=query)
            | models.Q(actor_name__icontains=query)
            | models.Q(subject_email__icontains=query)
            | models.Q(subject_name__icontains=query)
            | models.Q(plan_slug=query)
        )


class AuditLogEntry(models.Model):
    """Who did what to whom, and when. Append-only.

    People and plans are kept as ids plus the email, name and slug they had at the time, not as
    foreign keys: an entry must outlive (and never block) the deletion of the account or plan
    it names, and the audit app depends on no other app.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    actor_id = models.BigIntegerField(null=True, blank=True, help_text="The account that did it; empty otherwise.")
    actor_email = models.CharField(max_length=254, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    actor_label = models.CharField(
        max_length=60,
        blank=True,
        help_text='Who acted when no account did, e.g. "command line" or "system".',
    )
    subject_id = models.BigIntegerField(null=True, blank=True, db_index=True, help_text="Whose account it concerns.")
    subject_email = models.CharField(max_length=254, blank=True)
    subject_name = models.CharField(max_length=150, blank=True)
    plan_slug = models.CharField(max_length=50, blank=True, db_index=True)
    details = models.JSONField(default=dict, blank=True, help_text="What changed, e.g. the old and new role.")

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "audit log entry"
        verbose_name_plural = "audit log"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor}: {self.summary}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutableError("An audit log entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutableError("An audit log entry cannot be deleted.")

    @property
    def actor(self) -> str:
        """Who did it, in words: the account's name and email, or the label (e.g. "command line")."""
        if self.actor_email:
            return f"{self.actor_name} <{self.actor_email}>" if self.actor_name else self.actor_email
        return self.actor_label or "system"

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
