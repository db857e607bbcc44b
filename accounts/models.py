"""The portal's accounts (sign-in by email, a display name) and invitations to join a plan."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from plans.constraints import PlainConstraintErrors

# What the portal calls someone who has not given a name (it never falls back to the email).
NAMELESS = "Someone"


class UserManager(BaseUserManager):
    """Django's own entry points (tests, `createsuperuser`). The portal's code creates accounts
    through accounts.services, which also verify the address and write the audit log."""

    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> User:
        return self.get(email__iexact=email)

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An account needs an email address.")
        user = self.model(email=email.strip(), **fields)
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person's account: they sign in with their email address and are shown by their name.

    The email is unique whatever its case. The name is how the portal names the person
    everywhere; public pages never show the email.
    """

    email = models.EmailField("email address", unique=True, help_text="Used to sign in; never shown to the public.")
    name = models.CharField(
        "name",
        max_length=150,
        help_text="How the portal names you to others, e.g. on the versions you publish.",
    )
    is_staff = models.BooleanField(
        "admin",
        default=False,
        help_text="Admins manage accounts, roles and plans (the People pages and the Django admin).",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="A deactivated account cannot sign in; what it did stays attributed to it.",
    )
    date_joined = models.DateTimeField("joined", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = "account"
        verbose_name_plural = "accounts"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_whatever_the_case",
                violation_error_message="An account with this email address already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The person's name as the portal shows it; never their email address."""
        return (self.name or "").strip() or NAMELESS

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


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


class Invitation(PlainConstraintErrors, models.Model):
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
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="invitation_expires_later",
                violation_error_message="An invitation must expire after it is sent.",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at=None) | Q(revoked_at=None),
                name="invitation_not_both_accepted_and_revoked",
                violation_error_message="An invitation cannot be both accepted and withdrawn.",
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
