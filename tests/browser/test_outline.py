"""The workspace outline in a real browser: few tab stops, reordering by keyboard, folded subtrees."""

from __future__ import annotations

import pytest

from accounts.demo import demo_load
from plans.models import Node, Role
from tests.browser.test_phone_width import PHONE, WIDE_ELEMENTS
from tests.plans.outline_plans import bulk_plan

PASSWORD = "a-long-demo-password"


def tab_stops_through_outline(page) -> int:
    """Press Tab from the control just before the outline until focus leaves it; the stops inside."""
    page.get_by_role("link", name="Add a section at the top level").focus()
    stops = 0
    while True:
        page.keyboard.press("Tab")
        inside = page.evaluate("() => !!document.activeElement.closest('.outline-root')")
        if not inside:
            return stops
        stops += 1
        assert stops < 2_000, "focus never left the outline"


@pytest.fixture
def demo(db):
    return demo_load(password=PASSWORD)


def test_a_keyboard_user_tabs_through_at_most_three_stops_per_section(page, demo, sign_in, check_accessibility):
    sign_in(page, "editor@example.org", PASSWORD)
    page.goto(f"/plans/{demo.plan.slug}/edit/")
    sections = page.locator(".outline-item").count()
    assert sections == Node.objects.live().filter(plan=demo.plan).count() == 46

    stops = tab_stops_through_outline(page)

    print(f"\n{stops} tab stops for {sections} sections")  # 507 before the menus
    assert stops <= 3 * sections
    assert stops == 2 * sections  # each title, each menu button: nothing folded in a plan this size
    check_accessibility(page)


def test_reordering_by_keyboard_alone(page, demo, sign_in, check_accessibility):
    plan = demo.plan
    sign_in(page, "editor@example.org", PASSWORD)
    page.goto(f"/plans/{plan.slug}/edit/")
    first, second = Node.objects.live().filter(plan=plan, parent=None).order_by("position")[:2]

    # Alt+Down on a title moves the section down; focus comes back to it, so it can go on.
    page.locator(f"#node-{first.pk} > .outline-row > .outline-title").focus()
    page.keyboard.press("Alt+ArrowDown")
    page.wait_for_url(f"**/edit/#node-{first.pk}")
    assert list(Node.objects.live().filter(plan=plan, parent=None).order_by("position")[:2]) == [second, first]
    assert page.evaluate("() => document.activeElement.closest('.outline-item').id") == f"node-{first.pk}"
    with page.expect_navigation():
        page.keyboard.press("Alt+ArrowUp")
    page.wait_for_function(f"() => document.activeElement.closest('#node-{first.pk}')")
    assert list(Node.objects.live().filter(plan=plan, parent=None).order_by("position")[:2]) == [first, second]

    # The same through the menu: Tab to its button, Enter opens it, the move buttons are inside.
    page.keyboard.press("Tab")
    summary = page.locator(f"#node-{first.pk} > .outline-row > details > summary")
    assert page.evaluate("() => document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    menu = page.locator(f"#node-{first.pk} > .outline-row > details")
    assert menu.get_attribute("open") is not None
    check_accessibility(page)
    page.keyboard.press("Escape")  # closes it again, focus back on its button
    assert menu.get_attribute("open") is None
    assert summary.evaluate("element => element === document.activeElement")
    page.keyboard.press("Enter")
    move_down = menu.get_by_role("button", name=f"Move down 1 {first.title}")
    while not move_down.evaluate("element => element === document.activeElement"):
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert list(Node.objects.live().filter(plan=plan, parent=None).order_by("position")[:2]) == [second, first]
    assert page.get_by_text(f"Moved “{first.title}” down.").count() == 1


@pytest.fixture
def big(plan, make_user):
    bulk_plan(plan, 1_500)
    make_user("editor@example.org", plan=plan, role=Role.EDITOR)
    return plan


def test_a_folded_subtree_opens_in_place_and_fits_a_phone(browser, live_server, big, sign_in, check_accessibility):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "editor@example.org")
        page.goto(f"/plans/{big.slug}/edit/")
        goal = Node.objects.get(plan=big, title="Goal 1")
        before = page.locator(".outline-item").count()
        show = page.get_by_role("link", name="Show the 7 sections under 4.1 Goal 1")
        check_accessibility(page)
        show.click()

        children = list(Node.objects.filter(parent=goal).order_by("position"))
        page.locator(f"#node-{children[-1].pk}").wait_for()
        assert page.url.endswith(f"/plans/{big.slug}/edit/")  # loaded in place, no new page
        assert page.locator(".outline-item").count() == before + len(children)
        focused = page.evaluate("() => document.activeElement.closest('.outline-item').id")
        assert focused == f"node-{children[0].pk}"  # focus goes to the first section loaded

        # A menu opened on a phone stays inside the screen; everything passes axe.
        page.locator(f"#node-{children[0].pk} > .outline-row > details > summary").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.evaluate(WIDE_ELEMENTS)
        check_accessibility(page)
    finally:
        context.close()


def test_without_javascript_the_show_link_opens_the_subtree(browser, live_server, big, sign_in):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        sign_in(page, "editor@example.org")
        page.goto(f"/plans/{big.slug}/edit/")
        goal = Node.objects.get(plan=big, title="Goal 1")
        page.get_by_role("link", name="Show the 7 sections under 4.1 Goal 1").click()
        page.wait_for_load_state()
        assert page.url.endswith(f"/edit/?open={goal.pk}#node-{goal.pk}")
        last = Node.objects.filter(parent=goal).order_by("position").last()
        assert page.locator(f"#node-{last.pk}").count() == 1
        # The menu is a plain disclosure: it opens without JavaScript too.
        menu = page.locator(f"#node-{last.pk} > .outline-row > details")
        menu.locator("summary").click()
        assert menu.get_by_role("button", name=f"Move up 4.1.7 {last.title}").is_visible()
    finally:
        context.close()
