"""Helpers for concurrency tests: real PostgreSQL transactions racing in threads."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection

# Mark a module's tests as PostgreSQL-only: each needs real concurrent transactions.
postgres_only = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="Concurrency is tested on PostgreSQL only (set DATABASE_URL=postgres://...).",
    ),
    pytest.mark.django_db(transaction=True),
]


def run_at_once(*targets: Callable[[], object]) -> list[object]:
    """Start every target at the same moment, each in its own thread (so its own connection).

    Returns what each target returned or raised, in order; fails if one hangs.
    """
    results: list[object] = [None] * len(targets)
    barrier = threading.Barrier(len(targets))

    def wrap(index: int, target: Callable[[], object]) -> None:
        try:
            barrier.wait()
            results[index] = target()
        except Exception as error:  # noqa: BLE001 — the test inspects what each side got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a concurrent change hung"
    return results
