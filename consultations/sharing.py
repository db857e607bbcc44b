"""Share links: a signed, revocable, counted read-only link to a frozen candidate of the draft.

The token is signed with django.core.signing (salted for this use) and names the stored row
and its random nonce: a forged or altered token fails the signature, and a row revoked or
past its date refuses even a genuine one.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core import signing
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from plans.models import Plan
from plans.permissions import can_publish
from plans.snapshot import plan_snapshot

from .models import LABEL_MAX_LENGTH, ShareLink
from .selectors import open_consultation
from .services import ConsultationError

SALT = "consultations.share-link"


class LinkRefused(Exception):
    """The token is not usable: `gone` (revoked or expired: 410) or not valid at all (404); `message` says which."""

    def __init__(self, message: str, *, gone: bool):
        super().__init__(message)
        self.gone = gone


def share_token(link: ShareLink) -> str:
    return signing.dumps({"l": link.pk, "n": link.nonce}, salt=SALT, compress=True)


def share_url(link: ShareLink) -> str:
    return reverse("consultations:review", kwargs={"token": share_token(link)})


def share_link_create(
    *, plan: Plan, user, label: str, expires_at: dt.datetime | None = None, allow_comments: bool = False
) -> ShareLink:
    """Freeze the draft and make a link to it. Publishers only; audited.

    With `allow_comments`, the link shows the open consultation's candidate instead, and what
    its holder sends joins that consultation under the link's label (until either closes).
    """
    if not can_publish(user, plan):
        raise ConsultationError("Only the plan's publishers may share the draft.")
    label = " ".join((label or "").split())
    if not label or len(label) > LABEL_MAX_LENGTH:
        raise ConsultationError(f"Say who the link is for, in at most {LABEL_MAX_LENGTH} characters.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ConsultationError("The closing date must be in the future.")
    with transaction.atomic():
        consultation = open_consultation(plan) if allow_comments else None
        if allow_comments and consultation is None:
            raise ConsultationError(
                "Reviewers can comment only while a consultation is open. Open one first, or make a read-only link."
            )
        link = ShareLink.objects.create(
            plan=plan,
            label=label,
            snapshot=consultation.snapshot if consultation is not None else plan_snapshot(plan),
            nonce=secrets.token_hex(16),
            created_by=user,
            expires_at=expires_at,
            consultation=consultation,
            allow_comments=allow_comments,
        )
        audit_record(
            action=AuditAction.SHARE_LINK_CREATED,
            actor=user,
            plan=plan,
            details={"link": link.pk, "label": label, "comments": allow_comments},
        )
    return link


def share_link_revoke(*, link: ShareLink, user) -> ShareLink:
    """Withdraw a link now; it answers 410 from then on. Publishers only; audited."""
    if not can_publish(user, link.plan):
        raise ConsultationError("Only the plan's publishers may withdraw a link.")
    if link.revoked_at is not None:
        raise ConsultationError("This link is already withdrawn.")
    with transaction.atomic():
        link.revoked_at, link.revoked_by = timezone.now(), user
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            action=AuditAction.SHARE_LINK_REVOKED,
            actor=user,
            plan=link.plan,
            details={"link": link.pk, "label": link.label},
        )
    return link


def share_link_use(token: str) -> ShareLink:
    """The link this token stands for, its use counted; LinkRefused if forged, revoked or expired."""
    try:
        data = signing.loads(token, salt=SALT)
        link = ShareLink.objects.select_related("plan", "consultation__plan").get(
            pk=int(data["l"]), nonce=str(data["n"])
        )
    except (signing.BadSignature, ShareLink.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise LinkRefused("This review link is not valid. Check that it was copied whole.", gone=False) from error
    if link.revoked_at is not None:
        raise LinkRefused("This review link was withdrawn by the committee.", gone=True)
    if link.is_expired:
        raise LinkRefused("This review link has expired.", gone=True)
    ShareLink.objects.filter(pk=link.pk).update(uses=F("uses") + 1)
    link.uses += 1
    return link
