"""A consultation on a frozen candidate of a plan's draft, its comments and amendments, and their supports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, PlanVersion
from plans.snapshot import iter_sections

LABEL_MAX_LENGTH = 100
BODY_MAX_LENGTH = 4000
PROPOSED_MAX_LENGTH = 20000
REASON_MAX_LENGTH = 2000


class Audience(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed-in collaborators"
    ANYONE = "anyone", "Anyone who can read the plan (public plans only)"


class Consultation(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="consultations")
    label = models.CharField(
        max_length=LABEL_MAX_LENGTH, help_text="What readers call the candidate, e.g. “2.0 draft for consultation”."
    )
    snapshot = models.JSONField(
        help_text="The draft frozen when the consultation opened (plans.snapshot.plan_snapshot). Not a version."
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(help_text="After this moment nobody can comment any more.")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.SIGNED_IN)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when the consultation is closed (early, or once its date has passed)."
    )
    version = models.ForeignKey(
        PlanVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
        editable=False,
        help_text="The version published after this consultation: its readers can open “what we heard”.",
    )

    class Meta:
        ordering = ["-opens_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(closed_at=None),
                name="one_open_consultation_per_plan",
                violation_error_message="This plan already has an open consultation.",
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="consultation_closes_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("consultations:consultation", kwargs={"slug": self.plan.slug})

    @property
    def is_open(self) -> bool:
        """True while people may comment: not closed, and its closing date not passed."""
        return self.closed_at is None and self.closes_at > timezone.now()

    def sections(self) -> list[dict[str, Any]]:
        """The candidate's sections, depth first, in document order."""
        return list(iter_sections(self.snapshot["sections"]))

    def section(self, section_id: int) -> dict[str, Any] | None:
        return next((s for s in self.sections() if s.get("id") == section_id), None)


class Kind(models.TextChoices):
    COMMENT = "comment", "Comment"
    AMENDMENT = "amendment", "Suggested amendment"


class AnswerStatus(models.TextChoices):
    ACCEPTED = "accepted", "Accepted"
    PARTLY = "partly", "Partly accepted"
    NOT_TAKEN_UP = "not_taken_up", "Not taken up"


class Comment(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="comments")
    section_id = models.BigIntegerField(help_text="The id of the section in the candidate's snapshot.")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies", help_text="One level only."
    )
    body = models.TextField(max_length=BODY_MAX_LENGTH, help_text="Plain text or Markdown.")
    proposed_text = models.TextField(max_length=PROPOSED_MAX_LENGTH, blank=True, help_text="Amendments only.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_comments",
        help_text="Never stored for an anonymous comment.",
    )
    anonymous = models.BooleanField(default=False)
    link_label = models.CharField(
        max_length=LABEL_MAX_LENGTH,
        blank=True,
        help_text="Set when sent through a review link: the link's label, shown instead of an author.",
    )
    share_link = models.ForeignKey(
        "ShareLink", null=True, blank=True, on_delete=models.SET_NULL, related_name="comments", editable=False
    )
    author_hash = models.CharField(
        max_length=64, blank=True, help_text="Keyed hash of the author within this consultation (no name, no id)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    hidden_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    answer_status = models.CharField(max_length=12, choices=AnswerStatus.choices, blank=True)
    answer_reason = models.TextField(max_length=REASON_MAX_LENGTH, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=False) | Q(author=None), name="anonymous_comment_has_no_author"
            ),
            models.CheckConstraint(
                condition=Q(kind="amendment") | Q(proposed_text=""), name="only_amendments_propose_text"
            ),
            models.CheckConstraint(
                condition=Q(link_label="") | Q(author=None, anonymous=False),
                name="link_comment_has_no_author",
            ),
        ]
        indexes = [models.Index(fields=["consultation", "section_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.get_kind_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("consultations:consultation", kwargs={"slug": self.consultation.plan.slug}) + f"#item-{self.pk}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_label(self) -> str:
        """How every page, export and the admin name the author: never anyone for an anonymous comment."""
        if self.anonymous:
            return "Anonymous"
        if self.link_label:
            return self.link_label
        if self.author is None:
            return "A former member"
        return self.author.display_name


class Support(models.Model):
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "user"], name="one_support_per_person")]

    def __str__(self) -> str:
        return f"Support of #{self.comment_id}"


class ShareLink(models.Model):
    """A read-only link to a frozen candidate for a reviewer without an account (/review/<token>/)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="share_links")
    label = models.CharField(
        max_length=LABEL_MAX_LENGTH, help_text="Who it is for, e.g. “External reviewer: funding agency”."
    )
    snapshot = models.JSONField(help_text="The draft frozen when the link was made (not a version).")
    nonce = models.CharField(max_length=32, editable=False, help_text="Random; part of the signed token.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="After this the link answers “expired”.")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uses = models.PositiveIntegerField(default=0, help_text="How many times the link was opened.")
    consultation = models.ForeignKey(
        Consultation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="share_links",
        editable=False,
        help_text="The consultation whose candidate the link shows, when it was made during one.",
    )
    allow_comments = models.BooleanField(
        default=False,
        verbose_name="Reviewers may comment",
        help_text="Comments sent through the link join the consultation, marked with the link's label.",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(allow_comments=False) | Q(consultation__isnull=False),
                name="commenting_link_belongs_to_a_consultation",
                violation_error_message="A link can take comments only during a consultation.",
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired

    @property
    def takes_comments(self) -> bool:
        """True while a reviewer may comment through it: allowed, active, and its consultation open."""
        return self.allow_comments and self.is_active and self.consultation is not None and self.consultation.is_open


class ReviewState(models.TextChoices):
    WAITING = "waiting", "Waiting for a publisher"
    APPROVED = "approved", "Approved"
    CHANGES = "changes", "Changes asked for"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReviewRequest(models.Model):
    """An editor's request that a publisher review the draft before it is published.

    It concerns the draft as it was when asked (`draft_hash`); a publisher approves it or asks
    for changes with a comment. Publishing the plan ends it (`version`).
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="review_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    requested_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(
        max_length=REASON_MAX_LENGTH, blank=True, verbose_name="What to look at", help_text="Optional."
    )
    draft_hash = models.CharField(max_length=64, editable=False, help_text="The draft asked about.")
    state = models.CharField(max_length=10, choices=ReviewState.choices, default=ReviewState.WAITING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_hash = models.CharField(max_length=64, blank=True, help_text="The draft the publisher saw.")
    comment = models.TextField(max_length=REASON_MAX_LENGTH, blank=True, verbose_name="Publisher's comment")
    version = models.ForeignKey(
        PlanVersion,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_requests",
        editable=False,
        help_text="The version that was published after this review.",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(state="waiting"),
                name="one_waiting_review_per_plan",
                violation_error_message="A review of this draft is already asked for.",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["waiting", "withdrawn"]) | Q(decided_at__isnull=False),
                name="decided_review_has_a_date",
                violation_error_message="An approval or a request for changes needs its date.",
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.plan.slug} ({self.get_state_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("consultations:review_request", kwargs={"slug": self.plan.slug})

    @property
    def is_current(self) -> bool:
        """Still about the working draft: not withdrawn, and no version published since."""
        return self.version_id is None and self.state != ReviewState.WITHDRAWN
