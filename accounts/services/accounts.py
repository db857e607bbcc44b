"""Creating accounts and changing them: name, password, admin rights, deactivation, two-factor resets.

Each function checks, writes in one transaction and records the change in the audit log as made
by `actor` (an account, or None with `actor_label`, e.g. "command line").
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib.auth.password_validation import validate_password
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q

from audit.models import AuditAction
from audit.services import audit_record

from ..models import User

NAME_MAX_LENGTH = User._meta.get_field("name").max_length


class AccountError(Exception):
    """The account change is refused; the message says why, in plain words."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def account_for_email(email: str) -> User | None:
    """The account that owns this email address (its main email or a verified address), or None.

    An address someone only asked to change to (not yet confirmed) does not count: it must not
    receive roles or invitations meant for that address's real owner.
    """
    email = (email or "").strip()
    if not email:
        return None
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
        user = address.user if address else None
    return user


def user_has_email(user: User, email: str) -> bool:
    """Does this account own the address (as its main email or as a verified address)?"""
    email = normalise_email(email)
    if normalise_email(user.email) == email:
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def clean_name(name: str) -> str:
    """The name as it will be stored; AccountError when it is empty or too long."""
    name = " ".join((name or "").split())
    if not name:
        raise AccountError("Give a name: it is how the portal names the person to others.")
    if len(name) > NAME_MAX_LENGTH:
        raise AccountError(f"The name is longer than {NAME_MAX_LENGTH} characters.")
    return name


def _is_admin(user: User) -> bool:
    return bool(user.is_staff or user.is_superuser)


# Creating --------------------------------------------------------------------------------------


def account_create(
    *,
    email: str,
    name: str = "",
    password: str | None = None,
    validate: bool = True,
    is_admin: bool = False,
    actor: User | None,
    actor_label: str = "",
) -> User:
    """Create an account with a verified primary email address, and return it.

    The account gets `password` (checked against the site's password rules when `validate`),
    or an unusable one when it is None (the person then sets one through "Forgot password").
    `name` may be empty only where nobody can ask for it (a command line); the person sets it
    later. Raises ValidationError for a bad address or password, AccountError when an account
    already owns the address.
    """
    email = (email or "").strip()
    validate_email(email)
    name = clean_name(name) if name.strip() else ""
    user = User(email=email, name=name, is_staff=is_admin, is_superuser=is_admin)
    if password is None:
        user.set_unusable_password()
    else:
        if validate:
            validate_password(password, user=user)
        user.set_password(password)
    with transaction.atomic():
        if account_for_email(email) is not None:
            raise AccountError("An account with this email address already exists.")
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError as error:  # the same address created a moment earlier
            raise AccountError("An account with this email address already exists.") from error
        EmailAddress.objects.create(user=user, email=email.lower(), verified=True, primary=True)
        audit_record(action=AuditAction.ACCOUNT_CREATED, actor=actor, actor_label=actor_label, subject=user)
        if is_admin:
            audit_record(action=AuditAction.ADMIN_GRANTED, actor=actor, actor_label=actor_label, subject=user)
    return user


def account_get_or_create(
    *,
    email: str,
    name: str = "",
    password: str | None = None,
    actor: User | None,
    actor_label: str = "",
) -> tuple[User, bool]:
    """The account that owns `email`, created as by account_create if there is none. Returns (user, created).

    An existing account is returned as it is: neither its name nor its password is touched.
    """
    validate_email((email or "").strip())
    with transaction.atomic():
        user = account_for_email(email)
        if user is not None:
            return user, False
        user = account_create(email=email, name=name, password=password, actor=actor, actor_label=actor_label)
        return user, True


# Changing ---------------------------------------------------------------------------------------


def account_email_confirm(*, user: User, email: str, actor: User | None, actor_label: str = "") -> bool:
    """Vouch for `email` as `user`'s own address (an operator making someone an admin): it becomes a
    verified address of the account, the primary one if it has none. Returns whether anything changed."""
    email = normalise_email(email)
    with transaction.atomic():
        address = EmailAddress.objects.select_for_update().filter(user=user, email__iexact=email).first()
        if address is not None and address.verified:
            return False
        if address is None:
            has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=not has_primary)
        else:
            EmailAddress.objects.filter(pk=address.pk).update(verified=True)
        audit_record(
            action=AuditAction.EMAIL_CONFIRMED,
            actor=actor,
            actor_label=actor_label,
            subject=user,
            details={"to": email},
        )
    return True


def account_name_set(*, user: User, name: str, actor: User | None, actor_label: str = "") -> bool:
    """Set the name the portal shows for `user`. Returns whether it changed."""
    name = clean_name(name)
    with transaction.atomic():
        old = User.objects.select_for_update().values_list("name", flat=True).get(pk=user.pk)
        if old == name:
            user.name = name
            return False
        User.objects.filter(pk=user.pk).update(name=name)
        user.name = name
        audit_record(
            action=AuditAction.NAME_CHANGED,
            actor=actor,
            actor_label=actor_label,
            subject=user,
            details={"from": old, "to": name} if old else {"to": name},
        )
    return True


