"""Fixtures of the notification tests: subscribers in every state, the worker, mail servers."""

from __future__ import annotations

import itertools
import signal
from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Subscription
from plans.models import Node, Visibility
from plans.services import plan_publish

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_subscription(db) -> Callable[..., Subscription]:
    """A subscription in a given state, written directly (the services are tested on their own)."""

    def make(plan, email: str, *, confirmed: bool = True, user=None) -> Subscription:
        now = timezone.now()
        return Subscription.objects.create(
            plan=plan, email=email.lower(), user=user, requested_at=now, confirmed_at=now if confirmed else None
        )

    return make


@pytest.fixture
def members_plan(make_plan):
    plan = make_plan("members-plan", visibility=Visibility.MEMBERS, title="Members plan")
    plan_publish(plan=plan, notes="First version.")
    return plan


_changes = itertools.count(1)


def publish_change(plan, *, notes: str = "Second version: a clearer introduction."):
    """Change the draft's introduction and publish it (1.1 after 1.0, then 1.2...)."""
    intro = Node.objects.get(plan=plan, title="Introduction")
    intro.body = f"Why this plan exists and who it is for, as agreed in [1]. (Change {next(_changes)}.)"
    intro.save()
    return plan_publish(plan=plan, notes=notes)


@pytest.fixture
def db_tasks(settings):
    """Tasks go to the database backend, as in production, instead of running at once."""
    settings.TASKS = DB_TASKS


@pytest.fixture
def run_worker() -> Callable[[], None]:
    """Run the real worker (`manage.py db_worker --batch`) until no task is ready, then stop."""
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", batch=True, reload=False, startup_delay=False, interval=0, verbosity=0)

    yield run
    for sig, handler in handlers.items():  # the worker installs its own; give pytest its back
        signal.signal(sig, handler)
