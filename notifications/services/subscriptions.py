"""Following a plan: asking (double opt-in), confirming, following signed in, and stopping."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from plans.models import Plan, Visibility
from plans.permissions import can_read

from .. import conf
from ..models import Delivery, DeliveryKind, Subscription, normalise_email
from .outbox import sending_enqueue_on_commit


class SubscriptionError(Exception):
    """The request cannot be taken; the message says why, in plain words."""


def _queue_confirmation(subscription: Subscription) -> None:
    Delivery.objects.create(kind=DeliveryKind.CONFIRMATION, plan_id=subscription.plan_id, subscription=subscription)
    sending_enqueue_on_commit()


def subscription_request(*, plan: Plan, email: str) -> None:
    """Someone asks for emails about `plan` at `email`: queue a confirmation link to that address.

    Returns nothing on purpose, so that no caller can tell the states apart: a new address
    and one waiting for confirmation get a (new) confirmation email; an address already
    confirmed gets nothing. Raises SubscriptionError for an invalid address, or for a
    members-only plan (only signed-in collaborators follow those, with `subscription_follow`).
    """
    if plan.visibility != Visibility.PUBLIC:
        raise SubscriptionError("Only signed-in collaborators can follow a members-only plan: sign in first.")
    email = normalise_email(email)
    try:
        validate_email(email)
    except ValidationError as error:
        raise SubscriptionError("Enter a valid email address, such as name@example.org.") from error
    now = timezone.now()
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(plan=plan, email=email).first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(plan=plan, email=email, requested_at=now)
            except IntegrityError:  # the same address asked twice at the same moment
                subscription = Subscription.objects.select_for_update().get(plan=plan, email=email)
        if subscription.is_confirmed:
            return
        Subscription.objects.filter(pk=subscription.pk).update(requested_at=now)
        _queue_confirmation(subscription)


def _has_verified_email(user) -> bool:
    email = normalise_email(user.email)
    return bool(email) and EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def subscription_follow(*, plan: Plan, user) -> Subscription:
    """A signed-in reader follows `plan` with their account's address, in one click.

    Confirmed at once when the account's address is verified; otherwise a confirmation link
    is sent to it, as for anyone. Returns the subscription (check `is_confirmed`).
    """
    if not (user.is_authenticated and user.is_active):
        raise SubscriptionError("Sign in to follow a plan with your account.")
    if not can_read(user, plan):
        raise SubscriptionError("You cannot read this plan, so you cannot follow it.")
    email = normalise_email(user.email)
    if not email:
        raise SubscriptionError("Your account has no email address; add one on your account page first.")
    verified = _has_verified_email(user)
    now = timezone.now()
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().filter(plan=plan, user=user).first()
            or Subscription.objects.select_for_update().filter(plan=plan, email=email).first()
        )
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        plan=plan, email=email, user=user, requested_at=now, confirmed_at=now if verified else None
                    )
            except IntegrityError:  # a double click: the other request made it
                return Subscription.objects.get(plan=plan, user=user)
            if not verified:
                _queue_confirmation(subscription)
            return subscription
        subscription.user = user
        subscription.requested_at = now
        if subscription.confirmed_at is None and verified:
            subscription.confirmed_at = now
        subscription.save(update_fields=["user", "requested_at", "confirmed_at"])
        if not subscription.is_confirmed:
            _queue_confirmation(subscription)
    return subscription


def subscription_confirm(*, subscription: Subscription) -> Subscription:
    """Confirm the subscription (the address's owner opened the link). Confirming twice changes nothing."""
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk, confirmed_at=None).update(confirmed_at=timezone.now())
    subscription.refresh_from_db(fields=["confirmed_at"])
    return subscription


def subscription_cancel(*, subscription: Subscription) -> bool:
    """Stop the subscription: the row goes, and its messages not yet sent with it. Returns whether
    there was one to stop (a second click finds none)."""
    with transaction.atomic():
        deleted, _ = Subscription.objects.filter(pk=subscription.pk).delete()
    return bool(deleted)


def subscriptions_prune() -> int:
    """Forget requests nobody confirmed long after their links expired. Returns how many went."""
    too_old = timezone.now() - 2 * conf.confirmation_max_age()
    with transaction.atomic():
        _, by_model = Subscription.objects.unconfirmed().filter(requested_at__lt=too_old).delete()
    return by_model.get(Subscription._meta.label, 0)
