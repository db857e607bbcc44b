"""Atom feeds of published versions: per public plan and for all public plans; never members-only."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from http import HTTPStatus

import pytest
from django.core.cache import cache

from plans import feeds
from plans.models import Reference, Role, Visibility
from plans.services import plan_publish
from tests.conftest import add_node

ATOM = "{http://www.w3.org/2005/Atom}"
ROLES = ["visitor", "collaborator", Role.EDITOR, Role.PUBLISHER]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def publisher(make_user, plan):
    return make_user("chair.person@example.org", plan=plan, role=Role.PUBLISHER, name="Chair")


@pytest.fixture
def two_versions(plan, publisher):
    """1.0, then 1.1 adding one section and changing another, both published by a named person."""
    plan_publish(plan=plan, user=publisher, notes="First version.")
    add_node(plan, "Childcare", body="Childcare at every meeting.")
    intro = plan.nodes.get(title="Introduction")
    intro.body = "Why this plan exists, as agreed by the board in [1]."
    intro.save()
    plan_publish(plan=plan, user=publisher, notes="Childcare added.\n\nThe introduction now names the board.")
    return plan


@pytest.fixture
def members_plan(make_plan):
    plan = make_plan("members-plan", visibility=Visibility.MEMBERS, title="Members plan")
    plan_publish(plan=plan, notes="Members only.")
    return plan


def parse(response) -> ET.Element:
    return ET.fromstring(response.content)  # noqa: S314 — our own feed, from the test server


def entries(response) -> list[ET.Element]:
    return parse(response).findall(f"{ATOM}entry")


def sign_in(client, make_user, plan, role):
    if role != "visitor":
        client.force_login(make_user(plan=plan, role=None if role == "collaborator" else role))


def test_a_plan_feed_has_one_entry_per_version_newest_first(client, two_versions):
    response = client.get(f"/plans/{two_versions.slug}/feed/")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response)
    assert feed.findtext(f"{ATOM}title") == "Test plan: published versions"
    assert [e.findtext(f"{ATOM}title") for e in entries(response)] == [
        "Version 1.1 of Test plan",
        "Version 1.0 of Test plan",
    ]
    newest = entries(response)[0]
    assert newest.find(f"{ATOM}link").get("href") == f"http://testserver/plans/{two_versions.slug}/v/1.1/"
    assert newest.findtext(f"{ATOM}id") == f"http://testserver/plans/{two_versions.slug}/v/1.1/"
    assert newest.findtext(f"{ATOM}author/{ATOM}name") == "the DEI Committee"


def test_an_entry_gives_the_release_notes_and_what_changed_with_a_link_to_compare(client, two_versions):
    summary = entries(client.get(f"/plans/{two_versions.slug}/feed/"))[0].findtext(f"{ATOM}summary")
    assert "<p>Childcare added.</p>" in summary
    assert "The introduction now names the board." in summary
    assert "What changed since version 1.0: 1 section added, 1 section changed." in summary
    assert f'href="http://testserver/plans/{two_versions.slug}/compare/1.0/1.1/"' in summary
    first = entries(client.get(f"/plans/{two_versions.slug}/feed/"))[1].findtext(f"{ATOM}summary")
    assert "The first published version of the plan." in first
    assert "compare" not in first


def test_a_version_that_only_changed_references_says_so(client, published_plan):
    Reference.objects.create(plan=published_plan, label="2", text="Survey report", position=1)
    plan_publish(plan=published_plan, notes="A reference added.")
    summary = entries(client.get(f"/plans/{published_plan.slug}/feed/"))[0].findtext(f"{ATOM}summary")
    assert "no sections changed, 1 reference added, removed or changed" not in summary
    assert "What changed since version 1.0: 1 reference added, removed or changed." in summary


def test_feeds_name_the_committee_never_a_person_or_an_address(client, two_versions, publisher):
    for url in (f"/plans/{two_versions.slug}/feed/", "/feed/"):
        text = client.get(url).text
        assert "the DEI Committee" in text
        assert publisher.email not in text
        assert "@" not in text


def test_the_feed_uses_the_published_title_not_the_draft_one(client, two_versions):
    two_versions.title = "Renamed in the draft"
    two_versions.save()
    text = client.get(f"/plans/{two_versions.slug}/feed/").text
    assert "Renamed in the draft" not in text
    assert "Version 1.1 of Test plan" in text


@pytest.mark.parametrize("role", ROLES)
def test_a_members_plan_has_no_feed_for_anyone(client, make_user, members_plan, role):
    sign_in(client, make_user, members_plan, role)
    response = client.get(f"/plans/{members_plan.slug}/feed/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Members plan" not in response.text


@pytest.mark.parametrize("role", ROLES)
def test_a_public_plan_feed_is_the_same_for_everyone(client, make_user, two_versions, role):
    sign_in(client, make_user, two_versions, role)
    response = client.get(f"/plans/{two_versions.slug}/feed/")
    assert response.status_code == HTTPStatus.OK
    assert len(entries(response)) == 2
    assert "public" in response["Cache-Control"]


@pytest.mark.parametrize("slug", ["unpublished", "no-such-plan"])
def test_an_unpublished_or_missing_plan_has_no_feed(client, make_plan, slug):
    make_plan("unpublished")
    assert client.get(f"/plans/{slug}/feed/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("role", ROLES)
def test_the_feed_of_all_plans_holds_public_plans_only_newest_first(
    client, make_user, make_plan, two_versions, members_plan, role
):
    other = make_plan("other-plan", title="Other plan")
    plan_publish(plan=other, notes="Other's first.")
    sign_in(client, make_user, two_versions, role)
    response = client.get("/feed/")
    assert response.status_code == HTTPStatus.OK
    assert [e.findtext(f"{ATOM}title") for e in entries(response)] == [
        "Version 1.0 of Other plan",
        "Version 1.1 of Test plan",
        "Version 1.0 of Test plan",
    ]
    assert "Members plan" not in response.text


def test_the_feed_of_all_plans_is_capped(client, published_plan, monkeypatch):
    for number in range(3):
        add_node(published_plan, f"Extra {number}")
        plan_publish(plan=published_plan, notes=f"Extra {number}.")
    monkeypatch.setattr(feeds, "SITE_FEED_LIMIT", 2)
    assert [e.findtext(f"{ATOM}title") for e in entries(client.get("/feed/"))] == [
        "Version 1.3 of Test plan",
        "Version 1.2 of Test plan",
    ]


@pytest.mark.parametrize("extra_versions", [0, 5])
def test_a_feed_costs_two_queries_once_its_summaries_are_cached(
    client, published_plan, django_assert_num_queries, extra_versions
):
    for number in range(extra_versions):
        add_node(published_plan, f"Extra {number}")
        plan_publish(plan=published_plan, notes=f"Extra {number}.")
    client.get(f"/plans/{published_plan.slug}/feed/")  # computes and caches what changed in each version
    with django_assert_num_queries(2):  # the plan, its versions
        response = client.get(f"/plans/{published_plan.slug}/feed/")
    assert len(entries(response)) == 1 + extra_versions


@pytest.mark.parametrize(
    "url",
    [
        "/plans/{slug}/",
        "/plans/{slug}/v/1.0/",
        "/plans/{slug}/versions/",
        "/plans/{slug}/actions/",
        "/plans/{slug}/search/",
    ],
)
def test_plan_pages_link_to_the_plan_feed(client, published_plan, url):
    text = client.get(url.format(slug=published_plan.slug)).text
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="New versions of this plan" '
        f'href="/plans/{published_plan.slug}/feed/">' in text
    )
    assert 'href="/feed/"' in text


def test_a_members_plan_page_links_to_no_plan_feed(client, make_user, members_plan):
    client.force_login(make_user())
    text = client.get(f"/plans/{members_plan.slug}/").text
    assert f"/plans/{members_plan.slug}/feed/" not in text


def test_the_feed_of_all_plans_costs_one_query_once_cached(client, make_plan, django_assert_num_queries):
    for number in range(3):
        plan_publish(plan=make_plan(f"plan-{number}", title=f"Plan {number}"), notes="First.")
    client.get("/feed/")
    with django_assert_num_queries(1):  # the versions, with their plans
        response = client.get("/feed/")
    assert len(entries(response)) == 3
