"""Stored XSS: every text field of a plan holds a payload; no page the portal serves contains
anything executable that the portal did not write itself. (The browser test loads the same
pages in Chromium and counts executions.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from plans.models import Node, NodeKind, Role
from tests.security.attack import PAYLOADS, build_hostile_plan, executable_parts


@pytest.fixture
def hostile(db, make_user):
    editor = make_user("xss-editor@example.org")
    plan, injections = build_hostile_plan(user=editor)
    from plans.models import PlanRole

    PlanRole.objects.create(plan=plan, user=editor, role=Role.PUBLISHER)
    return plan, editor, injections


def _pages(plan) -> list[str]:
    slug = {"slug": plan.slug}
    node = Node.objects.filter(plan=plan, kind=NodeKind.ACTION).first()
    indicator = Node.objects.filter(plan=plan, kind=NodeKind.INDICATOR).first()
    pages = [
        "/",
        reverse("plans:plan_detail", kwargs=slug),
        reverse("plans:version_detail", kwargs={**slug, "number": "1.0"}),
        reverse("plans:version_list", kwargs=slug),
        reverse("plans:version_markdown", kwargs={**slug, "number": "1.0"}),
        reverse("tracking:actions", kwargs=slug),
        reverse("tracking:indicators", kwargs=slug),
        reverse("tracking:report_list", kwargs=slug),
        reverse("plans:workspace", kwargs=slug),
        reverse("plans:unpublished_changes", kwargs=slug),
        reverse("plans:recent_changes", kwargs=slug),
        reverse("plans:workspace_references", kwargs=slug),
        reverse("plans:workspace_publish", kwargs=slug),
        reverse("plans:node_edit", kwargs={**slug, "node_id": node.pk}),
        reverse("plans:node_history", kwargs={**slug, "node_id": node.pk}),
        reverse("tracking:progress_list", kwargs=slug),
        reverse("tracking:measurement_list", kwargs=slug),
        reverse("tracking:measurement_record", kwargs={**slug, "node_id": indicator.pk}),
    ]
    return pages


def test_no_page_contains_anything_executable(client, hostile):
    plan, editor, injections = hostile
    assert injections >= 500
    client.force_login(editor)
    problems = []
    for url in _pages(plan):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            problems += [f"{url}: {part}" for part in executable_parts(response.content.decode())]
    assert not problems, "\n".join(problems[:40])


def test_the_checker_finds_what_it_looks_for():
    # The checker itself can fail: raw payloads are full of executable parts.
    assert len(executable_parts("".join(PAYLOADS))) >= 15
    assert executable_parts('<script src="/static/js/toc.js"></script><a href="/x">x</a>') == []
