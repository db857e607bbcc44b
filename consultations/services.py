"""The writes of consultations: open, extend, close; post, support, answer, hide; accept an amendment.

Each checks who acts, runs in one transaction and writes its audit entry. Anonymity is kept
here: an anonymous comment is stored without its author (only a keyed hash, per consultation,
that refuses self-support), so no page, export or admin can show who wrote it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from notifications.ratelimit import hit
from notifications.services import notify_committee, notify_followers
from plans.models import Node, Plan, Visibility
from plans.permissions import can_edit, can_publish, can_read
from plans.services.edits import EditConflict, node_update
from plans.services.guarded import plan_lock
from plans.snapshot import plan_snapshot

from .banner import forget_open_consultation
from .models import (
    BODY_MAX_LENGTH,
    LABEL_MAX_LENGTH,
    PROPOSED_MAX_LENGTH,
    REASON_MAX_LENGTH,
    AnswerStatus,
    Audience,
    Comment,
    Consultation,
    Kind,
    Support,
)

__all__ = [
    "COMMENT_RATE_LIMIT",
    "COMMENT_RATE_PERIOD",
    "ConsultationError",
    "EditConflict",
    "amendment_accept",
    "author_hash",
    "comment_answer",
    "comment_hide",
    "comment_post",
    "comment_support",
    "consultation_close",
    "consultation_extend",
    "consultation_link_version",
    "consultation_open",
    "limited_text",
]

COMMENT_RATE_LIMIT = 10
COMMENT_RATE_PERIOD = 600  # seconds


class ConsultationError(ValueError):
    """The action is refused; the message says why, in words for the person who tried."""


def author_hash(consultation: Consultation, user, *, key: str | None = None) -> str:
    """A keyed hash standing for `user` (or a review link's `key`) within this consultation only:
    no name, no id, no link across consultations."""
    message = f"consultation-author:{consultation.pk}:{key if key is not None else user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _path(consultation: Consultation) -> str:
    return reverse("consultations:consultation", kwargs={"slug": consultation.plan.slug})


def _close_expired(plan: Plan) -> None:
    """A consultation whose date has passed is closed at that date (so a new one may open)."""
    now = timezone.now()
    for expired in Consultation.objects.filter(plan=plan, closed_at=None, closes_at__lte=now):
        expired.closed_at = expired.closes_at
        expired.save(update_fields=["closed_at"])
        forget_open_consultation(plan.pk)


def _check_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label:
        raise ConsultationError("Give the candidate a name, for example “2.0 draft for consultation”.")
    if len(label) > LABEL_MAX_LENGTH:
        raise ConsultationError(f"The name is limited to {LABEL_MAX_LENGTH} characters.")
    return label


def consultation_open(
    *, plan: Plan, user, label: str, closes_at: dt.datetime, audience: str = Audience.SIGNED_IN
) -> Consultation:
    """Freeze the plan's draft as a candidate and open it for comments until `closes_at`.

    Publishers only. One open consultation per plan (the database holds it too). Followers and
    committee members who asked are told by email once the transaction commits.
    """
    if not can_publish(user, plan):
        raise ConsultationError("Only the plan's publishers may open a consultation.")
    label = _check_label(label)
    if audience not in Audience.values:
        raise ConsultationError("Choose who may take part.")
    if audience == Audience.ANYONE and plan.visibility != Visibility.PUBLIC:
        raise ConsultationError("Only a public plan can be open to anyone; this plan is for signed-in members.")
    now = timezone.now()
    if closes_at <= now:
        raise ConsultationError("The closing date must be in the future.")
    with transaction.atomic():
        plan = plan_lock(plan.pk)
        _close_expired(plan)
        if Consultation.objects.filter(plan=plan, closed_at=None).exists():
            raise ConsultationError("This plan already has an open consultation. Close it before opening another.")
        try:
            with transaction.atomic():
                consultation = Consultation.objects.create(
                    plan=plan,
                    label=label,
                    snapshot=plan_snapshot(plan),
                    opened_by=user,
                    opens_at=now,
                    closes_at=closes_at,
                    audience=audience,
                )
        except IntegrityError as error:
            raise ConsultationError("This plan already has an open consultation.") from error
        audit_record(
            action=AuditAction.CONSULTATION_OPENED,
            actor=user,
            plan=plan,
            details={
                "consultation": consultation.pk,
                "label": label,
                "closes_at": closes_at.isoformat(),
                "audience": audience,
            },
        )
        forget_open_consultation(plan.pk)
        closing = timezone.localtime(closes_at).strftime("%d %B %Y")
        text = f"{plan.title}: “{label}” is open for comments until {closing}."
        notify_followers(
            plan=plan,
            subject=f"Consultation open: {plan.title}"[:150],
            text=text,
            path=_path(consultation),
            signed_in_only=audience == Audience.SIGNED_IN,
        )
        notify_committee(
            plan=plan,
            event="consultations",
            subject=f"Consultation opened: {label}"[:150],
            text=text,
            path=reverse("consultations:committee", kwargs={"slug": plan.slug}),
            actor=user,
        )
    return consultation


def _locked_open(consultation: Consultation) -> Consultation:
    current = Consultation.objects.select_for_update().select_related("plan").get(pk=consultation.pk)
    if not current.is_open:
        raise ConsultationError("This consultation is closed.")
    return current


def consultation_extend(*, consultation: Consultation, user, closes_at: dt.datetime) -> Consultation:
    """Move the closing date of an open consultation later. Publishers only; audited."""
    if not can_publish(user, consultation.plan):
        raise ConsultationError("Only the plan's publishers may extend a consultation.")
    with transaction.atomic():
        current = _locked_open(consultation)
        if closes_at <= current.closes_at:
            raise ConsultationError("The new closing date must be later than the current one.")
        previous = current.closes_at
        current.closes_at = closes_at
        current.save(update_fields=["closes_at"])
        forget_open_consultation(current.plan_id)
        audit_record(
            action=AuditAction.CONSULTATION_EXTENDED,
            actor=user,
            plan=current.plan,
            details={
                "consultation": current.pk,
                "from": previous.isoformat(),
                "closes_at": closes_at.isoformat(),
            },
        )
    return current


def consultation_close(*, consultation: Consultation, user) -> Consultation:
    """Close an open consultation now. Publishers only; audited. Its page stays readable."""
    if not can_publish(user, consultation.plan):
        raise ConsultationError("Only the plan's publishers may close a consultation.")
    with transaction.atomic():
        current = _locked_open(consultation)
        current.closed_at = timezone.now()
        current.save(update_fields=["closed_at"])
        forget_open_consultation(current.plan_id)
        audit_record(
            action=AuditAction.CONSULTATION_CLOSED,
            actor=user,
            plan=current.plan,
            details={"consultation": current.pk, "early": current.closed_at < current.closes_at},
        )
    return current


def consultation_link_version(version) -> Consultation | None:
    """Link the version just published to the plan's last closed consultation that has no version yet.

    A `plans.hooks` publish listener (inside the publishing transaction): the version then
    links to the consultation's "what we heard". A consultation still open is left alone.
    """
    _close_expired(version.plan)
    consultation = (
        Consultation.objects.filter(plan_id=version.plan_id, version=None)
        .exclude(closed_at=None)
        .order_by("-closed_at", "-pk")
        .first()
    )
    if consultation is not None:
        consultation.version = version
        consultation.save(update_fields=["version"])
        forget_open_consultation(version.plan_id)
    return consultation


def may_take_part(user, consultation: Consultation) -> bool:
    """Signed in and able to read the plan (every consultation needs an account to comment)."""
    return bool(user is not None and user.is_authenticated and user.is_active and can_read(user, consultation.plan))


def comment_post(
    *,
    consultation: Consultation,
    user=None,
    link=None,
    section_id: int,
    body: str,
    kind: str = Kind.COMMENT,
    proposed_text: str = "",
    parent: Comment | None = None,
    anonymous: bool = False,
) -> Comment:
    """Add a comment, a reply (to a comment of the same section, one level) or a suggested amendment.

    Refused when the consultation is closed, past the rate limit (COMMENT_RATE_LIMIT per
    COMMENT_RATE_PERIOD seconds per person), or beyond the length limits. With `anonymous`,
    the author is not stored at all.

    Sent through a review link (`link`, a ShareLink that takes comments on this consultation)
    instead of by a signed-in `user`, it has no author and is marked with the link's label.
    """
    if link is not None:
        if link.consultation_id != consultation.pk or not link.takes_comments:
            raise ConsultationError("This review link does not take comments (any more).")
        anonymous = False
        sender_key = f"link-{link.pk}"
    elif not may_take_part(user, consultation):
        raise ConsultationError("Sign in to take part in this consultation.")
    else:
        sender_key = str(user.pk)
    if not consultation.is_open:
        raise ConsultationError("This consultation is closed; it can no longer be commented on.")
    body = (body or "").strip()
    proposed_text = (proposed_text or "").strip()
    if kind not in Kind.values:
        raise ConsultationError("Choose a comment or a suggested amendment.")
    if parent is not None:
        if parent.consultation_id != consultation.pk or parent.parent_id is not None:
            raise ConsultationError("You can reply to a comment, not to a reply.")
        if kind != Kind.COMMENT:
            raise ConsultationError("A reply is a comment; suggest an amendment on the section itself.")
        section_id = parent.section_id
    section = consultation.section(section_id)
    if section is None:
        raise ConsultationError("That section is not part of this draft.")
    if not body:
        raise ConsultationError(
            "Write your comment first." if kind == Kind.COMMENT else "Say why you suggest this wording."
        )
    if len(body) > BODY_MAX_LENGTH:
        raise ConsultationError(
            f"Your text is {len(body)} characters long; the limit is {BODY_MAX_LENGTH}. Shorten it and send it again."
        )
    if kind == Kind.AMENDMENT:
        if not proposed_text:
            raise ConsultationError("Write the wording you suggest for the section.")
        if len(proposed_text) > PROPOSED_MAX_LENGTH:
            raise ConsultationError(f"The suggested wording is limited to {PROPOSED_MAX_LENGTH} characters.")
        if proposed_text == (section.get("body") or "").strip():
            raise ConsultationError("The suggested wording is the same as the section's; change something first.")
    else:
        proposed_text = ""
    if not hit(scope="consultation-comment", key=sender_key, limit=COMMENT_RATE_LIMIT, period=COMMENT_RATE_PERIOD):
        raise ConsultationError(
            f"You have sent {COMMENT_RATE_LIMIT} comments in the last few minutes. Wait a little before sending more."
        )
    with transaction.atomic():
        comment = Comment.objects.create(
            consultation=consultation,
            section_id=section_id,
            kind=kind,
            parent=parent,
            body=body,
            proposed_text=proposed_text,
            author=None if anonymous or link is not None else user,
            anonymous=anonymous,
            link_label=link.label if link is not None else "",
            share_link=link,
            author_hash=author_hash(consultation, user if link is None else None, key=sender_key),
        )
        notify_committee(
            plan=consultation.plan,
            event="comments",
            subject=f"New {comment.get_kind_display().lower()} on {section['number']} {section['title']}"[:150],
            text=body[:1000],
            path=reverse("consultations:item", kwargs={"slug": consultation.plan.slug, "comment_id": comment.pk}),
            actor=None if anonymous or link is not None else user,
        )
    return comment


def comment_support(*, comment: Comment, user) -> Support:
    """Support another person's comment or amendment, once."""
    consultation = comment.consultation
    if not may_take_part(user, consultation):
        raise ConsultationError("Sign in to support a comment.")
    if not consultation.is_open:
        raise ConsultationError("This consultation is closed.")
    if comment.is_hidden:
        raise ConsultationError("This comment was hidden by the committee.")
    if comment.author_id == user.pk or comment.author_hash == author_hash(consultation, user):
        raise ConsultationError("You cannot support your own comment.")
    try:
        with transaction.atomic():
            return Support.objects.create(comment=comment, user=user)
    except IntegrityError as error:
        raise ConsultationError("You already support this.") from error


def _check_committee(user, comment: Comment) -> None:
    if not can_edit(user, comment.consultation.plan):
        raise ConsultationError("Only the plan's committee members may do this.")


def limited_text(text: str, *, missing: str | None = None, what: str = "This") -> str:
    """`text` stripped; ConsultationError(`missing`) if it is empty and `missing` is given, or if it
    is longer than REASON_MAX_LENGTH (answers, reasons, review notes and comments)."""
    text = (text or "").strip()
    if missing and not text:
        raise ConsultationError(missing)
    if len(text) > REASON_MAX_LENGTH:
        raise ConsultationError(f"{what} is limited to {REASON_MAX_LENGTH} characters (you wrote {len(text)}).")
    return text


def _reason(reason: str, what: str) -> str:
    return limited_text(reason, missing=f"Give a reason {what}.", what="The reason")


def comment_answer(*, comment: Comment, user, status: str, reason: str) -> Comment:
    """Record the committee's answer to an item (accepted, partly accepted, not taken up) with its reason."""
    _check_committee(user, comment)
    if status not in AnswerStatus.values:
        raise ConsultationError("Choose an answer: accepted, partly accepted or not taken up.")
    reason = _reason(reason, "for the answer")
    with transaction.atomic():
        comment.answer_status, comment.answer_reason = status, reason
        comment.answered_by, comment.answered_at = user, timezone.now()
        comment.save(update_fields=["answer_status", "answer_reason", "answered_by", "answered_at"])
        audit_record(
            action=AuditAction.ITEM_ANSWERED,
            actor=user,
            plan=comment.consultation.plan,
            details={"comment": comment.pk, "status": status},
        )
    return comment


def comment_hide(*, comment: Comment, user, reason: str) -> Comment:
    """Hide a comment from readers, with a reason they see ("hidden by the committee: reason"). Audited."""
    _check_committee(user, comment)
    reason = _reason(reason, "for hiding it; readers see it")
    with transaction.atomic():
        comment.hidden_reason, comment.hidden_by, comment.hidden_at = reason, user, timezone.now()
        comment.save(update_fields=["hidden_reason", "hidden_by", "hidden_at"])
        audit_record(
            action=AuditAction.COMMENT_MODERATED,
            actor=user,
            plan=comment.consultation.plan,
            details={"comment": comment.pk, "reason": reason},
        )
    return comment


def amendment_section(comment: Comment) -> Node | None:
    """The draft's live section the amendment is about, or None if it is gone."""
    return Node.objects.filter(plan_id=comment.consultation.plan_id, pk=comment.section_id).live().first()


def amendment_accept(*, comment: Comment, user, base_revision: int, reason: str = "") -> Node:
    """Apply the amendment's wording to the draft section, if it is still at `base_revision`.

    Through the one guarded edit (plans.services.node_update), with the history message
    "From amendment #N of the consultation": EditConflict if the section changed since,
    and then nothing is written. Marks the amendment accepted. Returns the section as saved.
    """
    _check_committee(user, comment)
    if comment.kind != Kind.AMENDMENT:
        raise ConsultationError("Only a suggested amendment can be applied to the draft.")
    if comment.is_hidden:
        raise ConsultationError("This amendment was hidden by the committee.")
    node = amendment_section(comment)
    if node is None:
        raise ConsultationError("The section this amendment is about is no longer in the draft.")
    with transaction.atomic():
        saved = node_update(
            node=node,
            base_revision=base_revision,
            data={"body": comment.proposed_text},
            user=user,
            message=f"From amendment #{comment.pk} of the consultation",
        )
        comment.answer_status = AnswerStatus.ACCEPTED
        comment.answer_reason = (reason or "").strip()[
            :REASON_MAX_LENGTH
        ] or "The suggested wording is now in the draft."
        comment.answered_by, comment.answered_at = user, timezone.now()
        comment.save(update_fields=["answer_status", "answer_reason", "answered_by", "answered_at"])
        audit_record(
            action=AuditAction.AMENDMENT_ACCEPTED,
            actor=user,
            plan=comment.consultation.plan,
            details={"comment": comment.pk, "section": node.pk},
        )
    return saved
