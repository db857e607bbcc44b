"""Fixtures for tracking: a published plan with actions and indicators in two areas."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from plans.models import ActionStatus, Direction, NodeKind, Plan
from plans.services import plan_publish
from tests.conftest import add_node, node


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def build_tracked_plan(plan: Plan) -> Plan:
    """Add to the small test plan: an overdue action, an indicator, and a second area."""
    area = node(plan, "Community engagement")
    goal = node(plan, "Welcome newcomers")
    add_node(
        plan,
        "Hold a welcome day",
        parent=goal,
        kind=NodeKind.ACTION,
        owner="Outreach team",
        status=ActionStatus.PLANNED,
        start_date=dt.date(2019, 1, 1),
        target_date=dt.date(2020, 1, 1),
    )
    add_node(
        plan,
        "Share of women among postdocs",
        parent=area,
        kind=NodeKind.INDICATOR,
        unit="%",
        direction=Direction.INCREASE,
        data_source="HR records",
        baseline_value=Decimal("20"),
        baseline_date=dt.date(2020, 1, 1),
        target_value=Decimal("30"),
        target_date=dt.date(2030, 12, 31),
    )
    careers = add_node(plan, "Career advancement", kind=NodeKind.AREA)
    fair = add_node(plan, "Fair promotion", parent=careers, kind=NodeKind.GOAL)
    add_node(
        plan,
        "Publish promotion criteria",
        parent=fair,
        kind=NodeKind.ACTION,
        owner="Management board",
        status=ActionStatus.DONE,
        target_date=dt.date(2021, 6, 30),
    )
    add_node(
        plan,
        "Postdocs mentored",
        parent=fair,
        kind=NodeKind.INDICATOR,
        unit="people",
        direction=Direction.INCREASE,
        target_value=Decimal("40"),
    )
    return plan


@pytest.fixture
def make_tracked_plan(make_plan):
    def make(slug: str = "tracked", *, publish: bool = True, **kwargs) -> Plan:
        plan = build_tracked_plan(make_plan(slug, **kwargs))
        if publish:
            plan_publish(plan=plan, user=None, notes="First version.")
        return plan

    return make


@pytest.fixture
def tracked_plan(make_tracked_plan) -> Plan:
    return make_tracked_plan()


@pytest.fixture
def editor(make_user, tracked_plan):
    return make_user("editor@example.org", plan=tracked_plan, role="editor")
