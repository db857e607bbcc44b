"""The signed tokens in emailed links: confirming a subscription, and unsubscribing.

Both are signed with the site's secret key (`django.core.signing`), so nothing secret is
stored and a forged or altered token never verifies. A confirmation token also carries
its time and expires (`conf.confirmation_max_age`); an unsubscribe token never expires,
as an old email's link must keep working. Each names one row and a tag of its address, so
a token cannot be turned on another subscription.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from . import conf
from .models import CommitteeEvent, CommitteePreference, Subscription

CONFIRM_SALT = "notifications.confirm"
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


class TokenInvalid(Exception):
    """The link was not made by this site, was altered, or names something that no longer exists."""


class TokenExpired(Exception):
    """The confirmation link is genuine but too old."""


def _address_tag(email: str) -> str:
    return salted_hmac("notifications.address", email.lower()).hexdigest()[:16]


def _payload(token: str, *, salt: str, max_age=None) -> dict:
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise TokenExpired from error
    except signing.BadSignature as error:
        raise TokenInvalid from error
    if not isinstance(data, dict):
        raise TokenInvalid
    return data


def _subscription(data: dict) -> Subscription | None:
    pk, tag = data.get("s"), data.get("a")
    if not isinstance(pk, int) or not isinstance(tag, str):
        raise TokenInvalid
    subscription = Subscription.objects.select_related("plan", "user").filter(pk=pk).first()
    if subscription is not None and not constant_time_compare(tag, _address_tag(subscription.email)):
        return None
    return subscription


def confirmation_token(subscription: Subscription) -> str:
    """A link token that confirms this subscription until it expires."""
    return signing.dumps({"s": subscription.pk, "a": _address_tag(subscription.email)}, salt=CONFIRM_SALT)


def read_confirmation_token(token: str) -> Subscription:
    """The subscription the token confirms. TokenExpired when too old; TokenInvalid when forged,
    altered, or its subscription is gone (unsubscribed meanwhile)."""
    subscription = _subscription(_payload(token, salt=CONFIRM_SALT, max_age=conf.confirmation_max_age()))
    if subscription is None:
        raise TokenInvalid
    return subscription


def subscription_unsubscribe_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk, "a": _address_tag(subscription.email)}, salt=UNSUBSCRIBE_SALT)


def committee_unsubscribe_token(preference: CommitteePreference, event: str) -> str:
    return signing.dumps({"c": preference.pk, "e": CommitteeEvent(event).value}, salt=UNSUBSCRIBE_SALT)


@dataclass
class UnsubscribeTarget:
    """What an unsubscribe link stops. `subscription` and `preference` are None once already gone."""

    subscription: Subscription | None = None
    preference: CommitteePreference | None = None
    event: str = ""

    @property
    def is_committee(self) -> bool:
        return bool(self.event)

    @property
    def event_label(self) -> str:
        return CommitteeEvent(self.event).label if self.event else ""

    @property
    def plan(self):
        if self.subscription is not None:
            return self.subscription.plan
        if self.preference is not None:
            return self.preference.plan
        return None


def read_unsubscribe_token(token: str) -> UnsubscribeTarget:
    """What the link unsubscribes from; TokenInvalid when forged or altered."""
    data = _payload(token, salt=UNSUBSCRIBE_SALT)
    if "c" in data:
        pk, event = data.get("c"), data.get("e")
        if not isinstance(pk, int) or event not in CommitteeEvent.values:
            raise TokenInvalid
        preference = CommitteePreference.objects.select_related("plan").filter(pk=pk).first()
        return UnsubscribeTarget(preference=preference, event=event)
    return UnsubscribeTarget(subscription=_subscription(data))
