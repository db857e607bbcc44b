"""Who may do what with a plan. Every view, export and command asks here; nowhere else decides."""

from __future__ import annotations

from .models import Plan, PlanRole, Role, Visibility


def can_read(user, plan: Plan) -> bool:
    """May this user read the plan's published versions?"""
    if plan.visibility == Visibility.PUBLIC:
        return True
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user, plan: Plan) -> str | None:
    """The user's role on this plan (editor or publisher), or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cache = user.__dict__.setdefault("_plan_roles", {})
    if plan.pk not in cache:
        cache[plan.pk] = PlanRole.objects.filter(plan=plan, user=user).values_list("role", flat=True).first()
    return cache[plan.pk]


def can_edit(user, plan: Plan) -> bool:
    """May this user edit the plan's working draft, see its history and revert?"""
    return role_of(user, plan) in (Role.EDITOR, Role.PUBLISHER)


def can_publish(user, plan: Plan) -> bool:
    """May this user publish a new version of the plan?"""
    return role_of(user, plan) == Role.PUBLISHER