def account_set_password(
    *, user: User, password: str | None, validate: bool = True, actor: User | None, actor_label: str = ""
) -> bool:
    """Set the account's password unless it already is `password`; None turns password sign-in off.

    Returns whether anything changed. Raises ValidationError when `validate` is true and the
    password fails the site's rules.
    """
    if password is None:
        if not user.has_usable_password():
            return False
    else:
        if validate:
            validate_password(password, user=user)
        if user.has_usable_password() and user.check_password(password):
            return False
    with transaction.atomic():
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save(update_fields=["password"])
        by_someone_else = actor is None or actor.pk != user.pk
        if password is None:
            details = {"to": "password sign-in turned off"}
        else:
            details = {"to": "set by an admin"} if by_someone_else else {}
        audit_record(
            action=AuditAction.PASSWORD_CHANGED, actor=actor, actor_label=actor_label, subject=user, details=details
        )
    return True


def _active_admin_ids_locked() -> set[int]:
    # Lock every active admin row in one statement, so two admins removing each other at once
    # cannot both succeed (and cannot deadlock, as both lock the same rows in the same order).
    admins = User.objects.select_for_update().filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)
    return set(admins.values_list("pk", flat=True))


def _refuse_if_last_admin(user: User) -> None:
    admin_ids = _active_admin_ids_locked()
    if user.pk in admin_ids and not admin_ids - {user.pk}:
        raise AccountError("This is the last active admin: make someone else an admin first.")


def _reload(user: User) -> User:
    """`user` with its flags as the database has them now (the caller holds the locks that matter)."""
    fresh = User.objects.values("is_staff", "is_superuser", "is_active").get(pk=user.pk)
    user.is_staff, user.is_superuser, user.is_active = fresh["is_staff"], fresh["is_superuser"], fresh["is_active"]
    return user


def account_deactivate(*, user: User, actor: User | None, actor_label: str = "") -> None:
    """Deactivate the account and end all its sessions at once.

    The account row stays, so everything it did stays attributed to it in history and versions.
    Refused for one's own account and for the last active admin.
    """
    if actor is not None and actor.pk == user.pk:
        raise AccountError("You cannot deactivate your own account.")
    with transaction.atomic():
        _refuse_if_last_admin(user)
        changed = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False) == 1
        user.is_active = False
        sessions_end(user=user)
        if changed:
            audit_record(action=AuditAction.ACCOUNT_DEACTIVATED, actor=actor, actor_label=actor_label, subject=user)


def account_reactivate(*, user: User, actor: User | None, actor_label: str = "") -> bool:
    """Let a deactivated account sign in again (with its old roles). Returns whether it was deactivated."""
    with transaction.atomic():
        changed = User.objects.filter(pk=user.pk, is_active=False).update(is_active=True) == 1
        user.is_active = True
        if changed:
            audit_record(action=AuditAction.ACCOUNT_REACTIVATED, actor=actor, actor_label=actor_label, subject=user)
    return changed


def admin_grant(*, user: User, actor: User | None, actor_label: str = "") -> bool:
    """Make `user` an admin (staff and superuser). Returns whether anything changed."""
    with transaction.atomic():
        _active_admin_ids_locked()
        user = _reload(user)
        if user.is_staff and user.is_superuser:
            return False
        was_admin = _is_admin(user)
        User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
        user.is_staff = user.is_superuser = True
        if not was_admin:
            audit_record(action=AuditAction.ADMIN_GRANTED, actor=actor, actor_label=actor_label, subject=user)
    return True


def admin_remove(*, user: User, actor: User | None, actor_label: str = "") -> bool:
    """Take admin rights away from `user`. Refused for the last active admin. Returns whether they had them."""
    with transaction.atomic():
        _refuse_if_last_admin(user)
        user = _reload(user)
        if not _is_admin(user):
            return False
        User.objects.filter(pk=user.pk).update(is_staff=False, is_superuser=False)
        user.is_staff = user.is_superuser = False
        audit_record(action=AuditAction.ADMIN_REMOVED, actor=actor, actor_label=actor_label, subject=user)
    return True


def sessions_end(*, user: User) -> int:
    """Sign the user out everywhere: delete every session allauth knows of. Returns how many."""
    count = 0
    for user_session in UserSession.objects.filter(user=user):
        user_session.end()
        count += 1
    return count


# Two-factor -------------------------------------------------------------------------------------


def authenticator_label(authenticator: Authenticator | None) -> str:
    """What the audit log calls this kind of authenticator, in plain words."""
    if authenticator is None:
        return ""
    return {
        Authenticator.Type.TOTP: "authenticator app",
        Authenticator.Type.RECOVERY_CODES: "recovery codes",
    }.get(authenticator.type, "security key")


def authenticator_delete(*, authenticator: Authenticator, actor: User | None, actor_label: str = "") -> int:
    """Remove one of someone's authenticators (an admin resetting a lost phone). Returns how many went.

    Recovery codes left without any other authenticator would be a second factor nobody can see
    any more, so they go too. The person sets up a new app at their next sign-in.
    """
    with transaction.atomic():
        user = authenticator.user
        removed = [authenticator]
        others = Authenticator.objects.filter(user=user).exclude(pk=authenticator.pk)
        if not others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists():
            removed += list(others.filter(type=Authenticator.Type.RECOVERY_CODES))
        Authenticator.objects.filter(pk__in=[gone.pk for gone in removed]).delete()
        for gone in removed:
            audit_record(
                action=AuditAction.MFA_REMOVED,
                actor=actor,
                actor_label=actor_label,
                subject=user,
                details={"from": authenticator_label(gone)},
            )
    return len(removed)
