"""Reads of the plans app that several views, apps and commands need: one way to ask each question.

Selectors return rows or None; turning "not found" into a 404 is the views' (and
`plans.access`'s) business. Published versions are read newest first everywhere.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from .diff import SnapshotDiff, diff_snapshots
from .models import Plan, PlanRole, PlanVersion


def plan_versions(plan: Plan) -> list[PlanVersion]:
    """Every published version of the plan, newest first, without their snapshots (one query)."""
    versions = list(plan.versions.latest_first().defer("snapshot"))
    for version in versions:
        version.plan = plan
    return versions


def latest_version(
    plan: Plan, *, published_before: dt.datetime | None = None, with_snapshot: bool = True
) -> PlanVersion | None:
    """The plan's latest published version (optionally the latest published before a moment), or None."""
    versions = plan.versions.all()
    if published_before is not None:
        versions = versions.filter(published_at__lt=published_before)
    if not with_snapshot:
        versions = versions.defer("snapshot")
    version = versions.latest_first().first()
    if version is not None:
        version.plan = plan
    return version


def version_by_number(plan: Plan, major: int, minor: int) -> PlanVersion | None:
    """The plan's published version `major.minor`, with its snapshot, or None."""
    version = PlanVersion.objects.filter(plan=plan, major=major, minor=minor).first()
    if version is not None:
        version.plan = plan
    return version


def with_published_identity(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """`plans` annotated with `published_title` and `published_description`: the latest
    published snapshot's, None for a plan never published (in the same query).

    The Plan row's title and description are the working draft, edited like any section:
    public pages show these instead, so an unpublished edit never leaks.
    """
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-major", "-minor")
    return plans.annotate(
        published_title=Subquery(latest.annotate(value=KT("snapshot__plan__title")).values("value")[:1]),
        published_description=Coalesce(
            Subquery(latest.annotate(value=KT("snapshot__plan__description")).values("value")[:1]),
            Value(""),
            output_field=TextField(),
        ),
    )


def as_published(plan: Plan) -> Plan:
    """Show the plan to readers as published: its title and description become the latest published
    snapshot's (annotated by `with_published_identity`). The row is then a reader's copy that
    `Plan.save` refuses, so the draft can never be overwritten with the published text."""
    if getattr(plan, "published_title", None) is not None:
        plan.title = plan.published_title
        plan.description = plan.published_description or ""
        plan.is_reader_copy = True
    return plan


def readable_plans_with_latest(user) -> QuerySet[Plan]:
    """Plans this user may read that have a published version, annotated with the latest one's
    `latest_major`, `latest_minor` and `latest_published_at`, and its `published_title` and
    `published_description` (one query). Show those, never `title`: that is the draft's."""
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-major", "-minor")
    return (
        with_published_identity(Plan.objects.readable_by(user))
        .annotate(
            latest_major=Subquery(latest.values("major")[:1]),
            latest_minor=Subquery(latest.values("minor")[:1]),
            latest_published_at=Subquery(latest.values("published_at")[:1]),
        )
        .filter(latest_major__isnull=False)
        .order_by("published_title", "slug")
    )


def roles_of(user) -> QuerySet[PlanRole]:
    """The user's roles on plans, by plan title (none for an anonymous visitor)."""
    if user is None or not user.is_authenticated:
        return PlanRole.objects.none()
    return PlanRole.objects.filter(user=user).select_related("plan").order_by("plan__title")


def previous_version(version: PlanVersion) -> PlanVersion | None:
    """The version published just before `version` (by number), with its snapshot, or None for the first."""
    earlier = (
        PlanVersion.objects.filter(plan_id=version.plan_id)
        .filter(Q(major__lt=version.major) | Q(major=version.major, minor__lt=version.minor))
        .latest_first()
        .first()
    )
    if earlier is not None:
        earlier.plan = version.plan
    return earlier


def version_changes(version: PlanVersion) -> tuple[PlanVersion | None, SnapshotDiff | None]:
    """(the version before, what changed since it) for feeds, emails and release pages.

    The diff is None for the first version. `diff.summary` gives the counts in words
    (added, removed, moved, changed).
    """
    earlier = previous_version(version)
    if earlier is None:
        return None, None
    return earlier, diff_snapshots(earlier.snapshot, version.snapshot)
