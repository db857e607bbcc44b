"""Who may do what with a plan. Every view, export and command asks here; nowhere else decides."""

from __future__ import annotations

from .models import Plan, PlanRole, Role, Visibility

# role_of remembers each user's roles on the user object, for the length of a request.
_ROLE_CACHE = "_plan_roles"


def can_read(user, plan: Plan) -> bool:
    """May this user read the plan's published versions?"""
    if plan.visibility == Visibility.PUBLIC:
        return True
    return bool(user is not None and user.is_authenticated and user.is_active)


def role_of(user, plan: Plan) -> str | None:
    """The user's role on this plan (editor or publisher), or None."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    cache = user.__dict__.setdefault(_ROLE_CACHE, {})
    if plan.pk not in cache:
        cache[plan.pk] = PlanRole.objects.filter(plan=plan, user=user).values_list("role", flat=True).first()
    return cache[plan.pk]


def can_edit(user, plan: Plan) -> bool:
    """May this user edit the plan's working draft, see its history and revert?"""
    return role_of(user, plan) in (Role.EDITOR, Role.PUBLISHER)


def can_publish(user, plan: Plan) -> bool:
    """May this user publish a new version of the plan?"""
    return role_of(user, plan) == Role.PUBLISHER


def can_create_plans(user) -> bool:
    """May this user create a new plan (import one in the browser)? Admins (staff) only, as they manage plans."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def forget_roles(user) -> None:
    """Forget the roles cached on this user object, so the next check reads them from the database.

    The role services call it after every change, so a change is seen at once by the same object.
    """
    if user is not None:
        user.__dict__.pop(_ROLE_CACHE, None)
