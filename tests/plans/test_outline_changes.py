"""The outline's "changed since the latest version" marks agree with the unpublished-changes page."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.models import Node, NodeKind, Role
from plans.services import node_create, node_delete, node_move, node_update
from tests.conftest import add_node


@pytest.fixture
def editor_client(client, make_user, published_plan):
    client.force_login(make_user("editor@example.org", plan=published_plan, role=Role.EDITOR))
    return client


def node(plan, title: str) -> Node:
    return Node.objects.get(plan=plan, title=title, deleted_at=None)


def _walk(forest):
    for item in forest:
        yield item
        yield from _walk(item.children)


def test_outline_marks_are_the_unpublished_changes(editor_client, published_plan):
    plan = published_plan
    diversity = node(plan, "Diversity")
    node_update(node=diversity, base_revision=diversity.revision, data={"body": "Many kinds of people."}, user=None)
    node_update(node=diversity, base_revision=diversity.revision, data={"body": "All kinds of people."}, user=None)
    node_move(node=node(plan, "Equity"), direction="up", user=None)  # out of order: a move
    add_node(plan, "Scope", body="What the plan covers.")  # new, at the end
    node_move(node=node(plan, "Scope"), new_parent=None, new_position=0, user=None)  # renumbers the rest
    other = add_node(plan, "Career advancement", kind=NodeKind.AREA)
    node_move(node=node(plan, "Welcome newcomers"), new_parent=other, user=None)  # another parent
    # Deleted and written again with the same kind and title: the same section, not a new one.
    intro = node(plan, "Introduction")
    node_delete(node=intro, user=None)
    node_create(
        plan=plan,
        parent=None,
        kind=NodeKind.NARRATIVE,
        data={"title": "Introduction", "body": intro.body},
        user=None,
        position=1,
    )

    outline = editor_client.get(reverse("plans:workspace", args=[plan.slug]))
    changes = editor_client.get(reverse("plans:unpublished_changes", args=[plan.slug]))
    assert outline.status_code == changes.status_code == HTTPStatus.OK

    marks = {item.node.title: item.status for item in _walk(outline.context["forest"])}
    diff = changes.context["diff"]
    assert (
        {t for t, s in marks.items() if s == "new"} == {c.title for c in diff.added} == {"Scope", "Career advancement"}
    )
    assert {t for t, s in marks.items() if s == "changed"} == {c.title for c in diff.changed} == {"Diversity"}
    moved_only = {c.title for c in diff.moved if c.status != "changed"}
    assert {t for t, s in marks.items() if s == "moved"} == moved_only
    assert {"Equity", "Welcome newcomers"} <= moved_only
    assert marks["Introduction"] == ""  # re-created unchanged: neither page calls it new
    assert marks["Definitions"] == "renumbered"  # only its number shifted (2 -> 3)
    html = outline.content.decode()
    assert "Moved since version 1.0" in html
    assert "Renumbered since version 1.0" in html
