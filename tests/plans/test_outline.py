"""The workspace outline at scale: one menu per section, subtrees folded and loaded on demand."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.models import Node, NodeKind, Plan
from plans.tree import build_tree, walk
from plans.views.workspace.nodes import OUTLINE_BUDGET, fold_outline, outline_url
from tests.conftest import node
from tests.plans.outline_plans import bulk_plan

BIG = 5_000


@pytest.fixture
def big_plan(plan) -> Plan:
    """The small test plan with 5,000 more sections: 20 areas, 200 goals, 4,780 actions."""
    bulk_plan(plan, BIG)
    return plan


def outline(client, plan, **query):
    return client.get(reverse("plans:workspace", kwargs={"slug": plan.slug}), query)


def shown_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li id="node-(\d+)"', response.content.decode())]


def test_fold_shows_whole_levels_while_within_the_budget():
    nodes = [Node(id=i, parent_id=None, position=i) for i in range(1, 4)]
    nodes += [Node(id=10 + i, parent_id=1 + i % 3, position=i) for i in range(9)]  # 3 under each
    nodes += [Node(id=100 + i, parent_id=10, position=i) for i in range(5)]  # 5 under the first child
    forest = build_tree(nodes)

    fold_outline(forest, budget=12)  # 3 top + 9 children fit; the next 5 do not

    assert [item.folded for item in forest] == [False, False, False]
    first_child = forest[0].children[0]
    assert (first_child.node.pk, first_child.folded, first_child.size) == (10, True, 5)
    assert forest[0].size == 3 + 5


def test_an_opened_section_and_everything_above_it_unfold_whatever_the_budget():
    nodes = [Node(id=1, parent_id=None, position=0), Node(id=2, parent_id=1, position=0)]
    nodes += [Node(id=3, parent_id=2, position=0), Node(id=4, parent_id=3, position=0)]
    forest = build_tree(nodes)

    fold_outline(forest, budget=1, opened={3})

    assert [(item.node.pk, item.folded) for item in walk(forest)] == [(1, False), (2, False), (3, False), (4, False)]
    fold_outline(forest, budget=1)
    assert forest[0].folded


def test_a_small_plan_is_shown_whole_each_section_with_one_actions_menu(editor_client, plan):
    response = outline(editor_client, plan)
    html = response.content.decode()
    assert len(shown_ids(response)) == Node.objects.filter(plan=plan).count() == 7
    assert "Show the" not in html
    assert html.count('<details class="outline-menu">') == 7
    assert 'Actions<span class="visually-hidden"> for 2.1 Diversity</span>' in html
    # Every action sits in a menu: nothing else to tab through between two sections' titles.
    outside_menus = re.sub(r"<details.*?</details>", "", html, flags=re.DOTALL)
    assert "Move up" not in outside_menus
    assert "/delete/" not in outside_menus


def test_the_outline_of_5000_sections_is_a_light_page_with_folded_subtrees(editor_client, big_plan):
    response = outline(editor_client, big_plan)
    assert response.status_code == HTTPStatus.OK
    assert len(response.content) < 400_000
    shown = shown_ids(response)
    assert len(shown) <= OUTLINE_BUDGET + 3
    assert f"{BIG + 7} sections." in response.content.decode()
    goal = Node.objects.get(plan=big_plan, title="Goal 1")  # 4.1 (after the small plan's three)
    assert goal.pk in shown
    assert "Show the 24 sections under 4.1" in response.content.decode()  # 4,780 actions over 200 goals: 23 or 24
    assert not Node.objects.filter(parent=goal, pk__in=shown).exists()


@pytest.mark.parametrize("sections", [10, BIG])
def test_outline_queries_do_not_grow_with_the_plan(editor_client, plan, django_assert_num_queries, sections):
    bulk_plan(plan, sections)
    # session, user, plan, role, nodes (one query for the whole tree), latest version,
    # the current review of the draft (none here; with one, the draft's snapshot is read as well)
    with django_assert_num_queries(7):
        response = outline(editor_client, plan)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("sections", [10, BIG])
def test_a_folded_subtree_loads_in_the_same_queries(editor_client, plan, django_assert_num_queries, sections):
    bulk_plan(plan, sections)
    area = Node.objects.get(plan=plan, title="Area 1")
    with django_assert_num_queries(6):
        response = editor_client.get(subtree_url(plan, area), headers={"HX-Request": "true"})
    assert response.status_code == HTTPStatus.OK


def subtree_url(plan, item) -> str:
    return reverse("plans:outline_subtree", kwargs={"slug": plan.slug, "node_id": item.pk})


def test_the_fragment_is_the_subtree_alone_numbered_as_in_the_plan(editor_client, big_plan):
    goal = Node.objects.get(plan=big_plan, title="Goal 1")
    response = editor_client.get(subtree_url(big_plan, goal), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "<h1" not in html
    children = list(Node.objects.filter(parent=goal).order_by("position"))
    assert shown_ids(response) == [child.pk for child in children]
    assert re.search(r'class="outline-number">4\.1\.1<', html)
    assert f'name="base_state" value="{goal.pk}:0"' in html  # the move buttons work from the fragment


def test_without_htmx_the_fragment_address_opens_the_outline_there(editor_client, big_plan):
    goal = Node.objects.get(plan=big_plan, title="Goal 1")
    response = editor_client.get(subtree_url(big_plan, goal))
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.endswith(f"/edit/?open={goal.pk}#node-{goal.pk}")


def test_the_show_link_without_javascript_opens_that_subtree(editor_client, big_plan):
    goal = Node.objects.get(plan=big_plan, title="Goal 1")
    page = outline(editor_client, big_plan).content.decode()
    link = re.search(rf'<a href="([^"]+)" hx-get="{re.escape(subtree_url(big_plan, goal))}"', page).group(1)
    assert link.endswith(f"?open={goal.pk}#node-{goal.pk}")

    opened = editor_client.get(link.replace("&amp;", "&"))
    shown = shown_ids(opened)
    assert {child.pk for child in Node.objects.filter(parent=goal)} <= set(shown)
    assert len(opened.content) < 400_000
    # A second "Show" link keeps the first subtree open.
    other = Node.objects.get(plan=big_plan, title="Goal 2")
    assert f"?open={goal.pk}&amp;open={other.pk}#node-{other.pk}" in opened.content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999", ""])
def test_a_bad_open_value_is_ignored(editor_client, plan, value):
    response = outline(editor_client, plan, open=value)
    assert response.status_code == HTTPStatus.OK
    assert len(shown_ids(response)) == 7


def test_the_fragment_of_a_deleted_or_unknown_section_is_404(editor_client, plan, make_plan):
    gone = node(plan, "Equity")
    gone.deleted_at = gone.created_at
    gone.save()
    other = Node.objects.get(plan=make_plan("other-plan"), title="Definitions")
    for item in (gone, other):
        response = editor_client.get(subtree_url(plan, item), headers={"HX-Request": "true"})
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_outline_url_unfolds_the_subtree_of_its_target(editor_client, big_plan):
    goal = Node.objects.get(plan=big_plan, title="Goal 1")
    action = Node.objects.filter(parent=goal).order_by("position").last()
    assert action.pk not in shown_ids(outline(editor_client, big_plan))  # folded by default

    address = outline_url(big_plan, action)
    assert address.endswith(f"?open={goal.pk}#node-{action.pk}")
    assert action.pk in shown_ids(editor_client.get(address))
    top = Node.objects.get(plan=big_plan, title="Area 1")
    assert outline_url(big_plan, top).endswith(f"/edit/#node-{top.pk}")


def test_after_adding_deep_in_a_big_plan_the_redirect_lands_on_the_new_section(editor_client, big_plan):
    goal = Node.objects.get(plan=big_plan, title="Goal 7")
    address = reverse("plans:node_add", kwargs={"slug": big_plan.slug}) + f"?parent={goal.pk}&kind=action"
    response = editor_client.post(address, {"title": "Count who applies", "body": "", "status": "planned"})
    assert response.status_code == HTTPStatus.FOUND, response.context["form"].errors
    created = Node.objects.get(plan=big_plan, title="Count who applies")
    assert (created.parent, created.kind) == (goal, NodeKind.ACTION)
    landed = editor_client.get(response.url)
    assert created.pk in shown_ids(landed)


def test_moving_down_from_the_menu_lands_on_the_section_moved(editor_client, big_plan):
    goal = Node.objects.get(plan=big_plan, title="Goal 1")
    first = Node.objects.filter(parent=goal).order_by("position").first()
    move = reverse("plans:node_move", kwargs={"slug": big_plan.slug, "node_id": first.pk})
    response = editor_client.post(move, {"direction": "down", "base_state": f"{goal.pk}:0"})
    assert response.status_code == HTTPStatus.FOUND
    first.refresh_from_db()
    assert first.position == 1
    assert first.pk in shown_ids(editor_client.get(response.url))
