"""Public pages name people by their display name, never by their email address.

The whole demo is loaded (its accounts have names and @example.org addresses, and the demo content
itself has no "@example.org" in it), a second version is published, and every kind of public page
and export is fetched as a visitor and as a signed-in collaborator.
"""

from __future__ import annotations

import datetime as dt
import re
from http import HTTPStatus
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.demo import DEMO_ACCOUNTS, DEMO_SLUG
from consultations.models import AnswerStatus
from consultations.services import comment_answer, comment_post, consultation_close, consultation_open
from consultations.sharing import share_link_create, share_url
from plans.models import Plan
from plans.services import plan_publish

ADDRESS_DOMAIN = "@example.org"


def public_paths(client: Client) -> list[str]:
    """Every public page type of the demo plan, with both versions and every annual report."""
    slug = DEMO_SLUG
    paths = [
        reverse("plans:plan_list"),
        reverse("plans:plan_detail", args=[slug]),
        reverse("plans:version_list", args=[slug]),
        reverse("plans:compare", args=[slug, "1.0", "1.1"]),
        reverse("tracking:actions", args=[slug]),
        reverse("tracking:actions_csv", args=[slug]),
        reverse("tracking:actions_json", args=[slug]),
        reverse("tracking:indicators", args=[slug]),
        reverse("tracking:indicators_csv", args=[slug]),
        reverse("tracking:indicators_json", args=[slug]),
        reverse("tracking:report_list", args=[slug]),
        reverse("plans:plan_feed", args=[slug]),
        reverse("plans:feed"),
        reverse("search:plan_search", args=[slug]) + "?q=committee",
        reverse("search:search_all") + "?q=committee",
        reverse("notifications:subscribe", args=[slug]),
    ]
    for number in ("1.0", "1.1"):
        paths += [
            reverse("plans:version_detail", args=[slug, number]),
            reverse("plans:version_json", args=[slug, number]),
            reverse("plans:version_markdown", args=[slug, number]),
        ]
    reports = client.get(reverse("tracking:report_list", args=[slug])).content.decode()
    years = sorted(set(re.findall(rf"/plans/{slug}/reports/(\d{{4}})/", reports)))
    assert years, "the demo has at least one annual report"
    paths += [reverse("tracking:report", args=[slug, int(year)]) for year in years]
    return paths


@pytest.fixture
def demo_with_two_versions(db):
    call_command("load_demo", stdout=StringIO())  # the accounts, the plan and tracking's part
    plan = Plan.objects.get(slug=DEMO_SLUG)
    publisher = plan.roles.get(role="publisher").user
    plan_publish(plan=plan, user=publisher, notes="The edits since 1.0.")
    return plan


def _collaborator_client() -> Client:
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(email="reader@example.org"))
    return client


@pytest.mark.parametrize("who", ["visitor", "collaborator"])
def test_no_public_page_shows_an_account_email(demo_with_two_versions, who):
    client = Client() if who == "visitor" else _collaborator_client()
    emails = [account.email for account in DEMO_ACCOUNTS]
    for path in public_paths(client):
        response = client.get(path, follow=True)
        assert response.status_code == HTTPStatus.OK, path
        content = response.content.decode()
        for email in emails:
            assert email not in content, f"{email} on {path}"
        assert ADDRESS_DOMAIN not in content, path


def test_the_publisher_is_named_by_their_name(demo_with_two_versions, client):
    publisher = next(account for account in DEMO_ACCOUNTS if account.role == "publisher")
    for path in [
        reverse("plans:version_detail", args=[DEMO_SLUG, "1.1"]),
        reverse("plans:version_list", args=[DEMO_SLUG]),
    ]:
        assert f"by {publisher.name}" in client.get(path).content.decode(), path


def test_a_publisher_without_a_name_is_never_shown_by_email(published_plan, make_user, client):
    nameless = make_user("nameless.chair@example.org", name="", plan=published_plan, role="publisher")
    node = published_plan.nodes.get(title="Introduction")
    node.body += " Updated."
    node.save()
    plan_publish(plan=published_plan, user=nameless, notes="A change.")
    for path in [
        reverse("plans:version_detail", args=[published_plan.slug, "1.1"]),
        reverse("plans:version_list", args=[published_plan.slug]),
    ]:
        content = client.get(path).content.decode()
        assert "nameless.chair" not in content, path
        assert "by the DEI Committee" in content, path  # a person without a name is not named at all


def test_signed_in_pages_name_the_person_not_their_address(demo_with_two_versions):
    client = _collaborator_client()
    content = client.get(reverse("plans:plan_list")).content.decode()
    assert "Robin Reader" in content  # the account menu
    assert "reader@example.org" not in content


def test_consultation_pages_never_show_an_address(published_plan, make_user, client):
    """The consultation page, a review link and "what we heard" name commenters and the committee
    by name (or not at all), even when they have no name."""
    chair = make_user("nameless.chair@example.org", name="", plan=published_plan, role="publisher")
    member = make_user("nameless.member@example.org", name="")
    intro = published_plan.nodes.get(title="Introduction")
    intro.body += " Updated."
    intro.save()
    consultation = consultation_open(
        plan=published_plan, user=chair, label="Draft", closes_at=timezone.now() + dt.timedelta(days=3)
    )
    comment = comment_post(consultation=consultation, user=member, section_id=intro.pk, body="A point.")
    comment_post(consultation=consultation, user=chair, section_id=intro.pk, body="A reply.", parent=comment)
    comment_answer(comment=comment, user=chair, status=AnswerStatus.ACCEPTED, reason="Yes.")
    link = share_link_create(plan=published_plan, user=chair, label="Reviewer", allow_comments=True)
    client.force_login(member)
    paths = [reverse("consultations:consultation", args=[published_plan.slug])]
    contents = [client.get(path).content.decode() for path in paths]
    client.logout()
    contents.append(client.get(share_url(link)).content.decode())
    consultation_close(consultation=consultation, user=chair)
    version = plan_publish(plan=published_plan, user=chair, notes="After the consultation.")
    contents.append(
        client.get(reverse("consultations:heard", args=[published_plan.slug, version.number])).content.decode()
    )
    assert all("A point." in content for content in contents[:2])
    assert "Yes." in contents[2]  # what we heard: counts and answers, no names or texts of others
    for content in contents:
        assert ADDRESS_DOMAIN not in content
        assert "nameless." not in content
