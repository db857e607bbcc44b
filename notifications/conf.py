"""The app's tunables, each with its default; a deployment may override any in its settings."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def _setting(name: str, default):
    return getattr(settings, f"NOTIFICATIONS_{name}", default)


def confirmation_max_age() -> timedelta:
    """How long a confirmation link works after its email was written."""
    return timedelta(days=_setting("CONFIRMATION_DAYS", 3))


def subscribe_limit_per_ip() -> tuple[int, int]:
    """(requests, seconds): subscription requests one client address may make in that time."""
    return tuple(_setting("SUBSCRIBE_LIMIT_PER_IP", (10, 60 * 60)))


def subscribe_limit_per_address() -> tuple[int, int]:
    """(requests, seconds): subscription requests for one email address (on any plan) in that time."""
    return tuple(_setting("SUBSCRIBE_LIMIT_PER_ADDRESS", (3, 60 * 60)))


def batch_size() -> int:
    """Messages one run of the sending task sends before it queues its own continuation."""
    return int(_setting("BATCH_SIZE", 100))


def max_attempts() -> int:
    """Failed attempts after which a message is set aside as failed (an admin can put it back)."""
    return int(_setting("MAX_ATTEMPTS", 20))


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 1, 2, 4... minutes, at most 6 hours."""
    first = _setting("RETRY_FIRST_SECONDS", 60)
    longest = _setting("RETRY_MAX_SECONDS", 6 * 60 * 60)
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), longest))


def claim_timeout() -> timedelta:
    """After this long, a message a worker claimed but never marked is taken as abandoned (the
    worker was killed while sending it) and queued again."""
    return timedelta(seconds=_setting("CLAIM_TIMEOUT_SECONDS", 15 * 60))


def smtp_timeout() -> int:
    """Seconds to wait for the mail server before counting the attempt as failed."""
    return int(_setting("SMTP_TIMEOUT_SECONDS", 30))
