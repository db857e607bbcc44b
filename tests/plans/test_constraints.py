"""Every check constraint speaks plain words, on the field it concerns; no constraint name reaches a person."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from plans.constraints import CONSTRAINT_FIELDS
from plans.models import ActionStatus, Node, NodeKind, PlanVersion, Role
from tests.conftest import node
from tracking.models import Measurement, ProgressUpdate

APPS = ("plans", "tracking", "accounts")


def _check_constraints():
    for app in APPS:
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                if isinstance(constraint, models.CheckConstraint):
                    yield model, constraint


def _cases():
    for model, constraint in _check_constraints():
        yield pytest.param(model, constraint, id=constraint.name)


@pytest.mark.parametrize(("model", "constraint"), list(_cases()))
def test_every_check_constraint_has_a_sentence_of_its_own(model, constraint):
    message = constraint.get_violation_error_message()
    assert message != constraint.default_violation_error_message % {"name": constraint.name}
    assert constraint.name not in message
    assert message.endswith(".")
    assert message[0].isupper()


def test_every_mapped_constraint_exists_and_its_field_too():
    constraints = {constraint.name: model for model, constraint in _check_constraints()}
    for name, field in CONSTRAINT_FIELDS.items():
        assert name in constraints, name
        constraints[name]._meta.get_field(field)


def _node(plan, **values):
    return Node(plan=plan, title="A section", **values)


def _measurement(plan, **values):
    values = {"period_end": dt.date(2025, 1, 1), "value": Decimal(1), **values}
    return Measurement(node=node(plan, "Introduction"), **values)


VIOLATIONS = {
    "action_fields_only_on_actions": (
        lambda plan: _node(plan, kind=NodeKind.GOAL, owner="Outreach team"),
        NON_FIELD_ERRORS,
        "Only an action can have these fields: owner, leads, status, start date",
    ),
    "action_has_status": (
        lambda plan: _node(plan, kind=NodeKind.ACTION),
        "status",
        "Choose the action's status.",
    ),
    "indicator_fields_only_on_indicators": (
        lambda plan: _node(plan, kind=NodeKind.NARRATIVE, unit="%"),
        NON_FIELD_ERRORS,
        "Only an indicator can have these fields: unit, direction, data source, baseline, baseline date, target",
    ),
    "target_date_only_on_actions_and_indicators": (
        lambda plan: _node(plan, kind=NodeKind.GOAL, target_date=dt.date(2026, 1, 1)),
        NON_FIELD_ERRORS,
        "Only an action or an indicator can have this field: target date.",
    ),
    "start_not_after_target": (
        lambda plan: _node(
            plan,
            kind=NodeKind.ACTION,
            status=ActionStatus.PLANNED,
            start_date=dt.date(2026, 5, 1),
            target_date=dt.date(2026, 1, 1),
        ),
        "target_date",
        "The target date cannot be before the start date.",
    ),
    "version_major_from_one": (
        lambda plan: PlanVersion(
            plan=plan, major=0, minor=1, notes="x", published_at=timezone.now(), snapshot={}, content_hash="0" * 64
        ),
        "major",
        "Version numbers start at 1.0.",
    ),
    "progress_percent_between_0_and_100": (
        lambda plan: ProgressUpdate(
            node=node(plan, "Run a mentoring scheme"), date=dt.date(2025, 1, 1), status="done", percent_complete=101
        ),
        "percent_complete",
        "Give a percentage from 0 to 100, or leave it empty.",
    ),
    "measurement_period_start_not_after_end": (
        lambda plan: _measurement(plan, period_start=dt.date(2025, 2, 1)),
        "period_start",
        "The period must start on or before its last day.",
    ),
    "measurement_denominator_positive": (
        lambda plan: _measurement(plan, denominator=0),
        "denominator",
        "The denominator cannot be zero.",
    ),
    "measurement_numerator_part_of_denominator": (
        lambda plan: _measurement(plan, numerator=5, denominator=3),
        "numerator",
        "The numerator is a part of the denominator: it cannot be larger.",
    ),
}


def test_every_plans_and_tracking_check_constraint_is_tested_below():
    names = {c.name for model, c in _check_constraints() if model._meta.app_label != "accounts"}
    assert names == set(VIOLATIONS)


@pytest.mark.parametrize("name", list(VIOLATIONS))
def test_a_violation_says_its_sentence_on_its_field(plan, name):
    make, field, sentence = VIOLATIONS[name]
    with pytest.raises(ValidationError) as error:
        make(plan).validate_constraints()  # what full_clean() runs once each field is valid on its own
    # The kinds' own rules list their fields: a sentence that begins so (a field may be added after them).
    messages = error.value.message_dict.get(field, [])
    assert any(message.startswith(sentence) for message in messages), error.value.message_dict
    assert all(name not in message for messages in error.value.message_dict.values() for message in messages)


def test_the_workspace_form_shows_the_date_rule_once_on_the_target_date(client, plan, make_user):
    client.force_login(make_user(plan=plan, role=Role.EDITOR))
    action = node(plan, "Run a mentoring scheme")
    response = client.post(
        reverse("plans:node_edit", kwargs={"slug": plan.slug, "node_id": action.pk}),
        {
            "title": action.title,
            "body": "",
            "owner": action.owner,
            "status": action.status,
            "start_date": "2026-05-01",
            "target_date": "2026-01-01",
            "base_revision": action.revision,
        },
    )
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert response.context["form"].errors == {"target_date": ["The target date cannot be before the start date."]}
    assert html.count("The target date cannot be before the start date.") == 1
    assert "Constraint" not in html
    assert "start_not_after_target" not in html
    assert 'id="id_target_date_error"' in html  # next to the field, tied to it for screen readers


def test_a_refusal_above_a_form_is_shown_once(client, plan, make_user):
    """A non-field error used to appear twice: in the page's alert and again in crispy's."""
    client.force_login(make_user(plan=plan, role=Role.EDITOR))
    definitions = node(plan, "Definitions")
    response = client.post(
        reverse("plans:node_move", kwargs={"slug": plan.slug, "node_id": definitions.pk}),
        {"parent": "top", "base_state": "12345"},  # the page showed it under another parent
    )
    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("Someone moved this section") == 1
