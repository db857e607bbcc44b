"""Benchmark: the workspace outline of a 5,000-section plan, and a folded subtree loaded on demand.

Prints time (median of 5) and size; asserts nothing (tests/plans/test_outline.py pins the queries).
Runs on a throw-away test
database (SQLite in memory, or test_<name> on the server DATABASE_URL points at):

    .venv/bin/python tests/benchmarks/bench_outline.py
"""

from __future__ import annotations

from django.test import Client
from harness import benchmark_database, median_time  # sets Django up; import first

from accounts.models import User
from accounts.services import role_grant
from plans.models import Node, Plan, Role
from plans.services import node_update, plan_publish
from tests.plans.outline_plans import bulk_plan

SECTIONS = 5_000


def measure(client: Client, label: str, url: str, **headers: str) -> None:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    seconds = median_time(lambda: client.get(url, headers=headers))
    print(f"  {label:<52} {seconds * 1000:7.0f} ms  {len(response.content) / 1000:7.1f} KB")


def main() -> None:
    with benchmark_database():
        plan = Plan.objects.create(slug="bench", title="Benchmark plan")
        nodes = bulk_plan(plan, SECTIONS)
        editor = User.objects.create_user(email="editor@example.org", password="a-long-bench-password", name="E")
        role_grant(plan=plan, user=editor, role=Role.EDITOR, actor=None)
        client = Client()
        client.force_login(editor)
        outline = f"/plans/{plan.slug}/edit/"
        goal = Node.objects.get(plan=plan, title="Goal 1")
        subtree = f"/plans/{plan.slug}/edit/outline/{goal.pk}/"
        print(f"Outline of {SECTIONS} sections:")
        measure(client, "never published", outline)
        plan_publish(plan=plan, user=None, notes="Benchmark.")
        for item in nodes[-50:]:
            node_update(node=item, base_revision=item.revision, data={"title": item.title + " (edited)"}, user=None)
        measure(client, "published, 50 sections edited since", outline)
        measure(client, f"with ?open={goal.pk} (without JavaScript)", f"{outline}?open={goal.pk}")
        measure(client, "one folded subtree (htmx fragment)", subtree, HX_Request="true")


if __name__ == "__main__":
    main()
