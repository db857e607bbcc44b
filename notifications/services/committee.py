"""Committee notices: each member's choices, and `notify_committee`, which consultations call."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from plans.models import Plan, PlanRole

from ..models import CommitteeEvent, CommitteePreference, Delivery, DeliveryKind
from .outbox import sending_enqueue_on_commit

SUBJECT_MAX_LENGTH = 150
TEXT_MAX_LENGTH = 5000


class CommitteeNoticeError(ValueError):
    """The notice cannot be queued as given; the message says why."""


def committee_preference_set(*, plan: Plan, user, consultations: bool, comments: bool) -> CommitteePreference:
    """Record which notices `user` wants about `plan`. Only the plan's committee members may choose."""
    if not PlanRole.objects.filter(plan=plan, user=user).exists():
        raise CommitteeNoticeError("Only the plan's committee members receive committee notices.")
    with transaction.atomic():
        preference, _ = CommitteePreference.objects.update_or_create(
            plan=plan, user=user, defaults={"consultations": consultations, "comments": comments}
        )
    return preference


def committee_preference_stop(*, preference: CommitteePreference, event: str) -> None:
    """Stop one kind of notice (the unsubscribe link of a committee email)."""
    field = CommitteeEvent(event).value
    with transaction.atomic():
        CommitteePreference.objects.filter(pk=preference.pk).update(**{field: False}, updated_at=timezone.now())


def notify_committee(*, plan: Plan, event: str, subject: str, text: str, path: str, actor=None) -> list[Delivery]:
    """Queue one email to each of the plan's committee members who asked for `event` notices.

    `event` is a CommitteeEvent value ("consultations" or "comments"); `subject` one line;
    `text` plain text (it is shown as written, never as HTML); `path` the portal page the
    message links to (starts with "/", made absolute with PORTAL_URL). `actor`, the person
    whose action caused the notice, is left out. Call it inside your own transaction: the
    messages are queued with it and sent by the background task after it commits. Members
    who left the committee or changed their mind before sending are skipped then.
    """
    event = CommitteeEvent(event).value  # ValueError for an unknown one
    subject = " ".join((subject or "").split())
    if not subject or len(subject) > SUBJECT_MAX_LENGTH:
        raise CommitteeNoticeError(f"A notice needs a one-line subject of at most {SUBJECT_MAX_LENGTH} characters.")
    if len(text or "") > TEXT_MAX_LENGTH:
        raise CommitteeNoticeError(f"A notice's text is limited to {TEXT_MAX_LENGTH} characters.")
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise CommitteeNoticeError("A notice links to a page of the portal: give its path, starting with /.")
    members = PlanRole.objects.filter(
        plan=plan,
        user__is_active=True,
        user__committee_notification_preferences__plan=plan,
        **{f"user__committee_notification_preferences__{event}": True},
    )
    if actor is not None and actor.pk is not None:
        members = members.exclude(user=actor)
    now = timezone.now()
    context = {"subject": subject, "text": text or "", "path": path}
    with transaction.atomic():
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    kind=DeliveryKind.COMMITTEE,
                    plan=plan,
                    user_id=user_id,
                    event=event,
                    context=context,
                    created_at=now,
                    next_attempt_at=now,
                )
                for user_id in members.values_list("user_id", flat=True).distinct()
            ]
        )
        if deliveries:
            sending_enqueue_on_commit()
    return deliveries
