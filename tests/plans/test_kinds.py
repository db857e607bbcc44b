"""The one declaration of kinds (plans.kinds) is what the form, the snapshot and the differ use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import models

from plans.diff import content_fields, diff_snapshots
from plans.forms import node_form
from plans.kinds import ALL_FIELDS, ALLOWED_CHILDREN, KINDS, TOP_LEVEL, get_kind
from plans.models import Node, NodeContent, NodeKind
from plans.snapshot import plan_snapshot
from tests.conftest import add_node

# Form fields every kind's form has besides its content: the change message and hidden state.
FORM_EXTRAS = ["message", "base_revision", "submission"]
# Snapshot keys that are structure, not content.
STRUCTURE = ["id", "number", "anchor", "kind", "children"]


def _values(variant: int) -> dict:
    """A value for every content field, by its type (variant 0 and 1 differ in every field)."""
    values = {}
    for name in ALL_FIELDS:
        field = Node._meta.get_field(name)
        if field.choices:
            values[name] = field.choices[variant][0]
        elif isinstance(field, models.BooleanField):
            values[name] = not variant
        elif isinstance(field, models.DateField):
            values[name] = dt.date(2025 + variant, 1, 1) if name == "start_date" else dt.date(2027 + variant, 1, 1)
        elif isinstance(field, models.DecimalField):
            values[name] = Decimal(20 + variant)
        else:
            values[name] = f"{field.verbose_name} {variant}"
    return values


VALUES, CHANGED = _values(0), _values(1)


def _section(plan, kind: str, values: dict) -> dict:
    """The snapshot entry of a top-level section of `kind` (areas hold goals, goals actions...)."""
    parent = None
    for step in {
        NodeKind.GOAL: [NodeKind.AREA],
        NodeKind.ACTION: [NodeKind.AREA, NodeKind.GOAL],
        NodeKind.INDICATOR: [NodeKind.AREA],
    }.get(kind, []):
        parent = add_node(plan, f"Holder {step}", parent=parent, kind=step)
    node = add_node(plan, values["title"], parent=parent, kind=kind, **{n: values[n] for n in KINDS[kind].facts})
    node.body = values["body"]
    node.save()
    sections = plan_snapshot(plan)["sections"]
    while sections[-1]["id"] != node.pk:
        sections = sections[-1]["children"]
    return sections[-1]


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_form_has_exactly_the_fields_of_the_declaration(plan, kind):
    form = node_form(None, kind=kind, plan=plan)
    assert list(form.fields) == [*KINDS[kind].fields, *FORM_EXTRAS]
    assert form.fields["title"].label == KINDS[kind].title_label
    assert form.fields["body"].label == KINDS[kind].body_label
    for name in KINDS[kind].required:
        assert form.fields[name].required


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_snapshot_entry_has_exactly_the_fields_of_the_declaration(make_plan, kind):
    section = _section(make_plan(f"plan-{kind}"), kind, VALUES)
    content = [key for key in section if key not in STRUCTURE]
    assert content == list(KINDS[kind].fields)
    assert section["kind"] == kind


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_differ_compares_exactly_the_fields_of_the_declaration(make_plan, kind):
    assert set(content_fields(kind)) == {"kind", *KINDS[kind].fields}
    before = _section(make_plan(f"before-{kind}"), kind, VALUES)
    after = {**_section(make_plan(f"after-{kind}"), kind, CHANGED), "id": before["id"]}
    (change,) = diff_snapshots({"sections": [before]}, {"sections": [after]}).sections
    # Every field changed, so every field of the kind is reported, the body last.
    assert [field.name for field in change.fields] == [n for n in content_fields(kind) if n != "kind"]
    assert change.fields[-1].name == "body"


def test_a_change_of_kind_is_compared_over_both_kinds_fields(make_plan):
    action = _section(make_plan("a"), NodeKind.ACTION, VALUES)
    narrative = {**action, "kind": NodeKind.NARRATIVE}
    for name in KINDS[NodeKind.ACTION].facts:
        narrative.pop(name)
    (change,) = diff_snapshots({"sections": [action]}, {"sections": [narrative]}).sections
    names = [field.name for field in change.fields]
    assert names[0] == "kind"
    assert set(names[1:]) == {"owner", "leads", "status", "start_date", "target_date"}


def test_every_declared_field_is_a_content_field_of_the_model():
    content = {field.name for field in NodeContent._meta.get_fields()}
    assert set(ALL_FIELDS) <= content
    assert set(ALL_FIELDS) <= {field.name for field in Node._meta.get_fields()}
    assert all(kind.fields[:2] == ("title", "body") for kind in KINDS.values())


def test_children_and_the_top_level_come_from_the_declaration():
    assert ALLOWED_CHILDREN[None] == TOP_LEVEL
    assert ALLOWED_CHILDREN[NodeKind.GOAL] == {NodeKind.ACTION, NodeKind.INDICATOR}
    assert not get_kind(NodeKind.DEFINITION).can_hold_children
    assert set(KINDS) == set(NodeKind.values)
    assert all(child in KINDS for kind in KINDS.values() for child in kind.children)


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (NodeKind.ACTION, "an action"),
        (NodeKind.AREA, "an evaluation area"),
        (NodeKind.INDICATOR, "an indicator"),
        (NodeKind.DEFINITION, "a definition"),
        (NodeKind.GOAL, "a goal"),
        (NodeKind.NARRATIVE, "a narrative section"),
    ],
)
def test_a_kind_is_named_with_its_article(kind, words):
    assert get_kind(kind).with_article == words


def test_labels_come_from_the_kind_then_the_model_field():
    definition, indicator = get_kind(NodeKind.DEFINITION), get_kind(NodeKind.INDICATOR)
    assert (definition.field_label("title"), definition.field_label("body")) == ("Term", "Definition")
    assert indicator.field_label("baseline_value") == Node._meta.get_field("baseline_value").verbose_name.capitalize()
    assert indicator.field_label("target_date") == "Target date"
    assert indicator.field_help("unit") == Node._meta.get_field("unit").help_text


def test_the_kind_constraints_are_generated_from_the_declaration():
    names = {constraint.name for constraint in Node._meta.constraints}
    # One per group of fields that only some kinds have, one per required field, plus the date rule
    # (and the one unique rule: one node per "Add" form sent).
    assert names - {"one_node_per_add_form_submission"} == {
        "action_fields_only_on_actions",
        "indicator_fields_only_on_indicators",
        "target_date_only_on_actions_and_indicators",
        "action_has_status",
        "start_not_after_target",
    }
