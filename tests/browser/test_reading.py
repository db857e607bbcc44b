"""Reading the demo plan: contents beside the text with the current section marked, folded on a
phone; a section's permanent link copied; the rendered "what changed"."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from accounts.demo import demo_load
from plans.models import Node


def test_contents_stay_beside_the_text_and_mark_the_section_being_read(page, check_accessibility):
    demo = demo_load()
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"/plans/{demo.plan.slug}/")
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.locator("details")).to_have_attribute("open", "")
    page.evaluate("document.getElementById('s-4-1').scrollIntoView({block: 'start'})")
    current = contents.locator('a[aria-current="location"]')
    expect(current).to_have_count(1)
    expect(current).to_have_attribute("href", "#s-4-1")
    # Sticky: still on screen after scrolling far down the text.
    expect(contents.locator("summary")).to_be_in_viewport()
    check_accessibility(page)

    page.evaluate("document.getElementById('s-5').scrollIntoView({block: 'start'})")
    expect(contents.locator('a[aria-current="location"]')).to_have_attribute("href", re.compile(r"^#s-5"))


def test_on_a_phone_the_contents_are_folded_behind_a_control(browser, live_server, check_accessibility):
    demo = demo_load()
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"/plans/{demo.plan.slug}/")
        contents = page.get_by_role("navigation", name="Contents")
        expect(contents.locator("details")).not_to_have_attribute("open", "")
        assert contents.bounding_box()["height"] < 80  # not the 1,700 px list it was
        first_heading = page.locator("#s-1").bounding_box()
        assert first_heading["y"] < 844  # the text starts on the first screen
        contents.get_by_text("Contents").click()
        link = contents.locator('a[href="#s-2-1"]')
        expect(link).to_be_visible()
        check_accessibility(page)
        link.click()
        expect(page.locator("#s-2-1")).to_be_in_viewport()
    finally:
        context.close()


def test_a_section_link_is_copied(browser, live_server):
    demo = demo_load()
    diversity = Node.objects.live().get(plan=demo.plan, title="Diversity")
    context = browser.new_context(base_url=live_server.url, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        page.goto(f"/plans/{demo.plan.slug}/")
        page.get_by_role("button", name="Copy link to 2.1 Diversity").click()
        # The same button (found by place: its name changes) says it is done.
        expect(page.locator("#s-2-1 + .section-link .copy-link")).to_contain_text("Link copied")
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == f"{live_server.url}/plans/{demo.plan.slug}/s/{diversity.pk}/"
        expect(page.get_by_role("status").filter(has_text="Link copied")).to_have_count(1)
        # Following the link lands on the section.
        page.goto(copied)
        expect(page).to_have_url(re.compile(r"/#s-2-1$"))
        expect(page.locator("#s-2-1")).to_be_in_viewport()
    finally:
        context.close()
