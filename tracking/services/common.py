"""Small helpers the tracking services share."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def acting_user(user):
    """The user to name in the history: None for an anonymous user or a script."""
    return user if user is not None and user.is_authenticated else None
