"""Publishing: freeze the working draft into a numbered, immutable version."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record

from .. import hooks
from ..models import Plan, PlanVersion
from ..snapshot import iter_sections, plan_snapshot, snapshot_hash
from .guarded import plan_lock

logger = logging.getLogger(__name__)


class PublishError(Exception):
    """The draft cannot be published; the message says why, in plain words."""


def next_version_number(latest: PlanVersion | None, *, major: bool) -> tuple[int, int]:
    """(major, minor) of the version after `latest`: 1.0 first, then a minor bump, or a major one resetting minor."""
    if latest is None:
        return (1, 0)
    if major:
        return (latest.major + 1, 0)
    return (latest.major, latest.minor + 1)


def plan_publish(
    *,
    plan: Plan,
    user=None,
    notes: str,
    major: bool = False,
    expected_hash: str | None = None,
    actor_label: str = "",
) -> PlanVersion:
    """Freeze the plan's working draft into a new numbered, immutable version.

    The first version is 1.0; later ones bump the minor number, or the major one
    (resetting minor to 0) when `major` is true. Refuses an unchanged or empty draft and,
    with `expected_hash` (the draft's snapshot_hash when the publisher reviewed it), a
    draft that changed since: nobody publishes text they have not seen. The audit log names
    `user` as the publisher, or `actor_label` (e.g. "command line") when there is none.
    """
    try:
        version = _publish(
            plan=plan, user=user, notes=notes, major=major, expected_hash=expected_hash, actor_label=actor_label
        )
    except PublishError as error:
        logger.info("Publishing %r refused: %s", plan.slug, error)
        raise
    logger.info(
        "Published %r version %s (%s sections) by %s",
        plan.slug,
        version.number,
        sum(1 for _ in iter_sections(version.snapshot["sections"])),
        f"user #{user.pk}" if getattr(user, "pk", None) else (actor_label or "no account"),
    )
    return version


def _publish(*, plan: Plan, user, notes: str, major: bool, expected_hash: str | None, actor_label: str) -> PlanVersion:
    notes = (notes or "").strip()
    if not notes:
        raise PublishError("Write release notes that say what changed in this version.")
    with transaction.atomic():
        plan = plan_lock(plan.pk)  # two publishers cannot take the same number
        snapshot = plan_snapshot(plan)
        if not snapshot["sections"]:
            raise PublishError("The plan has no sections yet; there is nothing to publish.")
        content_hash = snapshot_hash(snapshot)
        if expected_hash is not None and expected_hash != content_hash:
            raise PublishError(
                "The draft changed after you opened this page, so nothing was published. "
                "Review the unpublished changes again, then publish."
            )
        latest = plan.versions.latest_first().defer("snapshot").first()  # its hash and number suffice
        if latest is not None and latest.content_hash == content_hash:
            raise PublishError(f"Nothing has changed since version {latest.number}; there is nothing new to publish.")
        number = next_version_number(latest, major=major)
        version = PlanVersion.objects.create(
            plan=plan,
            major=number[0],
            minor=number[1],
            notes=notes,
            published_at=timezone.now(),
            published_by=user if user is not None and user.is_authenticated else None,
            snapshot=snapshot,
            content_hash=content_hash,
        )
        audit_record(
            action=AuditAction.VERSION_PUBLISHED,
            actor=user,
            actor_label=actor_label,
            plan=plan,
            details={"to": version.number},
        )
        hooks.version_published(version)
    return version
