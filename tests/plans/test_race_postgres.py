"""No lost update, proven on PostgreSQL with two real connections saving the same node at once.

Each thread has its own Django database connection (connections are per thread), so the
two saves are two concurrent transactions: the conditional UPDATE in node_update must let
exactly one of them through.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import transaction

from plans.models import Node, Role
from plans.services import EditConflict, node_update
from tests.concurrency import postgres_only, run_at_once

pytestmark = postgres_only


@pytest.fixture
def editors(make_user, plan):
    return make_user("ann@example.org", plan=plan, role=Role.EDITOR), make_user(
        "bo@example.org", plan=plan, role=Role.EDITOR
    )


def test_two_saves_from_the_same_revision_exactly_one_wins(plan, editors):
    intro_id = Node.objects.get(plan=plan, title="Introduction").pk
    for round_number in range(1, 6):
        base = Node.objects.get(pk=intro_id).revision
        barrier = threading.Barrier(2)

        def save(user, text, base=base, barrier=barrier):
            node = Node.objects.get(pk=intro_id)  # each side loaded the same revision
            barrier.wait()
            return node_update(node=node, base_revision=base, data={"body": text}, user=user)

        results = run_at_once(
            lambda n=round_number: save(editors[0], f"Ann's text {n}"),
            lambda n=round_number: save(editors[1], f"Bo's text {n}"),
        )
        winners = [r for r in results if isinstance(r, Node)]
        conflicts = [r for r in results if isinstance(r, EditConflict)]
        assert (len(winners), len(conflicts)) == (1, 1), results
        assert conflicts[0].current.body == winners[0].body
        assert Node.objects.get(pk=intro_id).body == winners[0].body
        assert Node.objects.get(pk=intro_id).revision == base + 1

    history = Node.history.filter(id=intro_id).order_by("history_date")
    # The creation, then one record per accepted save, in order, each with its author.
    assert history.count() == 1 + 5
    assert [h.revision for h in history] == [1, 2, 3, 4, 5, 6]
    assert all(h.history_user_id in {e.pk for e in editors} for h in history[1:])


def test_a_save_waiting_on_the_row_lock_is_refused_once_the_first_commits(plan, editors):
    intro_id = Node.objects.get(plan=plan, title="Introduction").pk
    first_has_updated = threading.Event()

    def first():
        with transaction.atomic():
            saved = node_update(
                node=Node.objects.get(pk=intro_id), base_revision=1, data={"body": "First."}, user=editors[0]
            )
            first_has_updated.set()
            time.sleep(0.5)  # hold the row lock while the second save tries
        return saved

    def second():
        node = Node.objects.get(pk=intro_id)
        assert node.revision == 1  # read before the first commits: a stale but believable form
        first_has_updated.wait(timeout=10)
        started = time.monotonic()
        try:
            node_update(node=node, base_revision=1, data={"body": "Second."}, user=editors[1])
        finally:
            second.waited = time.monotonic() - started
        return "saved"

    results = run_at_once(first, second)
    assert isinstance(results[0], Node)
    assert isinstance(results[1], EditConflict)
    assert second.waited >= 0.3  # it really waited for the first transaction, then saw the new revision
    assert results[1].current.body == "First."
    intro = Node.objects.get(pk=intro_id)
    assert (intro.body, intro.revision) == ("First.", 2)
    assert Node.history.filter(id=intro_id).count() == 2
