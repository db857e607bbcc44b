"""Reads of the notifications app that views and the sending task need."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from plans.models import Plan, PlanRole, PlanVersion, Visibility

from .models import CommitteePreference, Subscription


def _latest_title(plan_ref) -> Subquery:
    latest = PlanVersion.objects.filter(plan=plan_ref).order_by("-major", "-minor")
    return Subquery(latest.values("snapshot__plan__title")[:1])


def published_title(plan: Plan) -> str | None:
    """The plan's title as its latest published version has it (public pages show that one), or
    None when nothing is published yet. One query, without loading the snapshot."""
    return (
        PlanVersion.objects.filter(plan=plan)
        .order_by("-major", "-minor")
        .values_list("snapshot__plan__title", flat=True)
        .first()
    )


def subscription_of(*, plan: Plan, user) -> Subscription | None:
    """The signed-in reader's subscription to this plan (theirs, or one made with their address)."""
    return Subscription.objects.of_user(user).filter(plan=plan).order_by(F("user_id").desc(nulls_last=True)).first()


def subscriptions_of(user) -> QuerySet[Subscription]:
    """The signed-in reader's subscriptions, each with `plan_title` (the published title), by title."""
    return (
        Subscription.objects.of_user(user)
        .select_related("plan")
        .annotate(plan_title=_latest_title(OuterRef("plan")))
        .order_by("plan_title", "pk")
    )


def committee_preference_of(*, plan: Plan, user) -> CommitteePreference | None:
    return CommitteePreference.objects.filter(plan=plan, user=user).first()


def committee_plans_of(user) -> list[tuple[Plan, CommitteePreference | None]]:
    """The plans whose committee `user` sits on, each with their notice preferences (or None). Two queries."""
    plans = [role.plan for role in PlanRole.objects.filter(user=user).select_related("plan").order_by("plan__title")]
    preferences = {p.plan_id: p for p in CommitteePreference.objects.filter(user=user, plan__in=plans)}
    return [(plan, preferences.get(plan.pk)) for plan in plans]


def follower_recipients(plan: Plan, *, signed_in_only: bool = False) -> list[Subscription]:
    """The confirmed subscriptions of `plan` that may get its emails, one per address.

    A members-only plan (or `signed_in_only`) mails only readers who followed it signed in,
    with an active account; an address followed both ways gets one message.
    """
    subscriptions = Subscription.objects.confirmed().filter(plan=plan).select_related("user")
    if plan.visibility == Visibility.PUBLIC and not signed_in_only:
        subscriptions = subscriptions.filter(Q(user=None) | Q(user__is_active=True))
    else:
        subscriptions = subscriptions.filter(user__is_active=True)
    chosen: dict[str, Subscription] = {}
    for subscription in subscriptions.order_by(F("user_id").desc(nulls_last=True), "pk").iterator(chunk_size=2000):
        chosen.setdefault(subscription.recipient.lower(), subscription)
    return list(chosen.values())


def version_recipients(version: PlanVersion) -> list[Subscription]:
    """Who gets the message about a newly published version: the plan's followers."""
    return follower_recipients(version.plan)
