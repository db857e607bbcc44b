"""The page cache on the plan's public pages: warm hits, headers, audiences, invalidation, warming.

Dashboards: tests/tracking/test_dashboard_cache.py.
"""

from __future__ import annotations

import gzip
import re
import time
from contextlib import contextmanager
from http import HTTPStatus

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.http import http_date

from plans.caching import plan_cache_bump, plan_state
from plans.caching.connection import Memory, page_store
from plans.caching.pages import ANONYMOUS, _pending
from plans.caching.state import generation_key
from plans.caching.store import entry_get, entry_key
from plans.document import DOCUMENT_HTML_VERSION
from plans.models import Node, NodeKind, Plan, PlanRole, Visibility
from plans.services import plan_publish
from tests.conftest import add_node

# Every page a visitor reads that the page cache serves (tracking's in test_dashboard_cache.py).
PAGES = [
    "/plans/{slug}/",
    "/plans/{slug}/v/1.1/",
    "/plans/{slug}/v/1.0/",
    "/plans/{slug}/versions/",
    "/plans/{slug}/compare/1.0/1.1/",
    "/plans/{slug}/v/1.1.json",
    "/plans/{slug}/v/1.1.md",
]


CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+"')


def without_csrf_values(html: str) -> str:
    return CSRF_VALUE.sub(r'\1"', html)


def personal_part(user, url: str) -> str:
    """What base.html shows of who is signed in, rendered for `user` on `url` (CSRF values blanked)."""
    request = RequestFactory().get(url)
    request.user = user
    return without_csrf_values(render_to_string("base.html#user_nav", request=request))


@contextmanager
def templates_rendered():
    """The names of the templates rendered inside the block."""
    names: list[str] = []

    def record(sender, template, context, **kwargs):
        names.append(template.name)

    template_rendered.connect(record)
    try:
        yield names
    finally:
        template_rendered.disconnect(record)


def sized_plan(slug: str, sections: int, *, visibility: str = Visibility.PUBLIC) -> Plan:
    """A plan of `sections` sections (an area, a goal, actions), published as 1.0 and 1.1."""
    plan = Plan.objects.create(slug=slug, title=f"Plan of {sections}", visibility=visibility)
    area = add_node(plan, "Area", kind=NodeKind.AREA, body="Why this area matters.")
    goal = add_node(plan, "Goal", parent=area, kind=NodeKind.GOAL)
    Node.objects.bulk_create(
        Node(
            plan=plan,
            parent=goal,
            position=i,
            kind=NodeKind.ACTION,
            title=f"Action {i}",
            body=f"What action {i} does, in *a few* words.",
            status="planned",
        )
        for i in range(sections - 3)
    )
    plan_publish(plan=plan, notes="First.")
    add_node(plan, "Scope", body="Added in 1.1.")
    plan_publish(plan=plan, notes="Scope added.")
    return plan


@pytest.fixture
def two_versions(published_plan) -> Plan:
    add_node(published_plan, "Scope", body="Added in 1.1.")
    plan_publish(plan=published_plan, notes="Scope added.")
    return published_plan


@pytest.fixture
def members_plan(make_plan) -> Plan:
    plan = make_plan("members-plan", visibility=Visibility.MEMBERS, title="Members plan")
    plan_publish(plan=plan, notes="First version.")
    return plan


# --- Warm hits ---------------------------------------------------------------


@pytest.mark.parametrize("sections", [10, 500])
def test_a_warm_hit_makes_no_query_and_renders_no_template(client, db, django_assert_num_queries, sections):
    plan = sized_plan(f"plan-{sections}", sections)
    for page in PAGES:
        url = page.format(slug=plan.slug)
        first = client.get(url)
        assert first.status_code == HTTPStatus.OK, url
        with django_assert_num_queries(0), templates_rendered() as names:
            again = client.get(url)
        assert names == [], url
        assert again.status_code == HTTPStatus.OK
        assert again.content == first.content
        assert again["ETag"] == first["ETag"]


