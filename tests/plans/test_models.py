"""The tree, its numbering and the per-item history."""

import pytest
from django.db import IntegrityError, transaction

from plans.models import Node, NodeKind, Plan, Reference
from plans.tree import plan_tree, walk
from tests.conftest import add_node


def test_numbers_come_from_position_in_the_tree(plan):
    numbered = {item.number: item.node.title for item in walk(plan_tree(plan))}
    assert numbered == {
        "1": "Introduction",
        "2": "Definitions",
        "2.1": "Diversity",
        "2.2": "Equity",
        "3": "Community engagement",
        "3.1": "Welcome newcomers",
        "3.1.1": "Run a mentoring scheme",
    }


def test_changing_the_order_renumbers(plan):
    Node.objects.filter(plan=plan, title="Equity").update(position=0)
    Node.objects.filter(plan=plan, title="Diversity").update(position=1)
    numbered = {item.node.title: item.anchor for item in walk(plan_tree(plan))}
    assert numbered["Equity"] == "s-2-1"
    assert numbered["Diversity"] == "s-2-2"


def test_every_change_is_recorded_with_its_author(plan, make_user):
    editor = make_user(plan=plan, role="editor")
    node = Node.objects.get(plan=plan, title="Introduction")
    node._history_user = editor
    node.body = "A better introduction."
    node.save()
    latest = node.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == editor
    assert latest.body == "A better introduction."
    node_id = node.pk
    node._history_user = editor
    node.delete()
    assert Node.history.filter(id=node_id, history_type="-", history_user=editor).exists()


def test_a_save_that_changes_nothing_leaves_no_record(plan):
    node = Node.objects.get(plan=plan, title="Introduction")
    before = node.history.count()
    node.save()
    Node.objects.get(pk=node.pk).save()
    assert node.history.count() == before
    node.title = "Introduction (revised)"
    node.save()
    assert node.history.count() == before + 1
    reference = Reference.objects.get(plan=plan)
    count = reference.history.count()
    reference.save()
    assert reference.history.count() == count


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": NodeKind.NARRATIVE, "owner": "Someone"},
        {"kind": NodeKind.ACTION, "status": ""},
        {"kind": NodeKind.GOAL, "unit": "%"},
        {"kind": NodeKind.DEFINITION, "target_date": "2030-01-01"},
        {"kind": NodeKind.ACTION, "status": "planned", "start_date": "2030-01-02", "target_date": "2030-01-01"},
    ],
)
def test_kind_rules_are_enforced_by_the_database(db, fields):
    plan = Plan.objects.create(slug="rules", title="Rules")
    with pytest.raises(IntegrityError), transaction.atomic():
        Node.objects.create(plan=plan, title="Bad", **fields)


def test_reference_labels_are_unique_per_plan(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reference.objects.create(plan=plan, label="1", text="Duplicate")


def test_readable_by(make_plan, make_user):
    public = make_plan("a")
    members = make_plan("b", visibility="members")
    from django.contrib.auth.models import AnonymousUser

    assert list(Plan.objects.readable_by(AnonymousUser())) == [public]
    assert set(Plan.objects.readable_by(make_user())) == {public, members}


def test_add_node_helper_appends(plan):
    node = add_node(plan, "Last")
    assert [i.number for i in walk(plan_tree(plan)) if i.node == node] == ["4"]
