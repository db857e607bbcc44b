"""Counting requests per client address and per email address in Django's cache (fixed windows).

The cache is shared by every app server in production (Redis), so the limits hold across
machines. Keys hold a hash, never the address itself.
"""

from __future__ import annotations

import hashlib
import time

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as the sign-in limits see it (DJANGO_TRUSTED_PROXY_COUNT applies)."""
    try:
        return get_adapter(request).get_client_ip(request)
    except PermissionDenied:
        return "unknown"


def hit(*, scope: str, key: str, limit: int, period: int) -> bool:
    """Count one request for `key`; False once more than `limit` were made in this `period` (seconds)."""
    window = int(time.time() // period)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"notifications:rate:{scope}:{digest}:{window}"
    cache.add(cache_key, 0, timeout=period)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=period)
        count = 1
    return count <= limit
