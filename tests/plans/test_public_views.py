"""Every public URL for every kind of reader; caching headers; the query-count pin."""

from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Node, NodeKind, Plan, Visibility
from plans.services import plan_publish
from tests.conftest import add_node

PUBLIC_URLS = [
    "/plans/{slug}/",
    "/plans/{slug}/versions/",
    "/plans/{slug}/v/1.0/",
    "/plans/{slug}/v/1.0.json",
    "/plans/{slug}/v/1.0.md",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def members_plan(make_plan):
    plan = make_plan("members-plan", visibility=Visibility.MEMBERS, title="Members plan")
    plan_publish(plan=plan, notes="First version.")
    return plan


@pytest.mark.parametrize("url", PUBLIC_URLS)
@pytest.mark.parametrize("role", [None, "collaborator", "editor", "publisher"])
def test_public_plan_is_readable_by_everyone(client, published_plan, make_user, url, role):
    if role:
        user = make_user(plan=published_plan, role=None if role == "collaborator" else role)
        client.force_login(user)
    response = client.get(url.format(slug=published_plan.slug))
    assert response.status_code == HTTPStatus.OK
    assert published_plan.title in response.content.decode()


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_members_plan_is_hidden_from_visitors_with_a_sign_in_link(client, members_plan, url):
    response = client.get(url.format(slug=members_plan.slug))
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert b"Members plan" not in response.content
    assert b"/accounts/login/?next=" in response.content


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_members_plan_is_readable_when_signed_in(client, members_plan, make_user, url):
    client.force_login(make_user())
    response = client.get(url.format(slug=members_plan.slug))
    assert response.status_code == HTTPStatus.OK
    assert b"Members plan" in response.content


def test_members_plan_is_private_in_caches(client, members_plan, make_user):
    client.force_login(make_user())
    response = client.get(f"/plans/{members_plan.slug}/v/1.0/")
    assert "private" in response["Cache-Control"]


def test_inactive_account_cannot_read_members_plan(client, members_plan, make_user):
    user = make_user()
    client.force_login(user)
    user.is_active = False
    user.save()
    response = client.get(f"/plans/{members_plan.slug}/")
    assert response.status_code in (HTTPStatus.NOT_FOUND, HTTPStatus.FOUND)
    assert b"Members plan" not in response.content


@pytest.mark.parametrize(
    "url",
    ["/plans/nope/", "/plans/nope/versions/", "/plans/test-plan/v/9.9/", "/plans/test-plan/v/9.9.json"],
)
def test_missing_plan_or_version_is_404(client, published_plan, url):
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_unpublished_plan_is_404_and_not_listed(client, plan):
    assert client.get(f"/plans/{plan.slug}/").status_code == HTTPStatus.NOT_FOUND
    assert plan.title.encode() not in client.get("/").content


def test_plan_list_shows_readable_plans_with_latest_version(client, published_plan, members_plan, make_user):
    page = client.get("/").content.decode()
    assert published_plan.title in page
    assert "Members plan" not in page
    assert "1.0" in page
    client.force_login(make_user())
    assert "Members plan" in client.get("/").content.decode()


def test_plan_page_shows_numbered_toc_anchors_version_and_notes(client, published_plan):
    page = client.get(f"/plans/{published_plan.slug}/").content.decode()
    assert 'aria-label="Contents"' in page
    assert 'href="#s-2-1"' in page
    assert 'id="s-2-1"' in page
    assert "Version 1.0" in page
    assert "First version." in page
    assert 'href="#ref-1"' in page  # the [1] citation links to the reference list
    assert 'id="ref-1"' in page


def test_draft_edits_never_reach_the_public_page(client, published_plan):
    Node.objects.filter(plan=published_plan, title="Introduction").update(body="SECRET DRAFT TEXT")
    cache.clear()
    for url in PUBLIC_URLS:
        assert b"SECRET DRAFT TEXT" not in client.get(url.format(slug=published_plan.slug)).content


def test_old_version_has_banner_to_latest(client, published_plan):
    add_node(published_plan, "New section")
    plan_publish(plan=published_plan, notes="Added a section.")
    old = client.get(f"/plans/{published_plan.slug}/v/1.0/").content.decode()
    assert "older version" in old
    assert "1.1" in old
    latest = client.get(f"/plans/{published_plan.slug}/").content.decode()
    assert "older version" not in latest
    assert "New section" in latest
    assert "New section" not in old


def test_version_list_shows_every_version_with_notes(client, published_plan):
    add_node(published_plan, "New section")
    plan_publish(plan=published_plan, notes="Added a section.", major=True)
    page = client.get(f"/plans/{published_plan.slug}/versions/").content.decode()
    assert "2.0" in page
    assert "1.0" in page
    assert "Added a section." in page


def test_json_export_has_the_documented_shape(client, published_plan):
    data = client.get(f"/plans/{published_plan.slug}/v/1.0.json").json()
    assert data["plan"] == {"slug": "test-plan", "title": "Test plan", "description": "A plan for tests."}
    assert data["version"] == "1.0"
    assert data["notes"] == "First version."
    assert data["published_at"]
    first = data["sections"][0]
    assert {"number", "kind", "title", "body", "children"} <= first.keys()
    assert [s["number"] for s in data["sections"][1]["children"]] == ["2.1", "2.2"]
    action = data["sections"][2]["children"][0]["children"][0]
    assert action["kind"] == "action"
    assert action["status"] == "in_progress"
    assert data["references"] == [{"label": "1", "text": "Code of Conduct", "url": "https://example.org/coc"}]


def test_markdown_export_has_numbered_headings(client, published_plan):
    response = client.get(f"/plans/{published_plan.slug}/v/1.0.md")
    assert response["Content-Type"].startswith("text/markdown")
    text = response.content.decode()
    assert "## 1 Introduction" in text
    assert "### 2.1 Diversity" in text
    assert "[1] Code of Conduct, https://example.org/coc" in text


def test_version_page_answers_conditional_get_with_304(client, published_plan):
    url = f"/plans/{published_plan.slug}/v/1.0/"
    response = client.get(url)
    assert response["ETag"]
    assert response["Last-Modified"]
    assert "max-age=" in response["Cache-Control"]
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_latest_page_etag_changes_when_a_version_is_published(client, published_plan):
    url = f"/plans/{published_plan.slug}/"
    etag = client.get(url)["ETag"]
    add_node(published_plan, "New section")
    plan_publish(plan=published_plan, notes="More.")
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == HTTPStatus.OK
    assert b"New section" in response.content


def _big_plan(slug: str, size: int) -> Plan:
    plan = Plan.objects.create(slug=slug, title=f"Plan of {size}")
    area = add_node(plan, "Area", kind=NodeKind.AREA)
    goal = add_node(plan, "Goal", parent=area, kind=NodeKind.GOAL)
    Node.objects.bulk_create(
        Node(plan=plan, parent=goal, position=i, kind=NodeKind.ACTION, title=f"Action {i}", status="planned")
        for i in range(size - 2)
    )
    plan_publish(plan=plan, notes="First.")
    return plan


def _query_count(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == HTTPStatus.OK
    return len(queries)


# Pinned query counts for an anonymous reader's first (uncached) request: the plan's page
# cache state (the plan with its latest version's id and data marks, in one query), then the
# plan, version numbers, the one snapshot, and on version pages the actions' latest progress
# (tracking's live facts in the sections) and the consultation banner's facts. A change here is
# deliberate: the count must not depend on the plan's size. Cached pages make none (tests/plans/test_page_cache.py).
@pytest.mark.parametrize(
    ("url", "queries"),
    [("/plans/{slug}/", 6), ("/plans/{slug}/v/1.0/", 6), ("/plans/{slug}/versions/", 3), ("/", 1)],
)
def test_public_page_query_count_does_not_grow_with_the_plan(client, db, url, queries):
    small, large = _big_plan("small", 10), _big_plan("large", 500)
    assert _query_count(client, url.format(slug=small.slug)) == queries
    assert _query_count(client, url.format(slug=large.slug)) == queries


def test_version_page_links_to_the_comparison_with_its_predecessor(client, published_plan):
    add_node(published_plan, "New section")
    plan_publish(plan=published_plan, notes="More.")
    page = client.get(f"/plans/{published_plan.slug}/v/1.1/").content.decode()
    assert f'href="/plans/{published_plan.slug}/compare/1.0/1.1/"' in page
    first = client.get(f"/plans/{published_plan.slug}/v/1.0/").content.decode()
    assert "/compare/" not in first
    versions = client.get(f"/plans/{published_plan.slug}/versions/").content.decode()
    assert f'href="/plans/{published_plan.slug}/compare/"' in versions


def test_committee_members_find_the_workspace_from_the_public_pages(client, plan, make_user):
    editor = make_user(plan=plan, role="editor")
    client.force_login(editor)
    # Not published yet: the plan is not in the public list, but its editor gets a way in.
    home = client.get("/").content.decode()
    assert f'href="/plans/{plan.slug}/edit/"' in home
    plan_publish(plan=plan, notes="First.")
    assert f'href="/plans/{plan.slug}/edit/"' in client.get(f"/plans/{plan.slug}/").content.decode()


def test_readers_get_no_workspace_link(client, published_plan, make_user):
    client.force_login(make_user())
    assert "/edit/" not in client.get("/").content.decode()
    assert "/edit/" not in client.get(f"/plans/{published_plan.slug}/").content.decode()


def test_version_page_links_to_the_dashboards(client, published_plan):
    page = client.get(f"/plans/{published_plan.slug}/").content.decode()
    for path in ("actions/", "indicators/", "reports/"):
        assert f'href="/plans/{published_plan.slug}/{path}"' in page


@pytest.mark.parametrize(
    ("asked", "canonical"),
    [
        ("/plans/{slug}/v/01.0/", "/plans/{slug}/v/1.0/"),
        ("/plans/{slug}/v/1.00/", "/plans/{slug}/v/1.0/"),
        ("/plans/{slug}/v/001.000.json", "/plans/{slug}/v/1.0.json"),
        ("/plans/{slug}/v/1.00.md", "/plans/{slug}/v/1.0.md"),
        ("/plans/{slug}/compare/01.0/1.00/", "/plans/{slug}/compare/1.0/1.0/"),
    ],
)
def test_version_number_spelled_another_way_redirects_to_the_canonical_url(client, published_plan, asked, canonical):
    response = client.get(asked.format(slug=published_plan.slug))
    assert response.status_code == HTTPStatus.MOVED_PERMANENTLY
    assert response["Location"] == canonical.format(slug=published_plan.slug)


def test_members_plan_version_spelled_another_way_still_hides_the_plan_from_visitors(client, members_plan):
    response = client.get(f"/plans/{members_plan.slug}/v/01.0/", follow=True)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert members_plan.title not in response.content.decode()
    assert client.get(f"/plans/{members_plan.slug}/v/1.0.json").status_code == HTTPStatus.NOT_FOUND


def test_compare_picker_reads_version_numbers_spelled_another_way(client, published_plan):
    add_node(published_plan, "Scope")
    plan_publish(plan=published_plan, notes="Scope added.")
    response = client.get(f"/plans/{published_plan.slug}/compare/", {"from": "01.0", "to": " 1.01 "})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == f"/plans/{published_plan.slug}/compare/1.0/1.1/"
