"""Writing the audit log: one function, called by the service that made the change."""

from __future__ import annotations

from typing import Any

from .models import AuditAction, AuditLogEntry

SYSTEM = "system"
COMMAND_LINE = "command line"


def _text(person: Any, attribute: str, max_length: int) -> str:
    return str(getattr(person, attribute, "") or "")[:max_length]


def audit_record(
    *,
    action: AuditAction | str,
    actor: Any,
    actor_label: str = "",
    subject: Any = None,
    subject_email: str = "",
    plan: Any = None,
    details: dict | None = None,
) -> AuditLogEntry:
    """Append one entry and return it.

    `actor` is required and explicit: the account that acted, or None when no account did (then
    `actor_label` says who, e.g. COMMAND_LINE; "system" when it is empty). An anonymous user
    counts as None. `subject` is the account the change concerns (or give `subject_email` for
    an address without an account); `plan` anything with a `slug`. Nothing is looked up: the
    entry keeps the ids, emails, names and slug as they are now.
    """
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is None and not actor_label:
        actor_label = SYSTEM
    return AuditLogEntry.objects.create(
        action=action,
        actor_id=getattr(actor, "pk", None),
        actor_email=_text(actor, "email", 254),
        actor_name=_text(actor, "name", 150),
        actor_label="" if actor is not None else actor_label[:60],
        subject_id=getattr(subject, "pk", None),
        subject_email=(subject_email or _text(subject, "email", 254))[:254],
        subject_name=_text(subject, "name", 150),
        plan_slug=_text(plan, "slug", 50),
        details=details or {},
    )
