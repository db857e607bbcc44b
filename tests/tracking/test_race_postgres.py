"""A progress update and an editor's save at once, on PostgreSQL: the status change goes through the guard.

Each thread has its own connection, so the two writes are concurrent transactions. Whatever
their order, nothing is lost: the editor's save either lands (and the status change comes on
top of it) or is refused as a conflict; the revision counts every write that landed.
"""

from __future__ import annotations

import threading

import pytest

from plans.models import ActionStatus, Node
from plans.services import EditConflict, node_update
from tests.concurrency import postgres_only, run_at_once
from tracking.models import ProgressUpdate
from tracking.services import progress_post

from .conftest import days_ago

pytestmark = postgres_only


@pytest.mark.parametrize("round_number", range(4))
def test_a_progress_update_never_overwrites_a_concurrent_edit(tracked_plan, editor, round_number):
    action_id = Node.objects.get(plan=tracked_plan, title="Hold a welcome day").pk
    base = Node.objects.get(pk=action_id).revision
    barrier = threading.Barrier(2)

    def edit():
        node = Node.objects.get(pk=action_id)
        barrier.wait()
        return node_update(node=node, base_revision=base, data={"owner": f"Team {round_number}"}, user=editor)

    def post():
        node = Node.objects.get(pk=action_id)
        barrier.wait()
        return progress_post(node=node, user=editor, date=days_ago(1), status=ActionStatus.DONE)

    edited, posted = run_at_once(edit, post)
    assert isinstance(posted, ProgressUpdate), posted
    assert isinstance(edited, Node | EditConflict), edited
    action = Node.objects.get(pk=action_id)
    assert action.status == ActionStatus.DONE  # the status always follows the update
    if isinstance(edited, Node):
        assert action.owner == f"Team {round_number}"  # the edit was not overwritten
        assert action.revision == base + 2
    else:
        assert action.owner == "Outreach team"
        assert action.revision == base + 1
    assert action.history.filter(revision__gt=base).count() == action.revision - base
