"""Committee members' choices of the notices they get (`notify_committee` reads them)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from plans.models import Plan, PlanRole

from ..models import CommitteeEvent, CommitteePreference


class CommitteePreferenceError(ValueError):
    """The choice cannot be recorded; the message says why."""


def committee_preference_set(
    *, plan: Plan, user, consultations: bool, comments: bool, reviews: bool = True
) -> CommitteePreference:
    """Record which notices `user` wants about `plan`. Only the plan's committee members may choose."""
    if not PlanRole.objects.filter(plan=plan, user=user).exists():
        raise CommitteePreferenceError("Only the plan's committee members receive committee notices.")
    with transaction.atomic():
        preference, _ = CommitteePreference.objects.update_or_create(
            plan=plan, user=user, defaults={"consultations": consultations, "comments": comments, "reviews": reviews}
        )
    return preference


def committee_preference_stop(*, preference: CommitteePreference, event: str) -> None:
    """Stop one kind of notice (the unsubscribe link of a committee email)."""
    field = CommitteeEvent(event).value
    with transaction.atomic():
        CommitteePreference.objects.filter(pk=preference.pk).update(**{field: False}, updated_at=timezone.now())
