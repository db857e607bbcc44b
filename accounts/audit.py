"""Writing the audit log. Every account and role change ends up here, whichever path made it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from simple_history.models import HistoricalRecords

from .models import AuditAction, AuditLogEntry

_actor: ContextVar[Any] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(user) -> Iterator[None]:
    """Attribute audit entries written inside the block (also by signal receivers) to `user`."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor(request=None):
    """Who is making the change: the `acting_as` user, else the signed-in user of the request, else None."""
    actor = _actor.get()
    if actor is not None:
        return actor
    if request is None:
        request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return None


def audit_record(
    *,
    action: AuditAction | str,
    subject=None,
    subject_email: str = "",
    actor=None,
    plan=None,
    details: dict | None = None,
    request=None,
) -> AuditLogEntry:
    """Append one entry. The actor defaults to `current_actor()`."""
    if actor is None:
        actor = current_actor(request)
    return AuditLogEntry.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_email=getattr(actor, "email", "") or "",
        subject_id=getattr(subject, "pk", None),
        subject_email=subject_email or getattr(subject, "email", "") or "",
        plan_slug=getattr(plan, "slug", "") or "",
        details=details or {},
    )
