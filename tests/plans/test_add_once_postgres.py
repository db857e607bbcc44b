"""The "Add" form sent many times at once adds one section: proven with real concurrent requests."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from plans.models import Node, Role
from plans.services import node_create
from tests.concurrency import postgres_only, run_at_once

pytestmark = postgres_only

SENDS = 8


@pytest.fixture
def editor(make_user, plan):
    return make_user("ann@example.org", plan=plan, role=Role.EDITOR)


def test_the_same_add_form_posted_eight_times_at_once_adds_one_section(plan, editor):
    url = f"/plans/{plan.slug}/edit/add/?kind=narrative"
    first = Client()
    first.force_login(editor)
    page = first.get(url).content.decode()
    token = page.split('name="submission" value="', 1)[1].split('"', 1)[0]
    data = {"title": "Added once", "body": "Sent eight times.", "message": "", "submission": token}
    # Separate clients, so no session (and no check outside the database) can serialise them.
    clients = [first]
    for _ in range(SENDS - 1):
        other = Client()
        other.force_login(editor)
        clients.append(other)

    results = run_at_once(*[lambda c=c: c.post(url, data, follow=True) for c in clients])

    assert all(not isinstance(r, Exception) for r in results), results
    assert [r.status_code for r in results] == [HTTPStatus.OK] * SENDS
    pages = [r.content.decode() for r in results]
    assert sum("Added “Added once”." in p for p in pages) == 1
    assert sum("was already added" in p for p in pages) == SENDS - 1
    assert Node.objects.filter(plan=plan, title="Added once").count() == 1
    node = Node.objects.get(plan=plan, title="Added once")
    assert node.history.count() == 1
    top_level = list(Node.objects.filter(plan=plan, parent=None).live().values_list("position", flat=True))
    assert sorted(top_level) == list(range(len(top_level)))  # numbered densely, no gap left behind


def test_node_create_called_eight_times_at_once_with_one_key_returns_one_node(plan, editor):
    def add():
        return node_create(
            plan=plan, parent=None, kind="narrative", data={"title": "Once"}, user=editor, submission_key="k" * 32
        )

    results = run_at_once(*[add for _ in range(SENDS)])

    assert all(isinstance(r, Node) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert sorted(r.already_added for r in results) == [False] + [True] * (SENDS - 1)
    assert Node.objects.filter(plan=plan, title="Once").count() == 1
