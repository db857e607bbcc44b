"""Where the page cache keeps its keys, and today's date: both looked up cheaply on every hit.

`page_store()` is what the page cache reads and writes (`get`, `get_many`, `set`, `incr`):
- with a shared cache (Redis), Django's default cache. Django hands out one instance per
  thread through a context-local proxy whose every use costs a lookup, so each thread keeps
  the instance it got;
- with the default per-process cache (`LocalMemoryCache`), the process's own `Memory`: the
  page cache's values (entries, plan states, generations) never change once made, so they are
  kept as they are, not pickled and unpickled on every hit as LocMemCache does, and their
  keys (made by the page cache) are not checked for memcached's rules. `cache.clear()`
  empties it too.
`today()` is the portal's local date, read again once a minute (local midnight always falls
on a whole minute of UTC).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.utils import timezone


class Memory:
    """The page cache's keys in this process's memory: values kept as they are, with their
    expiry, the least recently used dropped beyond PAGE_CACHE_LOCAL_ITEMS."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[float | None, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> Any:
        found = self._items.get(key)
        if found is None:
            return None
        expires, value = found
        if expires is not None and expires <= now:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def get(self, key: str) -> Any:
        with self._lock:
            return self._live(key, time.time())

    def get_many(self, keys: Iterable[str]) -> dict[str, Any]:
        now = time.time()
        with self._lock:
            found = {key: self._live(key, now) for key in keys}
        return {key: value for key, value in found.items() if value is not None}

    def set(self, key: str, value: Any, timeout: float | None = None) -> None:
        expires = None if timeout is None else time.time() + timeout
        with self._lock:
            self._items[key] = (expires, value)
            self._items.move_to_end(key)
            while len(self._items) > settings.PAGE_CACHE_LOCAL_ITEMS:
                self._items.popitem(last=False)

    def incr(self, key: str) -> int:
        """Add one to a number; ValueError if there is none under `key` (as Django's caches do)."""
        with self._lock:
            value = self._live(key, time.time())
            if value is None:
                raise ValueError(f"Key {key!r} not found.")
            expires, _ = self._items[key]
            self._items[key] = (expires, value + 1)
            return value + 1

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


memory = Memory()


class LocalMemoryCache(LocMemCache):
    """Django's local-memory cache (the default one), which also empties the page cache's
    memory when cleared, so that `cache.clear()` still means "forget every page"."""

    def clear(self) -> None:
        super().clear()
        memory.clear()


_local = threading.local()
_today: list = [None, None]  # [the minute it was read in, the date]


def default_cache() -> BaseCache:
    try:
        return _local.cache
    except AttributeError:
        _local.cache = caches[DEFAULT_CACHE_ALIAS]
        return _local.cache


def page_store() -> BaseCache | Memory:
    """Where the page cache's keys live (see the module's docstring)."""
    backend = default_cache()
    return memory if isinstance(backend, LocalMemoryCache) else backend


def is_shared() -> bool:
    """Is the cache shared by every process (Redis), rather than each process's own memory?"""
    return not isinstance(default_cache(), LocMemCache | DummyCache)


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
