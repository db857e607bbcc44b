"""Granting and removing per-plan roles, and the accounts that hold them.

The admin pages, `grant_role` and `load_demo` all go through these services, so every
role change leaves a history record (PlanRole is tracked by django-simple-history).
"""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.core.validators import validate_email
from django.db import transaction

from .models import Plan, PlanRole, Role


class RoleError(ValueError):
    """The role change was refused; the message says why, in plain words."""


def role_grant(
    *, plan: Plan, user: AbstractBaseUser, role: str, granted_by: AbstractBaseUser | None = None
) -> PlanRole:
    """Give `user` the role `role` (editor or publisher) on `plan`, replacing any role they had.

    Returns the user's PlanRole. Granting the role the user already has changes
    nothing and leaves no history record.
    """
    if role not in Role.values:
        raise RoleError(f"Unknown role {role!r}: choose one of {', '.join(Role.values)}.")
    with transaction.atomic():
        existing = PlanRole.objects.select_for_update().filter(plan=plan, user=user).first()
        if existing is not None and existing.role == role:
            return existing
        plan_role = existing or PlanRole(plan=plan, user=user)
        plan_role.role = role
        _set_history_user(plan_role, granted_by)
        plan_role.save()
        return plan_role


def role_remove(*, plan: Plan, user: AbstractBaseUser, removed_by: AbstractBaseUser | None = None) -> bool:
    """Take away the user's role on `plan`, if any. Returns whether there was one to remove."""
    with transaction.atomic():
        existing = PlanRole.objects.select_for_update().filter(plan=plan, user=user).first()
        if existing is None:
            return False
        # Delete through the instance, so the history record names who removed the role.
        _set_history_user(existing, removed_by)
        existing.delete()
        return True


def _set_history_user(plan_role: PlanRole, user: AbstractBaseUser | None) -> None:
    # Without a user, simple-history falls back to the signed-in user of the current request.
    if user is not None:
        plan_role._history_user = user


def account_get_or_create(*, email: str, password: str | None = None) -> tuple[AbstractBaseUser, bool]:
    """The account signing in with `email`, created if missing with a verified primary email address.

    Returns (user, created). A new account gets `password`, or an unusable one when
    no password is given (the person then sets one through "forgot password").
    An existing account is returned as it is; its password is not touched here.
    Raises ValidationError for an invalid email address or a password that fails
    the site's password rules.
    """
    email = email.strip()
    validate_email(email)
    user_model = get_user_model()
    with transaction.atomic():
        user = account_for_email(email)
        if user is not None:
            return user, False
        user = user_model(username=free_username(email), email=email)
        if password is None:
            user.set_unusable_password()
        else:
            validate_password(password, user=user)
            user.set_password(password)
        user.save()
        EmailAddress.objects.create(user=user, email=email.lower(), verified=True, primary=True)
        return user, True


def account_for_email(email: str) -> AbstractBaseUser | None:
    """The account that owns this email address (its main email or a verified address), or None.

    An address someone only asked to change to (not yet confirmed) does not count, and
    neither does a username: an account whose email changed keeps its old address as
    username, and must not receive roles or invitations meant for that address's new owner.
    """
    email = (email or "").strip()
    user = get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        user = address.user if address else None
    return user


def free_username(email: str) -> str:
    """A username for a new account at `email`: the address, unless an older account still holds it."""
    username = email[:150]
    if get_user_model().objects.filter(username__iexact=username).exists():
        username = f"{email[:117]}-{secrets.token_hex(16)}"
    return username


def account_set_password(*, user: AbstractBaseUser, password: str, validate: bool = True) -> bool:
    """Set the account's password unless it already is `password`. Returns whether it changed.

    Raises ValidationError when `validate` is true and the password fails the site's rules.
    """
    if validate:
        validate_password(password, user=user)
    if user.has_usable_password() and user.check_password(password):
        return False
    user.set_password(password)
    user.save(update_fields=["password"])
    return True


__all__ = ["RoleError", "account_get_or_create", "account_set_password", "role_grant", "role_remove"]
