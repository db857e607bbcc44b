"""Shared fixtures: accounts of every role and small plans to work on."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache

from plans.caching.connection import forget as page_cache_forget
from plans.models import ActionStatus, Node, NodeKind, Plan, PlanRole, Reference, Visibility
from plans.services import plan_publish

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: ids repeat between tests, and a page one test
    cached must not be served in another."""
    cache.clear()
    page_cache_forget()


@pytest.fixture
def make_user(db) -> Callable[..., object]:
    """Create a user with a name and a verified email, optionally with a role on a plan.

    Set up directly, without the account services, so that tests start with an empty audit log.
    """

    def make(
        email: str | None = None, *, name: str | None = None, plan: Plan | None = None, role: str | None = None, **extra
    ):
        number = next(_counter)
        email = email or f"person{number}@example.org"
        user = get_user_model().objects.create_user(
            email=email,
            name=name if name is not None else f"Person {number}",
            password=extra.pop("password", "a-long-test-password"),
            **extra,
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        if plan is not None and role is not None:
            PlanRole.objects.create(plan=plan, user=user, role=role)
        return user

    return make


def add_node(plan: Plan, title: str, *, parent: Node | None = None, kind: str = NodeKind.NARRATIVE, **fields) -> Node:
    """Append a node as the last child of `parent` (or at the top level)."""
    position = Node.objects.filter(plan=plan, parent=parent).count()
    if kind == NodeKind.ACTION:
        fields.setdefault("status", ActionStatus.PLANNED)
    return Node.objects.create(plan=plan, parent=parent, position=position, kind=kind, title=title, **fields)


def node(plan: Plan, title: str) -> Node:
    """The plan's node with this title."""
    return Node.objects.get(plan=plan, title=title)


@pytest.fixture
def make_plan(db) -> Callable[..., Plan]:
    """Create a small plan: an introduction citing [1], definitions, an area with a goal and an action."""

    def make(slug: str = "test-plan", *, visibility: str = Visibility.PUBLIC, title: str = "Test plan") -> Plan:
        plan = Plan.objects.create(slug=slug, title=title, visibility=visibility, description="A plan for tests.")
        add_node(plan, "Introduction", body="Why this plan exists, as agreed in [1].")
        definitions = add_node(plan, "Definitions", body="The words we use.")
        add_node(plan, "Diversity", parent=definitions, kind=NodeKind.DEFINITION, body="Many kinds of people.")
        add_node(plan, "Equity", parent=definitions, kind=NodeKind.DEFINITION, body="Fair access for all.")
        area = add_node(plan, "Community engagement", kind=NodeKind.AREA, body="How we reach out.")
        goal = add_node(plan, "Welcome newcomers", parent=area, kind=NodeKind.GOAL, body="Newcomers stay longer.")
        add_node(
            plan,
            "Run a mentoring scheme",
            parent=goal,
            kind=NodeKind.ACTION,
            owner="Mentoring subcommittee",
            status=ActionStatus.IN_PROGRESS,
        )
        Reference.objects.create(plan=plan, label="1", text="Code of Conduct", url="https://example.org/coc")
        return plan

    return make


@pytest.fixture
def plan(make_plan) -> Plan:
    return make_plan()


@pytest.fixture
def published_plan(plan) -> Plan:
    """The small plan, published once as version 1.0."""
    plan_publish(plan=plan, user=None, notes="First version.")
    return plan
