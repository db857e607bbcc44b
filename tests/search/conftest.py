"""A plan whose words are known, published as 1.0 and 1.1, and a members-only plan."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from plans.models import NodeKind, Visibility
from plans.services import node_delete, plan_publish
from tests.conftest import add_node, node


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def searchable_plan(make_plan):
    """The small test plan plus sections with known words: 1.0 has "Childcare at meetings",
    1.1 replaces it with "Parental leave". The draft then gains an unpublished section."""
    plan = make_plan("searchable", title="Searchable plan")
    add_node(
        plan,
        "Mentoring programme",
        body="Senior researchers mentor *early-career members*. Mentors meet monthly.",
    )
    add_node(plan, "Decision-making", body="The board takes decisions openly; its minutes are published.")
    add_node(plan, "Childcare at meetings", body="Childcare is offered at every collaboration meeting.")
    add_node(
        plan,
        "Remote participation",
        body="Online participation for members who cannot travel, and mentoring online too.",
    )
    add_node(plan, "Safe words", body="Raw <script>alert('boo')</script> markup is only text; so is a & b.")
    plan_publish(plan=plan, notes="First version.")
    node_delete(node=node(plan, "Childcare at meetings"), user=None)
    add_node(plan, "Parental leave", body="Parents may pause their service work for a year.")
    plan_publish(plan=plan, notes="Childcare moved into parental leave.")
    add_node(plan, "Zeppelin travel", body="An unpublished zeppelin idea.")
    return plan


@pytest.fixture
def members_plan(make_plan):
    plan = make_plan("members-plan", visibility=Visibility.MEMBERS, title="Members plan")
    add_node(plan, "Quokka council", kind=NodeKind.NARRATIVE, body="Only members read about the quokka council.")
    plan_publish(plan=plan, notes="First version.")
    return plan


@pytest.fixture
def unpublished_plan(make_plan):
    plan = make_plan("unpublished", title="Unpublished plan")
    add_node(plan, "Quokka draft", body="A quokka draft nobody has published.")
    return plan
