"""A visitor reads the demo plan in a real browser: list, plan page, table of contents, accessibility."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from accounts.demo import demo_load


def test_visitor_opens_the_demo_plan_and_follows_the_table_of_contents(page, check_accessibility):
    demo = demo_load()
    title = demo.plan.title

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_accessibility(page)

    page.get_by_role("link", name=title, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/plans/{demo.plan.slug}/$"))
    expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
    expect(page.get_by_text("Version 1.0", exact=False).first).to_be_visible()
    # The page shows version 1.0, not the unpublished draft edits made after it.
    expect(page.get_by_text("Share slides a day before each plenary session")).to_have_count(0)
    check_accessibility(page)

    contents = page.get_by_role("navigation", name="Contents")
    link = contents.locator('a[href="#s-2-1"]')
    expect(link).to_contain_text("Diversity")
    link.click()
    expect(page).to_have_url(re.compile(r"#s-2-1$"))
    heading = page.locator("#s-2-1")
    expect(heading).to_contain_text("Diversity")
    expect(heading).to_be_visible()
    expect(heading).to_be_in_viewport()
