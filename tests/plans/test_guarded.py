"""The one guarded update: a conditional UPDATE on the revision plus one history record, for every editable row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Node, Plan, Reference
from plans.services import EditConflict, NodeError, action_status_set, guarded_update, plan_lock
from tests.conftest import node


@pytest.mark.parametrize("model", [Node, Reference])
def test_a_save_at_the_current_revision_writes_once_with_its_history(plan, make_user, model):
    user = make_user()
    row = model.objects.filter(plan=plan).first()
    field = "body" if model is Node else "text"
    saved = guarded_update(row, base_revision=row.revision, values={field: "New."}, user=user, message="Why")
    assert (getattr(saved, field), saved.revision) == ("New.", row.revision + 1)
    record = saved.history.first()
    assert (record.history_user, record.history_change_reason, record.revision) == (user, "Why", saved.revision)


@pytest.mark.parametrize("model", [Node, Reference])
def test_a_save_from_an_older_revision_is_a_conflict_and_writes_nothing(plan, model):
    row = model.objects.filter(plan=plan).first()
    field = "body" if model is Node else "text"
    guarded_update(row, base_revision=row.revision, values={field: "First."}, user=None)
    count = row.history.count()
    with pytest.raises(EditConflict) as conflict:
        guarded_update(row, base_revision=row.revision, values={field: "Second."}, user=None)
    assert getattr(conflict.value.current, field) == "First."
    assert row.history.count() == count


def test_the_revision_check_is_made_by_the_update_itself(plan):
    intro = node(plan, "Introduction")
    with CaptureQueriesContext(connection) as queries:
        guarded_update(intro, base_revision=intro.revision, values={"body": "x"}, user=None)
    update = next(q["sql"] for q in queries if q["sql"].startswith("UPDATE"))
    assert '"revision" = ' in update.split("WHERE", 1)[1]


def test_a_condition_can_guard_more_than_the_revision(plan):
    intro = node(plan, "Introduction")
    Node.objects.filter(pk=intro.pk).update(deleted_at="2025-01-01T00:00:00Z")
    with pytest.raises(EditConflict) as conflict:
        guarded_update(
            intro, base_revision=intro.revision, values={"body": "x"}, user=None, only_if={"deleted_at": None}
        )
    assert conflict.value.current.deleted_at is not None


def test_plan_lock_returns_the_plan_as_it_is_now(plan):
    Plan.objects.filter(pk=plan.pk).update(title="Renamed")
    assert plan_lock(plan.pk).title == "Renamed"


def test_only_an_action_has_a_status_to_set(plan):
    with pytest.raises(NodeError, match="Only an action"):
        action_status_set(node=node(plan, "Introduction"), status="done", user=None, message="")
    action = node(plan, "Run a mentoring scheme")
    saved = action_status_set(node=action, status="done", user=None, message="Finished")
    assert (saved.status, saved.revision, saved.history.first().history_change_reason) == ("done", 2, "Finished")
