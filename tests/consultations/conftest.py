"""A published plan with a committee, a collaborator and an open consultation on its draft."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import timezone

from consultations.models import Consultation
from consultations.services import consultation_open
from plans.models import Plan, Role, Visibility
from plans.services import plan_publish
from plans.services.edits import node_update
from tests.conftest import node


@dataclass
class People:
    editor: object
    publisher: object
    collaborator: object
    other: object
    admin: object
    other_editor: object


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # the rate limit and the banner stamp live there
    yield
    cache.clear()


@pytest.fixture
def people(make_user, make_plan) -> People:
    other_plan = make_plan("another-plan", title="Another plan")
    return People(
        editor=None,
        publisher=None,
        collaborator=make_user("collab@example.org", name="Carla Collaborator"),
        other=make_user("second@example.org", name="Sam Second"),
        admin=make_user("admin@example.org", name="Ada Admin", is_staff=True, is_superuser=True),
        other_editor=make_user("elsewhere@example.org", name="Olga Other", plan=other_plan, role=Role.EDITOR),
    )


def _committee(people: People, make_user, plan: Plan) -> People:
    people.editor = make_user(f"editor-{plan.slug}@example.org", name="Edna Editor", plan=plan, role=Role.EDITOR)
    people.publisher = make_user(f"chair-{plan.slug}@example.org", name="Pat Publisher", plan=plan, role=Role.PUBLISHER)
    return people


def open_on(plan: Plan, publisher, **extra) -> Consultation:
    return consultation_open(
        plan=plan,
        user=publisher,
        label="2.0 draft for consultation",
        closes_at=timezone.now() + dt.timedelta(days=14),
        **extra,
    )


@pytest.fixture(params=[Visibility.PUBLIC, Visibility.MEMBERS])
def setting(request, make_plan, make_user, people):
    """(plan, people, consultation) on a public and on a members-only plan."""
    plan = make_plan(f"c-{request.param}", visibility=request.param, title=f"Plan {request.param}")
    plan_publish(plan=plan, user=None, notes="First.")
    _committee(people, make_user, plan)
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=intro.revision, data={"body": "Why this plan exists, revised."}, user=None)
    return plan, people, open_on(plan, people.publisher)


@pytest.fixture
def public_setting(make_plan, make_user, people):
    plan = make_plan("c-open", title="Open plan")
    plan_publish(plan=plan, user=None, notes="First.")
    _committee(people, make_user, plan)
    return plan, people, open_on(plan, people.publisher)
