"""The plan's title and description are draft content: public pages show the published ones."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.access import get_readable_plan
from plans.models import Node, Plan
from plans.selectors import readable_plans_with_latest
from plans.services import plan_publish

DRAFT_TITLE = "Draft title nobody approved"
DRAFT_DESCRIPTION = "Draft description still under discussion"


def public_urls(slug: str) -> list[str]:
    year = timezone.now().year
    named = [
        ("plans:plan_detail", {}),
        ("plans:version_list", {}),
        ("plans:version_detail", {"number": "1.1"}),
        ("plans:version_json", {"number": "1.1"}),
        ("plans:version_markdown", {"number": "1.1"}),
        ("plans:compare", {"from_number": "1.0", "to_number": "1.1"}),
        ("plans:plan_feed", {}),
        ("search:plan_search", {}),
        ("tracking:actions", {}),
        ("tracking:actions_json", {}),
        ("tracking:actions_csv", {}),
        ("tracking:indicators", {}),
        ("tracking:indicators_json", {}),
        ("tracking:indicators_csv", {}),
        ("tracking:report_list", {}),
        ("tracking:report", {"year": year}),
    ]
    return ["/", "/feed/", "/search/?q=mentoring"] + [reverse(name, kwargs={"slug": slug, **kw}) for name, kw in named]


@pytest.fixture
def edited_after_publishing(published_plan) -> Plan:
    """Published twice as "Test plan", then the draft's title and description edited (as in the admin)."""
    Node.objects.filter(plan=published_plan, title="Introduction").update(body="Why this plan exists, revised.")
    plan_publish(plan=published_plan, user=None, notes="Second version.")
    Plan.objects.filter(pk=published_plan.pk).update(title=DRAFT_TITLE, description=DRAFT_DESCRIPTION)
    return published_plan


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "collaborator"])
def test_no_public_page_shows_the_drafts_title_or_description(client, make_user, edited_after_publishing, signed_in):
    if signed_in:
        client.force_login(make_user())
    pages = public_urls(edited_after_publishing.slug)
    for url in pages:
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        text = response.content.decode()
        assert DRAFT_TITLE not in text, url
        assert DRAFT_DESCRIPTION not in text, url
        if not url.endswith(".csv"):  # the spreadsheets carry rows, not the plan's name
            assert "Test plan" in text, url
    assert len(pages) == 19


def test_the_list_of_plans_shows_the_published_description(client, edited_after_publishing):
    text = client.get("/").content.decode()
    assert "A plan for tests." in text
    assert DRAFT_DESCRIPTION not in text


def test_the_draft_title_is_still_the_committees_in_the_workspace(client, make_user, edited_after_publishing):
    client.force_login(make_user(plan=edited_after_publishing, role="editor"))
    assert (
        DRAFT_TITLE
        in client.get(reverse("plans:workspace", kwargs={"slug": edited_after_publishing.slug})).content.decode()
    )


def test_the_readers_copy_of_a_plan_cannot_be_saved(rf, edited_after_publishing):
    request = rf.get("/")
    request.user = type("Anonymous", (), {"is_authenticated": False, "is_active": False, "pk": None})()
    plan = get_readable_plan(request, edited_after_publishing.slug)
    assert plan.title == "Test plan"
    with pytest.raises(ValueError, match="cannot be saved"):
        plan.save()
    assert Plan.objects.get(pk=plan.pk).title == DRAFT_TITLE


def test_listing_plans_with_their_published_titles_is_one_query(django_assert_num_queries, edited_after_publishing):
    with django_assert_num_queries(1):
        plans = list(readable_plans_with_latest(None))
    assert [(p.published_title, p.published_description) for p in plans] == [("Test plan", "A plan for tests.")]
