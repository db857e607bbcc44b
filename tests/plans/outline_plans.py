"""Large plans for the outline's scale tests and benchmark, written with bulk_create (fast)."""

from __future__ import annotations

from plans.models import ActionStatus, Node, NodeKind, Plan

BODY = "What this section commits the committee to, who leads it and how progress is measured, citing [1]."


def bulk_plan(plan: Plan, sections: int, *, areas: int = 20, goals_per_area: int = 10) -> list[Node]:
    """Add `sections` sections to `plan`: areas (at the end of the top level), goals under them,
    and actions under the goals.

    With fewer sections than areas and goals, only the first levels are made. Returns every node
    made, in the order written (areas, goals, actions).
    """
    areas = min(areas, sections)
    goals = min(areas * goals_per_area, sections - areas)
    actions = sections - areas - goals
    after = Node.objects.filter(plan=plan, parent=None).count()  # areas go after the plan's own sections
    made = Node.objects.bulk_create(
        Node(plan=plan, position=after + i, kind=NodeKind.AREA, title=f"Area {i + 1}", body=BODY) for i in range(areas)
    )
    goal_nodes = Node.objects.bulk_create(
        Node(plan=plan, parent=made[i % areas], position=i // areas, kind=NodeKind.GOAL, title=f"Goal {i + 1}")
        for i in range(goals)
    )
    action_nodes = Node.objects.bulk_create(
        Node(
            plan=plan,
            parent=goal_nodes[i % goals],
            position=i // goals,
            kind=NodeKind.ACTION,
            title=f"Action {i + 1}",
            body=BODY,
            status=ActionStatus.PLANNED,
            owner="A subcommittee",
        )
        for i in range(actions)
    )
    return [*made, *goal_nodes, *action_nodes]