def test_a_visitors_hit_is_answered_before_sessions_and_the_rest_of_the_stack(client, two_versions, monkeypatch):
    url = f"/plans/{two_versions.slug}/"
    client.get(url)
    reached = []
    original = SessionMiddleware.process_request

    def process_request(self, request):
        reached.append(request.path)
        return original(self, request)

    monkeypatch.setattr(SessionMiddleware, "process_request", process_request)
    assert client.get(url).status_code == HTTPStatus.OK
    assert client.get(url, headers={"accept-encoding": "gzip"}).status_code == HTTPStatus.OK
    assert reached == []
    client.cookies["sessionid"] = "someone"  # a session cookie: the stack decides who it is
    client.get(url)
    assert reached == [url]


def test_the_large_plan_page_is_all_there_when_served_from_the_cache(client, db):
    plan = sized_plan("large", 500)
    client.get(f"/plans/{plan.slug}/")
    page = client.get(f"/plans/{plan.slug}/").content.decode()
    assert page.count('<li><a href="#s-') >= 500  # the table of contents
    assert "Action 496" in page
    assert page.rstrip().endswith("</html>")


def test_a_hit_carries_the_security_headers_and_no_cookie(client, two_versions):
    url = f"/plans/{two_versions.slug}/v/1.0/"
    first = client.get(url)
    hit = client.get(url)
    for response in (first, hit):
        assert "Content-Security-Policy" in response
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")
        assert "csrfmiddlewaretoken" not in response.content.decode()
    assert hit["Content-Security-Policy"] == first["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("page", "cache_control"),
    [
        ("/plans/{slug}/", "public, max-age=0, must-revalidate"),
        ("/plans/{slug}/versions/", "public, max-age=0, must-revalidate"),
        # A numbered version shows live progress in its sections: revalidated like the latest.
        ("/plans/{slug}/v/1.0/", "public, max-age=0, must-revalidate"),
        ("/plans/{slug}/compare/1.0/1.1/", "public, max-age=0, s-maxage=86400"),
        ("/plans/{slug}/v/1.0.json", "public, max-age=86400"),
    ],
)
def test_cache_control_lets_shared_caches_keep_what_never_changes(client, two_versions, page, cache_control):
    url = page.format(slug=two_versions.slug)
    client.get(url)
    assert client.get(url)["Cache-Control"] == cache_control


@pytest.mark.parametrize("page", ["/plans/{slug}/v/1.0/", "/plans/{slug}/compare/1.0/1.1/", "/plans/{slug}/v/1.0.md"])
def test_last_modified_is_when_the_version_was_published(client, two_versions, page):
    url = page.format(slug=two_versions.slug)
    newest = two_versions.versions.latest_first().first() if "compare" in page else two_versions.versions.last()
    expected = http_date(newest.published_at.timestamp())
    assert client.get(url)["Last-Modified"] == expected
    assert client.get(url)["Last-Modified"] == expected


