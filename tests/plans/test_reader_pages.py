"""What a reader finds on every plan page: the same tabs, a favicon, rendered notes and tables,
progress on actions, permanent links, and the portal's own 404 page under `make run` too."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import override_settings
from django.urls import reverse

from plans.models import Visibility
from plans.services import plan_publish
from tests.conftest import node
from tracking.services import progress_post

TABS = ("Plan text", "Versions", "Actions", "Indicators", "Annual reports")


def tab_names(html: str) -> list[str]:
    nav = re.search(r'<nav class="dashboard-nav[^>]*aria-label="This plan">(.*?)</nav>', html, re.DOTALL)
    assert nav, "no plan tabs on the page"
    return [re.sub(r"<[^>]+>", "", link).strip() for link in re.findall(r"<a [^>]*>(.*?)</a>", nav.group(1))]


@pytest.fixture
def two_versions(published_plan):
    intro = node(published_plan, "Introduction")
    intro.body += "\n\nMore words."
    intro.save()
    plan_publish(plan=published_plan, user=None, notes="Second.")
    return published_plan


@pytest.mark.parametrize(
    ("url", "current"),
    [
        ("/plans/{slug}/", "Plan text"),
        ("/plans/{slug}/v/1.0/", None),
        ("/plans/{slug}/versions/", "Versions"),
        ("/plans/{slug}/compare/1.0/1.1/", "Versions"),
        ("/plans/{slug}/actions/", "Actions"),
        ("/plans/{slug}/indicators/", "Indicators"),
        ("/plans/{slug}/reports/", "Annual reports"),
    ],
)
def test_every_plan_page_has_the_same_tabs(client, two_versions, url, current):
    response = client.get(url.format(slug=two_versions.slug))
    assert response.status_code == HTTPStatus.OK
    # The same tabs everywhere, in this order (other apps may add theirs after them).
    assert tab_names(response.text)[: len(TABS)] == list(TABS)
    marked = re.findall(r'<a class="nav-link active" aria-current="page" href="[^"]*">([^<]*)</a>', response.text)
    assert marked == ([current] if current else [])


def test_every_page_links_the_favicon_and_favicon_ico_answers(client, db):
    page = client.get("/").text
    assert re.search(r'<link rel="icon" href="/static/favicon.svg" type="image/svg\+xml">', page)
    response = client.get("/favicon.ico")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/static/favicon.svg"
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == HTTPStatus.OK
    assert b"<svg" in b"".join(icon.streaming_content)


def test_release_notes_are_rendered_not_shown_as_markdown(client, published_plan):
    intro = node(published_plan, "Introduction")
    intro.body += "\n\nNew."
    intro.save()
    plan_publish(plan=published_plan, user=None, notes="What changed:\n\n- **bold** news\n- a second item")
    for url in (f"/plans/{published_plan.slug}/", f"/plans/{published_plan.slug}/versions/"):
        page = client.get(url).text
        assert "<li><strong>bold</strong> news</li>" in page
        assert "**bold**" not in page
        assert "- a second item" not in page


def test_markdown_tables_are_styled_tables_in_a_scroll_box(client, plan):
    intro = node(plan, "Introduction")
    intro.body = "Counts:\n\n| Group | Share |\n|---|---|\n| Postdocs | 20% |\n"
    intro.save()
    plan_publish(plan=plan, user=None, notes="A table.")
    page = client.get(f"/plans/{plan.slug}/").text
    assert re.search(
        r'<div class="table-scroll" role="region" aria-label="Table in 1 Introduction" tabindex="0">'
        r'<table class="table table-sm table-bordered">\s*<thead>\s*<tr>\s*<th>Group</th>',
        page,
    )
    assert "| Group |" not in page


def test_the_version_page_names_publishers_never_by_email(client, published_plan, make_user):
    publisher = make_user("chair@example.org", name="")
    intro = node(published_plan, "Introduction")
    intro.body += " More."
    intro.save()
    plan_publish(plan=published_plan, user=publisher, notes="By the chair.")
    for url in (f"/plans/{published_plan.slug}/", f"/plans/{published_plan.slug}/versions/"):
        page = client.get(url).text
        assert "chair@example.org" not in page
        assert "the DEI Committee" in page  # a publisher without a name is "the DEI Committee"


def test_progress_shows_as_an_accessible_bar_on_the_actions_page_and_the_version_page(
    client, published_plan, make_user
):
    editor = make_user(plan=published_plan, role="editor")
    action = node(published_plan, "Run a mentoring scheme")
    version_page = f"/plans/{published_plan.slug}/"
    before = client.get(version_page)
    assert "<progress" not in before.text
    progress_post(node=action, user=editor, date=action.created_at.date(), status="in_progress", percent_complete=40)

    bar = r'<progress max="100" value="40" aria-label="Progress of 3.1.1 Run a mentoring scheme">40%</progress>'
    number = r'<span class="progress-number" aria-hidden="true">40%</span>'
    actions = client.get(reverse("tracking:actions", kwargs={"slug": published_plan.slug})).text
    assert re.search(bar + number, actions)
    after = client.get(version_page)
    section = after.text[after.text.index('id="s-3-1-1"') :]
    assert re.search(bar + number, section[: section.index("</section>")])
    # The live part is in the validator: a cached copy with the old progress is not reused.
    assert before["ETag"] != after["ETag"]
    revalidated = client.get(version_page, headers={"if-none-match": after["ETag"]})
    assert revalidated.status_code == HTTPStatus.NOT_MODIFIED


def test_each_section_offers_its_permanent_link(client, published_plan):
    page = client.get(f"/plans/{published_plan.slug}/").text
    diversity = node(published_plan, "Diversity")
    link = reverse("plans:section_permalink", kwargs={"slug": published_plan.slug, "node_id": diversity.pk})
    assert re.search(
        rf'<a href="{link}" data-copy-link>Permanent link<span class="visually-hidden"> to 2.1 Diversity</span></a>',
        page,
    )
    assert '<script src="/static/js/plan-document.js" defer></script>' in page


def test_the_contents_fold_behind_a_contents_control(client, published_plan):
    page = client.get(f"/plans/{published_plan.slug}/").text
    assert re.search(
        r'<nav class="toc[^"]*" aria-label="Contents">\s*<details class="toc-details">\s*'
        r"<summary[^>]*>Contents</summary>",
        page,
    )


def test_make_run_shows_the_portals_404_for_a_members_only_plan(client, published_plan):
    """`make run` uses the dev settings, with DEBUG on: still the portal's page, with its sign-in hint."""
    from dei_portal.settings import dev

    published_plan.visibility = Visibility.MEMBERS
    published_plan.save()
    with override_settings(DEBUG=True, MIDDLEWARE=dev.MIDDLEWARE):
        response = client.get(f"/plans/{published_plan.slug}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "<h1>Page not found</h1>" in response.text
    assert "Some plans are only for members of the collaboration" in response.text
    assert "sign in" in response.text
    assert "Using the URLconf" not in response.text  # Django's debug page lists the URL patterns


def test_without_the_dev_middleware_debug_shows_djangos_page(client, published_plan):
    """The test above can fail: under DEBUG, Django's own 404 page is what a view's 404 gives."""
    published_plan.visibility = Visibility.MEMBERS
    published_plan.save()
    with override_settings(DEBUG=True):
        response = client.get(f"/plans/{published_plan.slug}/")
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "Some plans are only for members of the collaboration" not in response.text
