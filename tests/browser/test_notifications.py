"""In a real browser: a visitor follows a plan and confirms; a committee member sets their notices.

Uses the browser fixtures of tests/browser (Debian's chromium, axe-core on every page).
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from notifications.models import CommitteePreference, Subscription
from plans.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_follows_a_plan_from_its_page_and_confirms_by_the_emailed_link(
    page,
    check_accessibility,
    published_plan,
    live_server,
    settings,
):
    settings.PORTAL_URL = live_server.url
    page.goto(f"/plans/{published_plan.slug}/")
    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Follow this plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow Test plan by email")
    check_accessibility(page)

    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Send me a confirmation link").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    check_accessibility(page)

    page.get_by_label("Your email address").fill("reader@example.org")
    page.get_by_role("button", name="Send me a confirmation link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_accessibility(page)

    (message,) = mail.outbox
    link = re.search(r"https?://\S+/subscribe/confirm/\S+/", message.body)[0]
    page.goto(link)
    assert not Subscription.objects.get().is_confirmed  # opening the link is not enough
    check_accessibility(page)
    page.get_by_role("button", name="Yes, email me about new versions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You follow Test plan")
    assert Subscription.objects.get().is_confirmed
    check_accessibility(page)


def test_a_committee_member_chooses_their_notices_and_sees_their_subscriptions(
    page,
    check_accessibility,
    sign_in,
    published_plan,
    make_user,
):
    editor = make_user("editor@example.org", plan=published_plan, role=Role.EDITOR)
    sign_in(page, editor.email)
    page.goto(f"/plans/{published_plan.slug}/subscribe/")
    page.get_by_role("button", name="Follow this plan").click()
    expect(page.get_by_text("You follow this plan.")).to_be_visible()
    check_accessibility(page)

    page.goto(f"/plans/{published_plan.slug}/edit/")
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Your notices").click()
    page.get_by_label("Comments and amendments").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your choices are saved.")).to_be_visible()
    check_accessibility(page)
    assert CommitteePreference.objects.get(user=editor).comments

    page.goto("/notifications/")
    expect(page.get_by_role("cell", name="Test plan", exact=True)).to_be_visible()
    check_accessibility(page)
