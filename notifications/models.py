"""Who follows which plan, which committee notices each member wants, and the outbox of messages.

A `Delivery` is one email to one person, written before it is sent: the publishing
transaction writes them, the background task sends them. Its status moves pending →
sending (claimed by one worker) → sent, or back to pending with a later `next_attempt_at`
when the mail server fails; nothing is ever sent without first being claimed.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from plans.models import Plan, PlanVersion


def normalise_email(email: str) -> str:
    """The one spelling of an address that subscriptions are stored and compared under."""
    return (email or "").strip().lower()


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self) -> SubscriptionQuerySet:
        return self.exclude(confirmed_at=None)

    def unconfirmed(self) -> SubscriptionQuerySet:
        return self.filter(confirmed_at=None)

    def of_user(self, user) -> SubscriptionQuerySet:
        """The signed-in reader's subscriptions: theirs, or made anonymously with their address."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(Q(user=user) | Q(user=None, email=normalise_email(user.email)))


class Subscription(models.Model):
    """A reader following a plan: one email per newly published version, once confirmed."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(
        max_length=254,
        help_text="Lower-cased. For a signed-in reader, messages go to the account's current address instead.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="plan_subscriptions",
        help_text="Set when a signed-in reader followed the plan; members-only plans mail only such subscribers.",
    )
    requested_at = models.DateTimeField(default=timezone.now, help_text="The latest request to follow the plan.")
    confirmed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Empty until the address's owner confirms (double opt-in). Only confirmed subscribers get emails.",
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "email"], name="one_subscription_per_plan_and_address"),
            models.UniqueConstraint(
                fields=["plan", "user"], condition=Q(user__isnull=False), name="one_subscription_per_plan_and_account"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} follows {self.plan.slug}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def recipient(self) -> str:
        """Where messages go: the account's address for a signed-in reader, else the one given."""
        if self.user_id is not None and self.user.email:
            return self.user.email
        return self.email


class CommitteeEvent(models.TextChoices):
    """What a committee member may ask to hear about. Each value is a field of CommitteePreference."""

    CONSULTATIONS = "consultations", "Consultations on a draft (opened, extended, closed)"
    COMMENTS = "comments", "Comments and suggested amendments during a consultation"
    REVIEWS = "reviews", "Review of the draft before publishing (asked for, approved, changes asked)"


class CommitteePreference(models.Model):
    """Which notices one committee member wants about one plan. No row: none."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="committee_preferences")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="committee_notification_preferences"
    )
    consultations = models.BooleanField(
        default=False,
        verbose_name="Consultations",
        help_text="Email me when a consultation on a draft of this plan opens, is extended or closes.",
    )
    comments = models.BooleanField(
        default=False,
        verbose_name="Comments and amendments",
        help_text="Email me when someone comments on a draft or suggests an amendment.",
    )
    reviews = models.BooleanField(
        default=True,
        verbose_name="Reviews of the draft",
        help_text="Email me when a review of the draft is asked of me, or my request is answered.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="one_committee_preference_per_plan")]

    def __str__(self) -> str:
        return f"{self.user} on {self.plan.slug}"

    def wants(self, event: str) -> bool:
        return bool(getattr(self, CommitteeEvent(event).value))


class DeliveryKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Confirm a subscription"
    NEW_VERSION = "new_version", "New published version"
    COMMITTEE = "committee", "Notice to a committee member"
    FOLLOWER_NOTICE = "follower_notice", "Notice to a follower (a consultation, for example)"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent by a worker"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Not sent: the recipient no longer wants or may receive it"
    FAILED = "failed", "Set aside after repeated failures; an admin can queue it again"


class DeliveryQuerySet(models.QuerySet):
    def claimable(self, now: datetime, *, abandoned_before: datetime) -> DeliveryQuerySet:
        """Messages a worker may claim now: due pending ones, and claims abandoned by a killed worker."""
        return self.filter(
            Q(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            | Q(status=DeliveryStatus.SENDING, claimed_at__lt=abandoned_before)
        )

    def waiting(self) -> DeliveryQuerySet:
        return self.filter(status=DeliveryStatus.PENDING)


class Delivery(models.Model):
    """One email to one person, queued. Sent at most once: a worker claims it before sending."""

    kind = models.CharField(max_length=16, choices=DeliveryKind.choices)
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    version = models.ForeignKey(PlanVersion, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The committee member a committee notice is for.",
    )
    event = models.CharField(max_length=16, choices=CommitteeEvent.choices, blank=True)
    context = models.JSONField(default=dict, blank=True, help_text="A notice's subject, text and link.")
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now, help_text="Not sent before this moment.")
    attempts = models.PositiveIntegerField(default=0, help_text="Failed attempts so far.")
    last_error = models.TextField(blank=True)
    claim_token = models.CharField(max_length=32, blank=True, help_text="The worker run sending it.")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.EmailField(max_length=254, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]
        constraints = [
            # Publishing a version can never queue a subscriber's message twice.
            models.UniqueConstraint(
                fields=["subscription", "version"],
                condition=Q(version__isnull=False),
                name="one_delivery_per_subscriber_and_version",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=DeliveryKind.NEW_VERSION, subscription__isnull=False, version__isnull=False)
                    | Q(kind=DeliveryKind.CONFIRMATION, subscription__isnull=False, version__isnull=True)
                    | (Q(kind=DeliveryKind.COMMITTEE, user__isnull=False) & ~Q(event=""))
                    | Q(kind=DeliveryKind.FOLLOWER_NOTICE, subscription__isnull=False, version__isnull=True)
                ),
                name="delivery_has_what_its_kind_needs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.get_status_display().lower()})"
