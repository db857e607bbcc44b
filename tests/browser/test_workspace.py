"""The committee workspace in a real browser: edit with preview, publish, and a visitor sees the result."""

from __future__ import annotations

import re

import pytest

from plans.models import Node, Role
from plans.services import node_delete, node_update

NEW_TEXT = "People of *many* backgrounds, careers and identities, as set out in [1]."


@pytest.fixture
def new_page(browser, live_server):
    """Another browser page with its own cookies (a second person)."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_editor_edits_with_preview_publisher_publishes_visitor_reads(
    page, new_page, published_plan, make_user, sign_in, check_accessibility
):
    plan = published_plan
    editor = make_user("editor@example.org", plan=plan, role=Role.EDITOR)
    publisher = make_user("chair@example.org", plan=plan, role=Role.PUBLISHER)

    # The editor opens the workspace: nothing changed since 1.0 yet.
    sign_in(page, editor.email)
    page.goto(f"/plans/{plan.slug}/edit/")
    assert page.get_by_role("heading", level=1).inner_text() == "Test plan: working draft"
    assert page.get_by_text("Changed since version 1.0").count() == 0
    check_accessibility(page)

    # Edit the definition of Diversity, preview it, save.
    page.get_by_role("link", name="Edit 2.1 Diversity").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Edit definition: Diversity"
    page.get_by_label("Definition").fill(NEW_TEXT)
    page.get_by_label("What did you change, and why? (optional)").fill("Broader definition")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    preview.locator("em", has_text="many").wait_for()
    assert preview.locator("a.citation", has_text="[1]").count() == 1  # rendered as on the public page
    assert page.url.endswith(f"/edit/n/{Node.objects.get(plan=plan, title='Diversity').pk}/")  # htmx: no reload
    page.mouse.move(0, 0)
    page.wait_for_timeout(300)  # let the button's hover transition finish before measuring contrast
    check_accessibility(page)
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()

    # Back on the outline, the node is marked changed.
    diversity = Node.objects.get(plan=plan, title="Diversity")
    assert diversity.body == NEW_TEXT
    assert diversity.history.first().history_user == editor
    row = page.locator(f"#node-{diversity.pk}")
    assert "Changed since version 1.0" in row.locator("> div").first.inner_text()
    assert page.get_by_text("Saved “Diversity”.").count() == 1

    # ... and listed under the unpublished changes, word by word.
    page.get_by_role("link", name="Unpublished changes").first.click()
    page.wait_for_load_state()
    changes = page.locator("main")
    assert "Diversity" in changes.inner_text()
    assert changes.locator("ins", has_text="backgrounds").count() >= 1
    assert changes.locator("del").count() >= 1

    # The publisher publishes a minor version from the browser.
    chair = new_page()
    sign_in(chair, publisher.email)
    chair.goto(f"/plans/{plan.slug}/edit/publish/")
    check_accessibility(chair)
    chair.get_by_label("Release notes").fill("A broader definition of diversity.")
    chair.get_by_label(re.compile("Minor: corrections")).check()
    chair.get_by_role("button", name="Publish").click()
    chair.wait_for_load_state()
    assert chair.url.endswith(f"/plans/{plan.slug}/v/1.1/")

    # A visitor (not signed in) reads the new text on the plan's page.
    visitor = new_page()
    visitor.goto(f"/plans/{plan.slug}/")
    document = visitor.locator("main")
    assert "Version 1.1" in document.inner_text()
    assert document.locator("em", has_text="many").count() == 1
    assert "backgrounds, careers and identities" in document.inner_text()
    # The old version keeps its old text at its own address.
    visitor.goto(f"/plans/{plan.slug}/v/1.0/")
    assert "Many kinds of people." in visitor.locator("main").inner_text()
    # The new version links to what changed since 1.0: the compare view shows the edit.
    visitor.goto(f"/plans/{plan.slug}/v/1.1/")
    visitor.get_by_role("link", name="What changed since version 1.0").click()
    visitor.wait_for_load_state()
    assert visitor.url.endswith(f"/plans/{plan.slug}/compare/1.0/1.1/")
    compare = visitor.locator("main")
    assert compare.locator("ins", has_text="backgrounds").count() >= 1
    assert compare.locator("del").count() >= 1
    check_accessibility(visitor)


def test_workspace_pages_pass_axe(page, published_plan, make_user, sign_in, check_accessibility):
    plan = published_plan
    editor = make_user("editor@example.org", plan=plan, role=Role.EDITOR)
    intro = Node.objects.get(plan=plan, title="Introduction")
    node_update(node=intro, base_revision=1, data={"body": "A new introduction."}, user=editor, message="Shorter")
    node_delete(node=Node.objects.get(plan=plan, title="Community engagement"), user=editor)
    first, latest = intro.history.order_by("history_date")
    sign_in(page, editor.email)
    base = f"/plans/{plan.slug}/edit"
    for path in [
        f"{base}/",  # with a "changed" mark now
        f"{base}/n/{intro.pk}/history/",
        f"{base}/n/{intro.pk}/compare/?from={first.history_id}&to={latest.history_id}",
        f"{base}/n/{intro.pk}/revert/{first.history_id}/",
        f"{base}/n/{intro.pk}/move/",
        f"{base}/n/{intro.pk}/kind/",
        f"{base}/n/{intro.pk}/kind/?kind=definition",
        f"{base}/n/{Node.objects.get(plan=plan, title='Definitions').pk}/delete/",
        f"{base}/add/?parent={Node.objects.get(plan=plan, title='Definitions').pk}",
        f"{base}/add/?kind=narrative",
        f"{base}/deleted/",
        f"{base}/recent/",
        f"{base}/references/",
    ]:
        page.goto(path)
        assert page.get_by_role("heading", level=1).count() == 1, path
        check_accessibility(page)

    # The conflict page: edit from a form that someone else's save has made stale.
    page.goto(f"{base}/n/{intro.pk}/")
    node_update(node=Node.objects.get(pk=intro.pk), base_revision=2, data={"body": "Their text."}, user=None)
    page.get_by_label("Text").fill("My text.")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("Not saved")).count() == 1
    assert page.get_by_label("Text").input_value() == "My text."
    check_accessibility(page)
