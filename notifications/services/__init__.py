"""The writes of the notifications app. Views, the admin, the task and other apps go through these."""

from .committee import CommitteePreferenceError, committee_preference_set, committee_preference_stop
from .notices import NoticeError, notify_committee, notify_followers, notify_members
from .outbox import deliveries_prune, deliveries_queue_for_version, deliveries_retry, sending_enqueue_on_commit
from .sending import SendReport, deliveries_send
from .subscriptions import (
    SubscriptionError,
    subscription_cancel,
    subscription_confirm,
    subscription_follow,
    subscription_request,
    subscriptions_prune,
)

__all__ = [
    "CommitteePreferenceError",
    "NoticeError",
    "SendReport",
    "SubscriptionError",
    "committee_preference_set",
    "committee_preference_stop",
    "deliveries_prune",
    "deliveries_queue_for_version",
    "deliveries_retry",
    "deliveries_send",
    "notify_committee",
    "notify_followers",
    "notify_members",
    "sending_enqueue_on_commit",
    "subscription_cancel",
    "subscription_confirm",
    "subscription_follow",
    "subscription_request",
    "subscriptions_prune",
]
