"""Permanent links to a section (/plans/<slug>/s/<id>/) follow it across versions, on the demo plan."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.demo import demo_load
from plans.models import Node, Visibility
from plans.permalinks import section_location
from plans.services import node_delete, node_move, plan_publish


@pytest.fixture
def demo(db):
    cache.clear()
    return demo_load(password="a-long-demo-password").plan


def permalink(plan, node_id) -> str:
    return reverse("plans:section_permalink", kwargs={"slug": plan.slug, "node_id": node_id})


def live(plan, title) -> Node:
    return Node.objects.live().get(plan=plan, title=title)


def test_a_permalink_redirects_to_the_section_in_the_latest_version(client, demo):
    diversity = live(demo, "Diversity")
    response = client.get(permalink(demo, diversity.pk))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/plans/{demo.slug}/#s-2-1"


def test_a_permalink_keeps_pointing_at_the_same_section_after_a_move(client, demo):
    diversity = live(demo, "Diversity")
    node_move(node=diversity, user=None, direction="down")  # Diversity after Equity: 2.1 is Equity now
    plan_publish(plan=demo, user=None, notes="Equity first.")

    response = client.get(permalink(demo, diversity.pk))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/plans/{demo.slug}/#s-2-2"
    page = client.get(f"/plans/{demo.slug}/").text
    assert re.search(r'id="s-2-2">\s*<span class="section-number">2.2</span>Diversity', page)
    # What a number-based anchor alone does: #s-2-1 now shows another section.
    assert re.search(r'id="s-2-1">\s*<span class="section-number">2.1</span>Equity', page)
    # The version page offers each section's permanent link.
    assert f'href="{permalink(demo, diversity.pk)}" data-copy-link' in page


def test_a_removed_section_says_so_and_links_to_the_last_version_that_had_it(client, demo):
    diversity = live(demo, "Diversity")
    node_delete(node=diversity, user=None)
    plan_publish(plan=demo, user=None, notes="Diversity removed.")

    response = client.get(permalink(demo, diversity.pk))
    assert response.status_code == HTTPStatus.GONE
    assert "This section is no longer in the plan" in response.text
    assert f'href="/plans/{demo.slug}/v/1.0/#s-2-1"' in response.text
    assert response.context["location"].version.number == "1.0"


def test_a_section_never_published_is_not_found(client, demo):
    draft_only = live(demo, "Share slides a day before each plenary session")
    assert client.get(permalink(demo, draft_only.pk)).status_code == HTTPStatus.NOT_FOUND
    assert client.get(permalink(demo, 999_999)).status_code == HTTPStatus.NOT_FOUND
    other = reverse("plans:section_permalink", kwargs={"slug": "no-such-plan", "node_id": 1})
    assert client.get(other).status_code == HTTPStatus.NOT_FOUND


def test_a_permalink_of_a_members_plan_is_hidden_from_visitors(client, demo, make_user):
    demo.visibility = Visibility.MEMBERS
    demo.save()
    url = permalink(demo, live(demo, "Diversity").pk)
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(make_user())
    assert client.get(url).status_code == HTTPStatus.FOUND


def test_an_unpublished_plan_has_no_permalinks(client, make_plan):
    plan = make_plan("draft-only")
    node = Node.objects.filter(plan=plan).first()
    assert client.get(permalink(plan, node.pk)).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("versions", [2, 8])
def test_the_lookup_costs_a_fixed_number_of_queries(client, demo, versions, django_assert_num_queries):
    diversity = live(demo, "Diversity")
    gone = live(demo, "Inclusion")
    node_delete(node=gone, user=None)
    for minor in range(1, versions):
        intro = live(demo, "Introduction")
        intro.body += f"\n\nEdit {minor}."
        intro.save()
        plan_publish(plan=demo, user=None, notes=f"Edit {minor}.")
    cache.clear()
    # Cold: the plan, its versions, the latest's snapshot; for a removed section, the others in one query.
    with django_assert_num_queries(3):
        client.get(permalink(demo, diversity.pk))
    cache.clear()
    with django_assert_num_queries(4):
        assert client.get(permalink(demo, gone.pk)).status_code == HTTPStatus.GONE
    # Warm: the plan and its versions only; no snapshot is read again.
    with django_assert_num_queries(2):
        client.get(permalink(demo, diversity.pk))
    with django_assert_num_queries(2):
        client.get(permalink(demo, gone.pk))
    with django_assert_num_queries(2):
        assert client.get(permalink(demo, 999_999)).status_code == HTTPStatus.NOT_FOUND


def test_section_location(demo):
    diversity = live(demo, "Diversity")
    found = section_location(demo, diversity.pk)
    assert (found.version.number, found.number, found.anchor, found.title, found.in_latest) == (
        "1.0",
        "2.1",
        "s-2-1",
        "Diversity",
        True,
    )
    assert section_location(demo, 999_999) is None