def test_gzip_is_served_to_clients_that_take_it_and_compressed_once(client, two_versions, monkeypatch):
    calls = []
    real = gzip.compress
    monkeypatch.setattr("plans.caching.store.gzip.compress", lambda *a, **k: calls.append(1) or real(*a, **k))
    url = f"/plans/{two_versions.slug}/"
    plain = client.get(url)
    assert len(calls) == 1
    for _ in range(3):
        packed = client.get(url, headers={"accept-encoding": "br, gzip;q=0.8"})
        assert packed["Content-Encoding"] == "gzip"
        assert packed["Vary"] == "Accept-Encoding"
        assert gzip.decompress(packed.content) == plain.content
        assert int(packed["Content-Length"]) == len(packed.content) < len(plain.content)
    assert len(calls) == 1
    refused = client.get(url, headers={"accept-encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused
    assert refused.content == plain.content
    assert plain["Vary"] == "Accept-Encoding"


def test_conditional_requests_get_304_from_the_cache(client, two_versions, django_assert_num_queries):
    url = f"/plans/{two_versions.slug}/v/1.0/"
    first = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip"})
    assert packed["ETag"] == f"W/{first['ETag']}"
    with django_assert_num_queries(0):
        for headers in (
            {"if-none-match": first["ETag"]},
            {"if-none-match": f'"other", {packed["ETag"]}'},
            {"if-modified-since": first["Last-Modified"]},
        ):
            response = client.get(url, headers=headers)
            assert response.status_code == HTTPStatus.NOT_MODIFIED, headers
            assert response["ETag"] == first["ETag"]
            assert response.content == b""
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == HTTPStatus.OK


def test_head_gets_the_headers_only(client, two_versions):
    url = f"/plans/{two_versions.slug}/"
    body = client.get(url).content
    response = client.head(url)
    assert response.status_code == HTTPStatus.OK
    assert response.content == b""
    assert int(response["Content-Length"]) == len(body)


def test_a_host_that_is_not_allowed_is_refused_on_a_hit_too(client, two_versions):
    url = f"/plans/{two_versions.slug}/"
    client.get(url)
    assert client.get(url, headers={"host": "evil.example.com"}).status_code == HTTPStatus.BAD_REQUEST


def test_a_query_string_the_page_does_not_read_is_answered_but_not_stored(client, two_versions):
    url = f"/plans/{two_versions.slug}/?utm_source=mail"
    assert client.get(url).status_code == HTTPStatus.OK
    with templates_rendered() as names:
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "plans/version_detail.html" in names


# --- Invalidation ------------------------------------------------------------


def test_publishing_moves_the_latest_page_at_once(client, two_versions):
    url = f"/plans/{two_versions.slug}/"
    client.get(url)
    assert b"Version 1.1" in client.get(url).content
    add_node(two_versions, "Brand new section")
    plan_publish(plan=two_versions, notes="More.")
    page = client.get(url).content
    assert b"Version 1.2" in page
    assert b"Brand new section" in page
    # The older version now says it is not the latest.
    assert b"older version" in client.get(f"/plans/{two_versions.slug}/v/1.1/").content


def test_the_generation_moves_at_once_and_again_on_commit(two_versions, django_capture_on_commit_callbacks):
    key = generation_key(two_versions.slug)
    before = page_store().get(key)
    with django_capture_on_commit_callbacks() as callbacks:
        plan_cache_bump(plan=two_versions)
        during = page_store().get(key)
    assert during != before
    assert callbacks, "nothing was left to run on commit"
    for callback in callbacks:
        callback()
    assert page_store().get(key) not in (before, during)


def test_a_visibility_change_hides_the_plan_from_visitors_at_once(client, two_versions, make_user):
    urls = [page.format(slug=two_versions.slug) for page in PAGES]
    for url in urls:
        client.get(url)
    two_versions.visibility = Visibility.MEMBERS
    two_versions.save()
    for url in urls:
        response = client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND, url
        assert two_versions.title.encode() not in response.content
    member = Client()
    member.force_login(make_user())
    assert member.get(urls[0]).status_code == HTTPStatus.OK
    two_versions.visibility = Visibility.PUBLIC
    two_versions.save()
    assert client.get(urls[0]).status_code == HTTPStatus.OK


def test_a_slug_change_moves_the_pages(client, two_versions):
    old = f"/plans/{two_versions.slug}/v/1.0/"
    client.get(old)
    two_versions.slug = "renamed"
    two_versions.save()
    assert client.get(old).status_code == HTTPStatus.NOT_FOUND
    assert client.get("/plans/renamed/v/1.0/").status_code == HTTPStatus.OK


def test_a_new_plan_under_a_slug_that_was_missing_is_found(client, make_plan):
    assert client.get("/plans/later/").status_code == HTTPStatus.NOT_FOUND
    plan = make_plan("later")
    plan_publish(plan=plan, notes="First.")
    assert client.get("/plans/later/").status_code == HTTPStatus.OK


def test_a_draft_title_change_reaches_readers_only_when_published(client, two_versions):
    # The plan's title is draft content like any section (issue 13): the pages, cached or
    # rebuilt after the plan row changed, keep the published one until the next version.
    url = f"/plans/{two_versions.slug}/versions/"
    published = client.get(url).content
    two_versions.title = "A better title"
    two_versions.save()
    assert b"A better title" not in client.get(url).content
    add_node(two_versions, "One more section")
    plan_publish(plan=two_versions, notes="New title.")
    assert b"A better title" in client.get(url).content
    assert published != client.get(url).content


def test_draft_edits_never_reach_a_cached_page(client, two_versions):
    url = f"/plans/{two_versions.slug}/"
    client.get(url)
    node = Node.objects.get(plan=two_versions, title="Introduction")
    node.body = "SECRET DRAFT TEXT"
    node.save()
    plan_cache_bump(plan=two_versions)
    assert b"SECRET DRAFT TEXT" not in client.get(url).content


def test_another_process_sees_a_change_within_the_state_timeout(client, two_versions, settings, monkeypatch):
    """With a per-process cache a write reaches the other processes' caches only through the
    database: a process whose cached state is younger than PAGE_CACHE_STATE_TIMEOUT may serve
    the old latest version; one whose state is older reads it again."""
    settings.PAGE_CACHE_STATE_TIMEOUT = 3
    url = f"/plans/{two_versions.slug}/"
    client.get(url)
    # A publication made by another process: this one's cache was not told.
    add_node(two_versions, "Published elsewhere")
    monkeypatch.setattr("plans.caching.receivers.plan_cache_bump", lambda **kwargs: None)
    plan_publish(plan=two_versions, notes="Elsewhere.")
    assert b"Version 1.1" in client.get(url).content  # within the interval: the old latest
    clock = time.time() + 4
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: clock)
    assert b"Version 1.2" in client.get(url).content


# --- Audiences -----------------------------------------------------------------


def test_members_plans_are_never_stored_for_visitors(client, members_plan, make_user):
    member = Client()
    member.force_login(make_user())
    factory = RequestFactory()
    for page in ["/plans/{slug}/", "/plans/{slug}/v/1.0/", "/plans/{slug}/versions/", "/plans/{slug}/v/1.0.json"]:
        url = page.format(slug=members_plan.slug)
        assert member.get(url).status_code == HTTPStatus.OK
        assert member.get(url).status_code == HTTPStatus.OK
        assert entry_get(entry_key(ANONYMOUS, factory.get(url))) is None
        response = client.get(url)
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert b"Members plan" not in response.content


def test_signed_in_people_with_the_same_rights_share_a_page_but_see_themselves(two_versions, make_user):
    url = f"/plans/{two_versions.slug}/"
    first, second = make_user("first@example.org"), make_user("second@example.org")
    assert personal_part(first, url) != personal_part(second, url)
    one, two = Client(), Client()
    one.force_login(first)
    two.force_login(second)
    assert personal_part(first, url) in without_csrf_values(one.get(url).content.decode())
    with templates_rendered() as names:
        page = without_csrf_values(two.get(url).content.decode())
    assert "plans/version_detail.html" not in names  # the stored page, with two small parts filled in
    assert personal_part(second, url) in page
    assert personal_part(first, url) not in page
    assert "Sign out" in page
    assert "Edit the working draft" not in page


def test_a_signed_in_persons_csrf_token_on_a_cached_page_is_their_own(two_versions, make_user):
    url = f"/plans/{two_versions.slug}/"
    other = Client()
    other.force_login(make_user())
    other.get(url)  # stores the page for readers
    person = Client(enforce_csrf_checks=True)
    person.force_login(make_user())
    page = person.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = person.post(reverse("account_logout"), {"csrfmiddlewaretoken": token})
    assert response.status_code == HTTPStatus.FOUND  # signed out, not refused as a forgery


def test_a_role_change_changes_the_page_at_once(client, two_versions, make_user):
    url = f"/plans/{two_versions.slug}/"
    user = make_user()
    client.force_login(user)
    assert b"Edit the working draft" not in client.get(url).content
    assert b"Edit the working draft" not in client.get(url).content
    role = PlanRole.objects.create(plan=two_versions, user=user, role="editor")
    assert b"Edit the working draft" in client.get(url).content
    assert b"Edit the working draft" in client.get(url).content
    role.delete()
    assert b"Edit the working draft" not in client.get(url).content


def test_a_new_role_shows_at_once_too(client, two_versions, make_user):
    url = f"/plans/{two_versions.slug}/"
    user = make_user(plan=two_versions, role="editor")
    client.force_login(user)
    assert b"Edit the working draft" in client.get(url).content
    PlanRole.objects.filter(user=user).update(role="publisher")
    assert b"Edit the working draft" in client.get(url).content
    PlanRole.objects.filter(user=user).delete()
    assert b"Edit the working draft" not in client.get(url).content


def test_signing_out_shows_the_visitors_page_at_once(client, two_versions, make_user):
    url = f"/plans/{two_versions.slug}/"
    Client().get(url)  # the visitors' page is stored
    user = make_user()
    client.force_login(user)
    signed_in = client.get(url)
    assert b"Sign out" in signed_in.content
    client.post(reverse("account_logout"))
    response = client.get(url, headers={"if-none-match": signed_in["ETag"]})
    assert response.status_code == HTTPStatus.OK  # not a 304 of the signed-in copy
    assert b"Sign out" not in response.content
    assert b"Sign in" in response.content
    assert personal_part(user, url) not in without_csrf_values(response.content.decode())


def test_signed_in_people_still_meet_the_two_factor_requirement_on_cached_pages(
    client, two_versions, make_user, settings
):
    settings.REQUIRE_MFA = True
    url = f"/plans/{two_versions.slug}/"
    Client().get(url)  # the visitors' page is stored
    reader = Client()
    reader.force_login(make_user())
    assert reader.get(url).status_code == HTTPStatus.OK  # readers need no authenticator
    client.force_login(make_user(plan=two_versions, role="editor"))
    response = client.get(url)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("mfa_activate_totp")


def test_signed_in_copies_are_private_and_revalidated(client, two_versions, make_user):
    url = f"/plans/{two_versions.slug}/v/1.0/"
    client.force_login(make_user())
    client.get(url)
    response = client.get(url)
    assert response["Cache-Control"] == "private, no-cache"
    again = client.get(url, headers={"if-none-match": response["ETag"]})
    assert again.status_code == HTTPStatus.NOT_MODIFIED


def test_a_message_is_shown_once_on_a_cached_page(two_versions, make_user):
    url = f"/plans/{two_versions.slug}/"
    Client().get(url)
    user = make_user("reader@example.org")
    reader = Client()
    reader.force_login(make_user())
    reader.get(url)  # the readers' page is stored
    client = Client()
    client.post(reverse("account_login"), {"login": "reader@example.org", "password": "a-long-test-password"})
    shown = client.get(url)
    assert b"Successfully signed in" in shown.content
    assert "ETag" not in shown
    assert b"Successfully signed in" not in client.get(url).content
    assert personal_part(user, url) in without_csrf_values(client.get(url).content.decode())


def test_signed_in_hits_make_as_many_queries_whatever_the_plans_size(db, make_user):
    small, large = sized_plan("small", 10), sized_plan("large", 500)
    user = make_user()
    counts = []
    for plan in (small, large):
        client = Client()
        client.force_login(user)
        client.get(f"/plans/{plan.slug}/")
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/plans/{plan.slug}/")
        counts.append(len(queries))
        assert not any("plans_planversion" in q["sql"] for q in queries.captured_queries)
    assert counts[0] == counts[1]


def test_a_page_with_a_csrf_token_outside_the_personal_regions_is_never_stored():
    page = (
        b"<html><ul><!--pc:user--><li>me</li><!--/pc:user--></ul><main><!--pc:messages--><!--/pc:messages-->"
        b'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form></main></html>'
    )
    kwargs = {"key": "k", "kind": "document", "token": "t"}
    for audience in (ANONYMOUS, "in-reader"):
        assert _pending(HttpResponse(page), audience=audience, **kwargs) is None
    # A signed-in page whose regions cannot both be found is not stored either.
    no_messages = page.replace(b"<!--/pc:messages-->", b"")
    assert (
        _pending(HttpResponse(no_messages.replace(b"csrfmiddlewaretoken", b"q")), audience="in-reader", **kwargs)
        is None
    )
    harmless = page.replace(b"csrfmiddlewaretoken", b"q")
    assert _pending(HttpResponse(harmless), audience="in-reader", **kwargs).entry.cuts == (
        len(b"<html><ul>"),
        len(b"</ul><main>"),
    )


def test_the_per_process_memory_expires_drops_the_oldest_and_counts(settings, monkeypatch):
    settings.PAGE_CACHE_LOCAL_ITEMS = 2
    memory = Memory()
    memory.set("a", 1, timeout=10)
    memory.set("b", (1, 2))
    assert memory.get_many(["a", "b", "c"]) == {"a": 1, "b": (1, 2)}
    assert memory.incr("a") == 2
    with pytest.raises(ValueError, match="not found"):
        memory.incr("c")
    memory.get("a")  # used last: "b" is the oldest now
    memory.set("c", 3)
    assert memory.get("b") is None
    later = time.time() + 11
    monkeypatch.setattr("plans.caching.connection.time.time", lambda: later)
    assert memory.get("a") is None
    assert memory.get("c") == 3


def test_clearing_the_cache_forgets_the_pages(client, two_versions):
    url = f"/plans/{two_versions.slug}/"
    client.get(url)
    cache.clear()
    with templates_rendered() as names:
        client.get(url)
    assert "plans/version_detail.html" in names


# --- Warm after publish ------------------------------------------------------


def test_publishing_builds_the_new_pages_before_the_first_reader(
    client, two_versions, django_capture_on_commit_callbacks, django_assert_num_queries
):
    add_node(two_versions, "Fresh section")
    with django_capture_on_commit_callbacks(execute=True):
        plan_publish(plan=two_versions, notes="Fresh.")
    slug = two_versions.slug
    for url in [
        f"/plans/{slug}/",
        f"/plans/{slug}/v/1.2/",
        f"/plans/{slug}/versions/",
        f"/plans/{slug}/v/1.2.json",
        f"/plans/{slug}/v/1.2.md",
        f"/plans/{slug}/compare/1.1/1.2/",
        f"/plans/{slug}/actions/",
        f"/plans/{slug}/indicators/",
    ]:
        with django_assert_num_queries(0), templates_rendered() as names:
            response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert names == [], url
    assert b"Fresh section" in client.get(f"/plans/{slug}/").content


def test_publishing_a_members_plan_renders_its_document_but_stores_no_visitors_page(
    members_plan, django_capture_on_commit_callbacks, make_user
):
    add_node(members_plan, "Members only section")
    with django_capture_on_commit_callbacks(execute=True):
        version = plan_publish(plan=members_plan, notes="More.")
    assert cache.get(f"plans:version-html:{DOCUMENT_HTML_VERSION}:{version.pk}:{version.content_hash}") is not None
    url = f"/plans/{members_plan.slug}/"
    assert entry_get(entry_key(ANONYMOUS, RequestFactory().get(url))) is None
    assert plan_state(members_plan.slug).latest_id == version.pk
