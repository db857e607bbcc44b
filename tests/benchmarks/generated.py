"""The generated plan the benchmarks measure: areas, goals and as many actions as it takes to
reach `sections` (plus any extra sections a benchmark adds first). One builder for every
benchmark, so their figures describe the same kind of plan.

It imports the models when called, so a script that sets Django up its own way can use it.
"""

from __future__ import annotations

from collections.abc import Callable


def generated_plan(
    slug: str,
    *,
    sections: int,
    title: str = "Benchmark plan",
    body: Callable[[int], str] | str = "",
    area_body: Callable[[int], str] | str = "",
    goal_body: Callable[[int], str] | str = "",
    action_title: Callable[[int], str] = "Action {}".format,
    before_actions: Callable[[object, list, list], int] | None = None,
):
    """A plan of `sections` sections: 4 areas, 16 goals, then actions under the goals.

    `body` / `area_body` / `goal_body`: the actions', areas' and goals' text (a string, or a function of the index).
    `before_actions(plan, areas, goals)` may add sections of its own and returns how many,
    so that the total stays `sections`.
    """
    from plans.models import ActionStatus, Node, NodeKind, Plan

    def text(value, index: int) -> str:
        return value(index) if callable(value) else value

    plan = Plan.objects.create(slug=slug, title=title)
    areas = [
        Node.objects.create(plan=plan, position=i, kind=NodeKind.AREA, title=f"Area {i}", body=text(area_body, i))
        for i in range(4)
    ]
    goals = [
        Node.objects.create(
            plan=plan, parent=areas[i % 4], position=i, kind=NodeKind.GOAL, title=f"Goal {i}", body=text(goal_body, i)
        )
        for i in range(16)
    ]
    extra = before_actions(plan, areas, goals) if before_actions else 0
    Node.objects.bulk_create(
        Node(
            plan=plan,
            parent=goals[i % 16],
            position=i,
            kind=NodeKind.ACTION,
            title=action_title(i),
            body=text(body, i),
            status=ActionStatus.PLANNED,
            owner="A subcommittee",
        )
        for i in range(sections - len(areas) - len(goals) - extra)
    )
    return plan
