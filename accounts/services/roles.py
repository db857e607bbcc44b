"""Giving, changing and taking away per-plan roles. The only code that writes PlanRole rows.

Each change takes effect at once (permissions are read from PlanRole on every request, and the
user object's cached roles are forgotten), leaves a history record on PlanRole and an audit
log entry naming `actor`.
"""

from __future__ import annotations

from django.db import transaction

from audit.models import AuditAction
from audit.services import audit_record
from plans.models import Plan, PlanRole, Role
from plans.permissions import forget_roles

from ..models import User


class RoleError(ValueError):
    """The role change was refused; the message says why, in plain words."""


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise RoleError(f"Unknown role {role!r}: choose one of {', '.join(Role.values)}.")


def role_grant(*, plan: Plan, user: User, role: str, actor: User | None, actor_label: str = "") -> PlanRole:
    """Give `user` the role `role` (editor or publisher) on `plan`, replacing any role they had.

    Returns the user's PlanRole. Granting the role the user already has changes nothing and
    records nothing.
    """
    return _grant(plan=plan, user=user, role=role, actor=actor, actor_label=actor_label)[0]


def _grant(*, plan: Plan, user: User, role: str, actor: User | None, actor_label: str) -> tuple[PlanRole, bool]:
    _check_role(role)
    with transaction.atomic():
        existing = PlanRole.objects.select_for_update().filter(plan=plan, user=user).first()
        if existing is not None and existing.role == role:
            return existing, False
        plan_role = existing or PlanRole(plan=plan, user=user)
        old = plan_role.role if existing is not None else None
        plan_role.role = role
        _set_history_user(plan_role, actor)
        plan_role.save()
        if old is None:
            action, details = AuditAction.ROLE_GRANTED, {"to": role}
        else:
            action, details = AuditAction.ROLE_CHANGED, {"from": old, "to": role}
        audit_record(action=action, actor=actor, actor_label=actor_label, subject=user, plan=plan, details=details)
    forget_roles(user)
    return plan_role, True


def role_remove(*, plan: Plan, user: User, actor: User | None, actor_label: str = "") -> bool:
    """Take away the user's role on `plan`, if any. Returns whether there was one to remove."""
    with transaction.atomic():
        existing = PlanRole.objects.select_for_update().filter(plan=plan, user=user).first()
        if existing is None:
            return False
        # Deleted through the instance, so the history record names who removed the role.
        _set_history_user(existing, actor)
        existing.delete()
        audit_record(
            action=AuditAction.ROLE_REMOVED,
            actor=actor,
            actor_label=actor_label,
            subject=user,
            plan=plan,
            details={"from": existing.role},
        )
    forget_roles(user)
    return True


def role_set(*, plan: Plan, user: User, role: str | None, actor: User | None, actor_label: str = "") -> bool:
    """Give `user` exactly `role` on `plan`, or remove their role when `role` is None.

    Returns whether anything changed.
    """
    if role is None:
        return role_remove(plan=plan, user=user, actor=actor, actor_label=actor_label)
    return _grant(plan=plan, user=user, role=role, actor=actor, actor_label=actor_label)[1]


def _set_history_user(plan_role: PlanRole, actor: User | None) -> None:
    # Without one, simple-history falls back to the signed-in user of the current request.
    if actor is not None and actor.is_authenticated:
        plan_role._history_user = actor
