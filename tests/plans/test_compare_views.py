"""The compare page (two published versions) and "unpublished changes" (draft vs latest), for every role."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.urls import reverse

from plans.models import Node, NodeKind, PlanRole, Visibility
from plans.services import plan_publish
from tests.conftest import add_node

ROLES = [None, "collaborator", "editor", "publisher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def _sign_in(client, make_user, plan, role):
    if role is None:
        return None
    user = make_user(plan=plan, role=None if role == "collaborator" else role)
    client.force_login(user)
    return user


def _second_version(plan):
    """Edit the draft (reword, add, move, delete) and publish it as 1.1."""
    diversity = Node.objects.get(plan=plan, title="Diversity")
    diversity.body = "Many different kinds of people."
    diversity.save()
    equity = Node.objects.get(plan=plan, title="Equity")
    area = Node.objects.get(plan=plan, title="Community engagement")
    equity.parent = area
    equity.position = 5
    equity.save()
    add_node(plan, "Governance", body="Who decides <and> how.")
    Node.objects.filter(plan=plan, title="Run a mentoring scheme").delete()
    plan_publish(plan=plan, notes="Second version.")


@pytest.fixture
def two_versions(published_plan):
    _second_version(published_plan)
    return published_plan


@pytest.fixture
def members_plan(make_plan):
    plan = make_plan("members-plan", visibility=Visibility.MEMBERS, title="Members plan")
    plan_publish(plan=plan, notes="First version.")
    _second_version(plan)
    return plan


def compare_url(plan, old="1.0", new="1.1"):
    return reverse("plans:compare", kwargs={"slug": plan.slug, "from_number": old, "to_number": new})


# --- compare: access ---------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_compare_public_plan_is_readable_by_everyone(client, two_versions, make_user, role):
    _sign_in(client, make_user, two_versions, role)
    response = client.get(compare_url(two_versions))
    assert response.status_code == HTTPStatus.OK
    assert "What changed in Test plan from version 1.0 to version 1.1" in response.content.decode()


def test_compare_members_plan_is_hidden_from_visitors(client, members_plan):
    response = client.get(compare_url(members_plan))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"Members plan" not in response.content


@pytest.mark.parametrize("role", ROLES[1:])
def test_compare_members_plan_is_readable_when_signed_in(client, members_plan, make_user, role):
    _sign_in(client, make_user, members_plan, role)
    response = client.get(compare_url(members_plan))
    assert response.status_code == HTTPStatus.OK
    assert response["Cache-Control"].count("private") == 1


@pytest.mark.parametrize(("old", "new"), [("1.0", "1.9"), ("2.0", "1.1"), ("9.9", "9.8")])
def test_compare_missing_version_is_404(client, two_versions, old, new):
    assert client.get(compare_url(two_versions, old, new)).status_code == HTTPStatus.NOT_FOUND


def test_compare_missing_plan_is_404(client, db):
    response = client.get(reverse("plans:compare", kwargs={"slug": "nope", "from_number": "1.0", "to_number": "1.1"}))
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_compare_refuses_writes(client, two_versions):
    assert client.post(compare_url(two_versions)).status_code == HTTPStatus.METHOD_NOT_ALLOWED


# --- compare: content ------------------------------------------------------


def test_compare_shows_the_structured_diff(client, two_versions):
    page = client.get(compare_url(two_versions)).content.decode()
    assert "Many <ins>" in page
    assert "different </ins>kinds" in page
    assert '<span class="visually-hidden">inserted: </span>' in page
    assert "Moved from 2.2 to 3.2" in page
    assert "Added</span>" in page
    assert "Governance" in page
    assert "Removed</span>" in page
    assert "Run a mentoring scheme" in page
    assert "Changed</span>" in page
    # Links into both versions by stable anchor.
    assert f'href="/plans/{two_versions.slug}/v/1.1/#s-2-1"' in page
    assert f'href="/plans/{two_versions.slug}/v/1.0/#s-3-1-1"' in page


def test_compare_escapes_text_from_the_plan(client, two_versions):
    add_node(two_versions, "<script>alert(1)</script>", body="<img src=x onerror=alert(1)>")
    plan_publish(plan=two_versions, notes="Third.")
    page = client.get(compare_url(two_versions, "1.1", "1.2")).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_compare_backwards_is_shown_and_labelled(client, two_versions):
    page = client.get(compare_url(two_versions, "1.1", "1.0")).content.decode()
    assert "Version 1.1 is newer than version 1.0" in page
    assert compare_url(two_versions, "1.0", "1.1") in page
    assert "Added</span>" in page
    assert "Run a mentoring scheme" in page


def test_compare_a_version_with_itself(client, two_versions):
    page = client.get(compare_url(two_versions, "1.1", "1.1")).content.decode()
    assert "comparing version 1.1 with itself" in page
    assert "No differences" in page


def test_compare_offers_a_form_to_pick_other_versions(client, two_versions):
    page = client.get(compare_url(two_versions)).content.decode()
    assert f'action="/plans/{two_versions.slug}/compare/"' in page
    assert '<label for="compare-from"' in page
    assert '<label for="compare-to"' in page


def test_compare_is_cacheable_and_answers_304(client, two_versions):
    response = client.get(compare_url(two_versions))
    assert "public" in response["Cache-Control"]
    assert "max-age=" in response["Cache-Control"]
    again = client.get(compare_url(two_versions), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_compare_diff_is_rendered_once_and_cached(client, two_versions, django_assert_num_queries):
    # Cache miss: the plan's page cache state, the plan, its versions (no snapshots), then
    # both snapshots in one query.
    with django_assert_num_queries(4):
        first = client.get(compare_url(two_versions))
    # The page is cached whole: nothing is loaded at all.
    with django_assert_num_queries(0):
        second = client.get(compare_url(two_versions))
    assert first.content == second.content


@pytest.mark.parametrize("extra_nodes", [0, 60])
def test_compare_query_count_does_not_grow_with_the_plan(
    client, published_plan, extra_nodes, django_assert_num_queries
):
    parent = Node.objects.get(plan=published_plan, title="Definitions")
    for index in range(extra_nodes):
        add_node(published_plan, f"Term {index}", parent=parent, kind=NodeKind.DEFINITION, body=f"Meaning {index}.")
    add_node(published_plan, "Scope")
    plan_publish(plan=published_plan, notes="More terms.")
    for minor in range(2, 6):
        add_node(published_plan, f"Section {minor}")
        plan_publish(plan=published_plan, notes=f"Version 1.{minor}.")
    with django_assert_num_queries(4):  # the page cache's plan state, then as above
        response = client.get(compare_url(published_plan, "1.0", "1.5"))
    assert response.status_code == HTTPStatus.OK


# --- compare_pick ----------------------------------------------------------


def test_pick_redirects_to_the_comparison(client, two_versions):
    url = reverse("plans:compare_pick", kwargs={"slug": two_versions.slug})
    response = client.get(url, {"from": "1.1", "to": "1.0"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == compare_url(two_versions, "1.1", "1.0")


def test_pick_without_choice_compares_latest_with_previous(client, two_versions):
    response = client.get(reverse("plans:compare_pick", kwargs={"slug": two_versions.slug}))
    assert response["Location"] == compare_url(two_versions, "1.0", "1.1")


def test_pick_unknown_version_is_404_with_the_form(client, two_versions):
    response = client.get(
        reverse("plans:compare_pick", kwargs={"slug": two_versions.slug}), {"from": "7.0", "to": "1.0"}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"There is no such version" in response.content
    assert b'name="from"' in response.content


def test_pick_with_one_version_says_there_is_nothing_to_compare(client, published_plan):
    response = client.get(reverse("plans:compare_pick", kwargs={"slug": published_plan.slug}))
    assert response.status_code == HTTPStatus.OK
    assert b"only one published version" in response.content


def test_pick_members_plan_is_hidden_from_visitors(client, members_plan):
    response = client.get(reverse("plans:compare_pick", kwargs={"slug": members_plan.slug}))
    assert response.status_code == HTTPStatus.NOT_FOUND


# --- unpublished changes ---------------------------------------------------


def changes_url(plan):
    return reverse("plans:unpublished_changes", kwargs={"slug": plan.slug})


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.MEMBERS])
def test_unpublished_changes_sends_visitors_to_sign_in(client, make_plan, visibility):
    plan = make_plan(visibility=visibility)
    response = client.get(changes_url(plan))
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.MEMBERS])
def test_unpublished_changes_refuses_collaborators(client, make_plan, make_user, visibility):
    plan = make_plan(visibility=visibility)
    client.force_login(make_user())
    assert client.get(changes_url(plan)).status_code == HTTPStatus.FORBIDDEN


def test_unpublished_changes_refuses_editors_of_another_plan(client, make_plan, make_user):
    plan = make_plan("one")
    other = make_plan("other")
    client.force_login(make_user(plan=other, role="publisher"))
    assert client.get(changes_url(plan)).status_code == HTTPStatus.FORBIDDEN


def test_unpublished_changes_missing_plan_is_404(client, make_user):
    client.force_login(make_user())
    response = client.get(reverse("plans:unpublished_changes", kwargs={"slug": "nope"}))
    assert response.status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_unpublished_changes_shows_draft_against_latest_version(client, published_plan, make_user, role):
    _sign_in(client, make_user, published_plan, role)
    node = Node.objects.get(plan=published_plan, title="Equity")
    node.body = "Fair access and support for all."
    node.save()
    response = client.get(changes_url(published_plan))
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "compared with the latest published version" in page
    assert "version 1.0" in page
    assert "Fair access <ins>" in page
    assert "and support </ins>for all." in page
    edit_url = reverse("plans:node_edit", kwargs={"slug": published_plan.slug, "node_id": node.pk})
    assert f'href="{edit_url}"' in page
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_unpublished_changes_offers_publishing_to_publishers_only(client, published_plan, make_user):
    add_node(published_plan, "Governance")
    publish_url = reverse("plans:workspace_publish", kwargs={"slug": published_plan.slug})
    editor = make_user(plan=published_plan, role="editor")
    client.force_login(editor)
    assert publish_url not in client.get(changes_url(published_plan)).content.decode()
    PlanRole.objects.filter(user=editor).update(role="publisher")
    client.force_login(editor)
    assert publish_url in client.get(changes_url(published_plan)).content.decode()


def test_unpublished_changes_before_any_version_says_everything_is_new(client, plan, make_user):
    _sign_in(client, make_user, plan, "editor")
    page = client.get(changes_url(plan)).content.decode()
    assert "Nothing has been published yet" in page
    assert len(re.findall(r'Added</span>\s*<span class="section-number">', page)) == 7
    assert "Added</span>Reference [1]" in page


def test_unpublished_changes_with_nothing_new(client, published_plan, make_user):
    _sign_in(client, make_user, published_plan, "editor")
    page = client.get(changes_url(published_plan)).content.decode()
    assert "there is nothing new to publish" in page
