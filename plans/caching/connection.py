"""The cache the page cache talks to, and today's date, both looked up cheaply on every hit.

`page_cache()` is Django's default cache; Django hands out one instance per thread through a
context-local proxy whose every use costs a lookup, so each thread keeps the instance it got.
`today()` is the portal's local date, read again once a minute (local midnight always falls
on a whole minute of UTC).
"""

from __future__ import annotations

import datetime as dt
import threading
import time

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.utils import timezone

_local = threading.local()
_today: list = [None, None]  # [the minute it was read in, the date]


def page_cache() -> BaseCache:
    try:
        return _local.cache
    except AttributeError:
        _local.cache = caches[DEFAULT_CACHE_ALIAS]
        return _local.cache


def is_shared() -> bool:
    """Is the cache shared by every process (Redis), rather than each process's own memory?"""
    return not isinstance(page_cache(), LocMemCache | DummyCache)


def today() -> dt.date:
    minute = int(time.time() // 60)
    if _today[0] != minute:
        _today[:] = [minute, timezone.localdate()]
    return _today[1]


def forget() -> None:
    """Look the cache and the date up again (settings or the clock changed: tests)."""
    _today[:] = [None, None]
    _local.__dict__.clear()


def _settings_changed(*, setting: str, **kwargs) -> None:
    if setting in ("CACHES", "TIME_ZONE"):
        forget()


setting_changed.connect(_settings_changed, dispatch_uid="page_cache_settings_changed")
