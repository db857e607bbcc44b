"""The tree-editing services: what they change, what they record, and what they refuse."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from plans.models import Node, NodeKind, Role
from plans.services import (
    EditConflict,
    NodeError,
    node_create,
    node_delete,
    node_descendants,
    node_move,
    node_restore,
    node_revert,
    node_update,
)
from plans.tree import plan_tree, walk
from tests.conftest import node


@pytest.fixture
def editor(make_user, plan):
    return make_user("editor@example.org", plan=plan, role=Role.EDITOR)


def outline(plan) -> list[tuple[str, str]]:
    return [(item.number, item.node.title) for item in walk(plan_tree(plan))]


def positions(plan, parent) -> list[int]:
    return list(
        Node.objects.filter(plan=plan, parent=parent).live().order_by("position").values_list("position", flat=True)
    )


def test_create_appends_with_history_and_can_insert_at_a_place(plan, editor):
    definitions = node(plan, "Definitions")
    added = node_create(
        plan=plan,
        parent=definitions,
        kind=NodeKind.DEFINITION,
        data={"title": "Inclusion", "body": "Everyone takes part."},
        user=editor,
        message="Third term",
    )
    first = node_create(
        plan=plan, parent=definitions, kind=NodeKind.DEFINITION, data={"title": "Belonging"}, user=editor, position=0
    )
    assert outline(plan)[2:6] == [("2.1", "Belonging"), ("2.2", "Diversity"), ("2.3", "Equity"), ("2.4", "Inclusion")]
    assert positions(plan, definitions) == [0, 1, 2, 3]
    record = added.history.get()
    assert (record.history_type, record.history_user, record.history_change_reason) == ("+", editor, "Third term")
    assert first.history.count() == 1


@pytest.mark.parametrize(
    ("parent_title", "kind"),
    [
        ("Diversity", NodeKind.NARRATIVE),  # a definition holds nothing
        (None, NodeKind.GOAL),  # goals live under areas
        ("Definitions", NodeKind.ACTION),
        ("Community engagement", NodeKind.ACTION),  # actions live under goals
    ],
)
def test_create_refuses_a_kind_the_parent_may_not_hold(plan, editor, parent_title, kind):
    parent = node(plan, parent_title) if parent_title else None
    data = {"title": "X", **({"status": "planned"} if kind == NodeKind.ACTION else {})}
    with pytest.raises(NodeError, match="cannot go"):
        node_create(plan=plan, parent=parent, kind=kind, data=data, user=editor)
    assert not Node.objects.filter(title="X").exists()


def test_create_refuses_fields_of_another_kind_and_a_blank_title(plan, editor):
    with pytest.raises(ValidationError) as excinfo:
        node_create(plan=plan, parent=None, kind=NodeKind.NARRATIVE, data={"title": "A", "owner": "Me"}, user=editor)
    assert "owner" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        node_create(plan=plan, parent=None, kind=NodeKind.NARRATIVE, data={"title": "  "}, user=editor)


def test_update_bumps_the_revision_and_records_one_history_row(plan, editor):
    intro = node(plan, "Introduction")
    saved = node_update(node=intro, base_revision=1, data={"body": "New\r\ntext."}, user=editor, message="Clearer")
    assert saved.revision == 2
    assert saved.body == "New\ntext."
    records = list(intro.history.all())
    assert len(records) == 2
    assert (records[0].history_user, records[0].history_change_reason, records[0].body) == (
        editor,
        "Clearer",
        "New\ntext.",
    )


def test_update_with_unchanged_content_writes_nothing(plan, editor):
    intro = node(plan, "Introduction")
    same = node_update(node=intro, base_revision=1, data={"body": intro.body}, user=editor)
    assert same.revision == 1
    assert intro.history.count() == 1


def test_update_from_a_stale_revision_is_refused_and_writes_nothing(plan, editor):
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=1, data={"body": "First save."}, user=editor)
    stale = node(plan, "Introduction")
    with pytest.raises(EditConflict) as excinfo:
        node_update(node=stale, base_revision=1, data={"body": "Second save."}, user=editor)
    assert excinfo.value.current.body == "First save."
    assert excinfo.value.current.revision == 2
    assert node(plan, "Introduction").body == "First save."
    assert intro.history.count() == 2


def test_update_checks_dates_and_kind_fields(plan, editor):
    action = node(plan, "Run a mentoring scheme")
    with pytest.raises(ValidationError):
        node_update(
            node=action,
            base_revision=1,
            data={"start_date": "2027-05-01", "target_date": "2027-01-01"},
            user=editor,
        )
    with pytest.raises(ValidationError):
        node_update(node=node(plan, "Introduction"), base_revision=1, data={"unit": "%"}, user=editor)


def test_move_up_and_down_renumbers_densely(plan, editor):
    node_move(node=node(plan, "Community engagement"), direction="up", user=editor)
    assert [title for _, title in outline(plan)][:3] == ["Introduction", "Community engagement", "Welcome newcomers"]
    node_move(node=node(plan, "Introduction"), direction="down", user=editor)
    assert [n for n, t in outline(plan) if t == "Introduction"] == ["2"]
    assert positions(plan, None) == [0, 1, 2]
    with pytest.raises(NodeError, match="already the first"):
        node_move(node=node(plan, "Community engagement"), direction="up", user=editor)
    record = node(plan, "Introduction").history.first()
    assert (record.history_change_reason, record.history_user) == ("Moved", editor)


def test_move_to_another_parent_takes_the_subtree(plan, editor):
    definitions = node(plan, "Definitions")
    node_move(node=node(plan, "Community engagement"), new_parent=definitions, new_position=0, user=editor)
    assert outline(plan) == [
        ("1", "Introduction"),
        ("2", "Definitions"),
        ("2.1", "Community engagement"),
        ("2.1.1", "Welcome newcomers"),
        ("2.1.1.1", "Run a mentoring scheme"),
        ("2.2", "Diversity"),
        ("2.3", "Equity"),
    ]
    node_move(node=node(plan, "Equity"), new_parent=None, user=editor)
    assert outline(plan)[-1] == ("3", "Equity")
    assert positions(plan, definitions) == [0, 1]


def test_move_refuses_cycles_and_wrong_parents(plan, editor):
    definitions = node(plan, "Definitions")
    sub = node_create(plan=plan, parent=definitions, kind=NodeKind.NARRATIVE, data={"title": "Sub"}, user=editor)
    with pytest.raises(NodeError, match="inside itself"):
        node_move(node=definitions, new_parent=sub, user=editor)
    with pytest.raises(NodeError, match="inside itself"):
        node_move(node=definitions, new_parent=definitions, user=editor)
    with pytest.raises(NodeError, match="cannot go"):
        node_move(node=node(plan, "Welcome newcomers"), new_parent=None, user=editor)
    assert node(plan, "Definitions").parent_id is None


def test_delete_and_restore_a_subtree_as_a_whole(plan, editor):
    before = outline(plan)
    area = node(plan, "Community engagement")
    deleted = node_delete(node=area, user=editor, message="Merged elsewhere")
    assert [n.title for n in deleted] == ["Community engagement", "Welcome newcomers", "Run a mentoring scheme"]
    assert len({n.deletion_batch for n in deleted}) == 1
    assert all(n.deleted_at for n in deleted)
    assert [t for _, t in outline(plan)] == ["Introduction", "Definitions", "Diversity", "Equity"]
    goal_record = node(plan, "Welcome newcomers").history.first()
    assert goal_record.history_change_reason == "Deleted with “Community engagement”"
    assert goal_record.deleted_at is not None

    # Restoring from any node of the batch brings back the whole batch at its place.
    restored = node_restore(node=node(plan, "Run a mentoring scheme"), user=editor)
    assert len(restored) == 3
    assert outline(plan) == before
    assert node(plan, "Community engagement").history.first().history_change_reason == "Restored"


def test_restore_refuses_when_the_parent_was_deleted_later(plan, editor):
    goal = node(plan, "Welcome newcomers")
    node_delete(node=node(plan, "Run a mentoring scheme"), user=editor)
    node_delete(node=goal, user=editor)
    with pytest.raises(NodeError, match="Restore “Welcome newcomers” first"):
        node_restore(node=node(plan, "Run a mentoring scheme"), user=editor)
    node_restore(node=goal, user=editor)
    assert node(plan, "Run a mentoring scheme").deleted_at is not None  # a separate batch stays deleted
    node_restore(node=node(plan, "Run a mentoring scheme"), user=editor)
    assert node_descendants(node(plan, "Community engagement"))[-1].title == "Run a mentoring scheme"


def test_restore_puts_the_node_back_at_its_old_place(plan, editor):
    node_delete(node=node(plan, "Introduction"), user=editor)
    assert positions(plan, None) == [0, 1]
    node_restore(node=node(plan, "Introduction"), user=editor)
    assert outline(plan)[0] == ("1", "Introduction")
    assert positions(plan, None) == [0, 1, 2]


def test_revert_makes_a_new_revision_with_the_old_content(plan, editor):
    intro = node(plan, "Introduction")
    first = intro.history.get()
    intro = node_update(node=intro, base_revision=1, data={"title": "Intro", "body": "Changed."}, user=editor)
    reverted = node_revert(node=intro, history_id=first.history_id, user=editor)
    assert (reverted.title, reverted.body, reverted.revision) == ("Introduction", first.body, 3)
    latest = intro.history.first()
    assert latest.history_change_reason.startswith("Reverted to the revision of")
    assert intro.history.count() == 3
    with pytest.raises(NodeError, match="nothing to revert"):
        node_revert(node=reverted, history_id=first.history_id, user=editor)
    with pytest.raises(NodeError, match="does not belong"):
        node_revert(node=reverted, history_id=node(plan, "Definitions").history.get().history_id, user=editor)


def test_revert_from_a_stale_page_is_a_conflict(plan, editor):
    intro = node(plan, "Introduction")
    first = intro.history.get()
    intro = node_update(node=intro, base_revision=1, data={"body": "Changed."}, user=editor)
    with pytest.raises(EditConflict):
        node_revert(node=intro, history_id=first.history_id, user=editor, base_revision=1)


def test_the_database_holds_one_node_per_plan_and_add_form(plan):
    from django.db import IntegrityError, transaction

    Node.objects.create(plan=plan, title="First", position=10, submission_key="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.create(plan=plan, title="Second", position=11, submission_key="same")
    # No key is not a key: any number of nodes have none.
    assert Node.objects.filter(plan=plan, submission_key="").count() >= 2


def test_node_create_with_a_used_key_returns_the_first_node(plan, monkeypatch):
    first = node_create(
        plan=plan, parent=None, kind="narrative", data={"title": "Once"}, user=None, submission_key="k1"
    )
    again = node_create(
        plan=plan, parent=None, kind="narrative", data={"title": "Twice"}, user=None, submission_key="k1"
    )
    assert (first.already_added, again.already_added, again.pk) == (False, True, first.pk)
    assert not Node.objects.filter(plan=plan, title="Twice").exists()


def test_a_duplicate_key_that_slips_past_the_check_is_caught_by_the_database(plan, monkeypatch):
    """Were the lock not to serialise two sends, the unique constraint still refuses the second."""
    from plans.services import nodes as node_services

    first = node_create(
        plan=plan, parent=None, kind="narrative", data={"title": "Once"}, user=None, submission_key="k2"
    )
    real = node_services._added_with
    calls = []

    def blind_first_look(plan, key):
        calls.append(key)
        return None if len(calls) == 1 else real(plan, key)

    monkeypatch.setattr(node_services, "_added_with", blind_first_look)
    count = Node.objects.filter(plan=plan).count()
    again = node_create(
        plan=plan, parent=None, kind="narrative", data={"title": "Twice"}, user=None, position=0, submission_key="k2"
    )
    assert (again.pk, again.already_added, len(calls)) == (first.pk, True, 2)
    assert Node.objects.filter(plan=plan).count() == count
    # The savepoint undid the renumbering of the siblings too: the first one is still first.
    assert Node.objects.filter(plan=plan, parent=None).live().order_by("position").first().title == "Introduction"
