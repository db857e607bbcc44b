"""Review of the draft before publishing: an editor asks, a publisher approves or asks for changes.

A request concerns the draft as it was when asked (its snapshot hash); the publish page and the
workspace say whether the draft changed since. Publishing the plan ends the current request
(a `plans.hooks` publish listener). Each step is audited, and the person it concerns is emailed
(`notifications.notify_members`: on unless they turned review notices off).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction
from audit.services import audit_record
from notifications.services import notify_members
from plans.models import Plan, PlanRole, Role
from plans.permissions import can_edit, can_publish
from plans.selectors import latest_version
from plans.services.guarded import plan_lock
from plans.snapshot import plan_snapshot, snapshot_hash

from .models import ReviewRequest, ReviewState
from .services import ConsultationError, limited_text

__all__ = [
    "ReviewStatus",
    "may_decide",
    "may_withdraw",
    "review_ask",
    "review_decide",
    "review_end_on_publish",
    "review_status",
    "review_withdraw",
]


def current_review(plan: Plan) -> ReviewRequest | None:
    """The plan's request still about the working draft (not withdrawn, nothing published since), or None."""
    return (
        ReviewRequest.objects.filter(plan=plan, version=None)
        .exclude(state=ReviewState.WITHDRAWN)
        .select_related("requested_by", "decided_by")
        .first()
    )


@dataclass
class ReviewStatus:
    """The current request, if any, and whether the draft changed since it was asked about or decided."""

    request: ReviewRequest | None
    draft_hash: str

    @property
    def changed_since(self) -> bool:
        if self.request is None:
            return False
        seen = self.request.decided_hash or self.request.draft_hash
        return seen != self.draft_hash


def review_status(plan: Plan) -> ReviewStatus:
    """The current request and the draft's hash (worked out only when there is a request)."""
    request = current_review(plan)
    draft_hash = snapshot_hash(plan_snapshot(plan)) if request is not None else ""
    return ReviewStatus(request=request, draft_hash=draft_hash)


def _path(plan: Plan) -> str:
    return reverse("consultations:review_request", kwargs={"slug": plan.slug})


def may_decide(user, request: ReviewRequest) -> bool:
    """A publisher of the plan other than the person who asked."""
    return can_publish(user, request.plan) and request.requested_by_id != user.pk


def may_withdraw(user, request: ReviewRequest) -> bool:
    """A publisher of the plan, or the committee member who asked."""
    return can_publish(user, request.plan) or (request.requested_by_id == user.pk and can_edit(user, request.plan))


def review_ask(*, plan: Plan, user, note: str = "") -> ReviewRequest:
    """Ask the plan's publishers to review the draft as it is now. Editors and publishers; audited."""
    if not can_edit(user, plan):
        raise ConsultationError("Only the plan's committee members may ask for a review.")
    note = limited_text(note)
    with transaction.atomic():
        plan = plan_lock(plan.pk)
        draft_hash = snapshot_hash(plan_snapshot(plan))
        latest = latest_version(plan, with_snapshot=False)
        if latest is not None and latest.content_hash == draft_hash:
            raise ConsultationError(
                f"The draft is the same as version {latest.number}: there is nothing new to review yet."
            )
        if ReviewRequest.objects.filter(plan=plan, state=ReviewState.WAITING).exists():
            raise ConsultationError("A review of the draft is already asked for; a publisher will answer it.")
        try:
            with transaction.atomic():
                request = ReviewRequest.objects.create(plan=plan, requested_by=user, note=note, draft_hash=draft_hash)
        except IntegrityError as error:
            raise ConsultationError("A review of the draft is already asked for.") from error
        audit_record(action=AuditAction.REVIEW_REQUESTED, actor=user, plan=plan, details={"review": request.pk})
        publishers = PlanRole.objects.filter(plan=plan, role=Role.PUBLISHER).exclude(user=user).values("user")
        notify_members(
            plan=plan,
            users=publishers,
            event="reviews",
            subject=f"Review asked for: the draft of {plan.title}"[:150],
            text=f"{user.display_name} asks a publisher to review the draft before it is published."
            + (f"\n\n{note}" if note else ""),
            path=_path(plan),
        )
    return request


def _locked_waiting(request: ReviewRequest) -> ReviewRequest:
    current = (
        ReviewRequest.objects.select_for_update(of=("self",)).select_related("plan", "requested_by").get(pk=request.pk)
    )
    if current.state != ReviewState.WAITING or current.version_id is not None:
        raise ConsultationError("This review request was already answered or withdrawn.")
    return current


def review_decide(*, request: ReviewRequest, user, approve: bool, comment: str = "") -> ReviewRequest:
    """Approve the draft, or ask for changes (with a comment, required). Publishers other than the
    person who asked; audited; the person who asked is told by email and on the workspace."""
    plan = request.plan
    if not can_publish(user, plan):
        raise ConsultationError("Only the plan's publishers may answer a review request.")
    comment = limited_text(comment, missing=None if approve else "Say what should change before it is published.")
    with transaction.atomic():
        current = _locked_waiting(request)
        if not may_decide(user, current):
            raise ConsultationError("Another publisher must review a draft you asked about.")
        current.state = ReviewState.APPROVED if approve else ReviewState.CHANGES
        current.decided_by, current.decided_at = user, timezone.now()
        current.decided_hash = snapshot_hash(plan_snapshot(plan))
        current.comment = comment
        current.save(update_fields=["state", "decided_by", "decided_at", "decided_hash", "comment"])
        audit_record(
            action=AuditAction.REVIEW_DECIDED,
            actor=user,
            plan=plan,
            details={"review": current.pk, "state": current.state},
        )
        verdict = "approved the draft" if approve else "asks for changes to the draft"
        if current.requested_by is not None:
            notify_members(
                plan=plan,
                users=[current.requested_by],
                event="reviews",
                subject=f"Review answered: {plan.title}"[:150],
                text=f"{user.display_name} {verdict}." + (f"\n\n{comment}" if comment else ""),
                path=_path(plan),
            )
    return current


def review_withdraw(*, request: ReviewRequest, user) -> ReviewRequest:
    """Withdraw a request still waiting: the person who asked, or a publisher. Audited."""
    plan = request.plan
    if not may_withdraw(user, request):
        raise ConsultationError("Only the person who asked, or a publisher, may withdraw this request.")
    with transaction.atomic():
        current = _locked_waiting(request)
        current.state = ReviewState.WITHDRAWN
        current.save(update_fields=["state"])
        audit_record(action=AuditAction.REVIEW_WITHDRAWN, actor=user, plan=plan, details={"review": current.pk})
    return current


def review_end_on_publish(version) -> None:
    """A `plans.hooks` publish listener: the request about the draft now published is over."""
    ReviewRequest.objects.filter(plan_id=version.plan_id, version=None).exclude(state=ReviewState.WITHDRAWN).update(
        version=version
    )
