"""Notices other apps send through this one: to committee members who asked, and to a plan's followers.

Consultations (issue 12) call these: "a consultation opened" to followers and to committee
members who want consultation notices, "a new comment" to those who want comment notices.
Call them inside your own transaction: the messages are queued with it and sent by the
background task after it commits. Each message has the same one-click unsubscribe as all
others (for a committee notice it stops that kind of notice; for a follower, the plan's emails).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from plans.models import Plan, PlanRole

from ..models import CommitteeEvent, CommitteePreference, Delivery, DeliveryKind
from ..selectors import follower_recipients
from .outbox import sending_enqueue_on_commit

SUBJECT_MAX_LENGTH = 150
TEXT_MAX_LENGTH = 5000


class NoticeError(ValueError):
    """The notice cannot be queued as given; the message says why."""


def _notice(subject: str, text: str, path: str) -> dict:
    """The notice as stored: a one-line subject, plain text, and a path on the portal."""
    subject = " ".join((subject or "").split())
    if not subject or len(subject) > SUBJECT_MAX_LENGTH:
        raise NoticeError(f"A notice needs a one-line subject of at most {SUBJECT_MAX_LENGTH} characters.")
    if len(text or "") > TEXT_MAX_LENGTH:
        raise NoticeError(f"A notice's text is limited to {TEXT_MAX_LENGTH} characters.")
    if not isinstance(path, str) or not path.startswith("/") or path.startswith("//"):
        raise NoticeError("A notice links to a page of the portal: give its path, starting with /.")
    return {"subject": subject, "text": text or "", "path": path}


def _queue(deliveries: list[Delivery]) -> list[Delivery]:
    with transaction.atomic():
        deliveries = Delivery.objects.bulk_create(deliveries, batch_size=500)
        if deliveries:
            sending_enqueue_on_commit()
    return deliveries


def notify_committee(*, plan: Plan, event: str, subject: str, text: str, path: str, actor=None) -> list[Delivery]:
    """Queue one email to each of the plan's committee members who asked for `event` notices.

    `event` is a CommitteeEvent value ("consultations" or "comments"; ValueError otherwise);
    `subject` one line; `text` plain text (shown as written, never as HTML); `path` the
    portal page the message links to (starts with "/", made absolute with PORTAL_URL).
    `actor`, the person whose action caused the notice, is left out. Members who left the
    committee or changed their mind before sending are skipped then. NoticeError for a
    malformed notice. Returns the queued deliveries.
    """
    event = CommitteeEvent(event).value
    notice = _notice(subject, text, path)
    members = PlanRole.objects.filter(
        plan=plan,
        user__is_active=True,
        user__committee_notification_preferences__plan=plan,
        **{f"user__committee_notification_preferences__{event}": True},
    )
    if actor is not None and actor.pk is not None:
        members = members.exclude(user=actor)
    return _queue_for_members(plan, members.values_list("user_id", flat=True).distinct(), event, notice)


def _queue_for_members(plan: Plan, user_ids, event: str, notice: dict) -> list[Delivery]:
    """One committee notice to each of `user_ids`, queued now."""
    now = timezone.now()
    return _queue(
        [
            Delivery(
                kind=DeliveryKind.COMMITTEE,
                plan=plan,
                user_id=user_id,
                event=event,
                context=notice,
                created_at=now,
                next_attempt_at=now,
            )
            for user_id in user_ids
        ]
    )


def notify_members(*, plan: Plan, users, event: str, subject: str, text: str, path: str) -> list[Delivery]:
    """Queue one email to each of `users` who is on the plan's committee: a notice meant for them
    (a review asked of a publisher, the answer to an editor's request).

    Such notices are on unless the member turned that kind off: a member with no choices
    recorded yet gets a row with the defaults, so the email's one-click unsubscribe works.
    Same `event`, `subject`, `text` and `path` rules as `notify_committee`.
    """
    event = CommitteeEvent(event).value
    notice = _notice(subject, text, path)
    user_ids = set(
        PlanRole.objects.filter(plan=plan, user__in=users, user__is_active=True).values_list("user_id", flat=True)
    )
    with transaction.atomic():
        for user_id in user_ids:
            CommitteePreference.objects.get_or_create(plan=plan, user_id=user_id)
        wanting = CommitteePreference.objects.filter(plan=plan, user_id__in=user_ids, **{event: True})
        return _queue_for_members(plan, sorted(wanting.values_list("user_id", flat=True)), event, notice)


def notify_followers(*, plan: Plan, subject: str, text: str, path: str, signed_in_only: bool = False) -> list[Delivery]:
    """Queue one email to each confirmed follower of the plan (one per address).

    `signed_in_only` limits it to followers with an account (a consultation open to
    signed-in collaborators only); a members-only plan always is. Same `subject`, `text`
    and `path` rules as `notify_committee`. Returns the queued deliveries.
    """
    notice = {**_notice(subject, text, path), "signed_in_only": signed_in_only}
    now = timezone.now()
    return _queue(
        [
            Delivery(
                kind=DeliveryKind.FOLLOWER_NOTICE,
                plan=plan,
                subscription=subscription,
                context=notice,
                created_at=now,
                next_attempt_at=now,
            )
            for subscription in follower_recipients(plan, signed_in_only=signed_in_only)
        ]
    )
