"""A reader searches the demo plan from its header and follows a hit to its section."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from accounts.demo import demo_load


def test_reader_searches_from_the_plan_header_and_follows_a_hit(page, check_accessibility):
    demo = demo_load()
    page.goto(f"/plans/{demo.plan.slug}/")
    header_search = page.get_by_role("search", name="Search this plan")
    header_search.get_by_label("Search this plan").fill("childcare")
    header_search.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(rf"/plans/{demo.plan.slug}/search/\?q=childcare$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Search")
    hit = page.locator(".search-hit").filter(has_text="Childcare at in-person collaboration meetings")
    expect(hit.locator("mark").first).to_have_text(re.compile("childcare", re.IGNORECASE))
    check_accessibility(page)

    link = hit.get_by_role("link")
    anchor = link.get_attribute("href").split("#")[1]
    link.click()
    expect(page).to_have_url(re.compile(rf"/plans/{demo.plan.slug}/#{anchor}$"))
    heading = page.locator(f"#{anchor}")
    expect(heading).to_contain_text("Childcare at in-person collaboration meetings")
    expect(heading).to_be_visible()
    expect(heading).to_be_in_viewport()


def test_a_search_that_finds_nothing_helps_the_reader(page, check_accessibility):
    demo = demo_load()
    page.goto(f"/plans/{demo.plan.slug}/search/?q=xylophone")
    expect(page.get_by_role("status").filter(has_text="No section")).to_contain_text("xylophone")
    expect(page.get_by_role("heading", name="Try another search")).to_be_visible()
    check_accessibility(page)
    page.get_by_role("link", name="the contents of the plan").click()
    expect(page).to_have_url(re.compile(rf"/plans/{demo.plan.slug}/$"))
