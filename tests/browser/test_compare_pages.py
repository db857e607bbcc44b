"""The compare page and "unpublished changes" in a real browser: readable without colour, axe-clean."""

from __future__ import annotations

from plans.models import Node
from plans.services import plan_publish
from tests.conftest import add_node


def _edit_and_publish(plan):
    equity = Node.objects.get(plan=plan, title="Equity")
    equity.body = "Fair access and support for all."
    equity.parent = Node.objects.get(plan=plan, title="Community engagement")
    equity.position = 9
    equity.save()
    add_node(plan, "Governance", body="Who decides, and how.")
    plan_publish(plan=plan, notes="Second version.")


def test_visitor_reads_what_changed_between_versions(page, published_plan, check_accessibility):
    _edit_and_publish(published_plan)
    page.goto(f"/plans/{published_plan.slug}/compare/")  # picks the latest against the one before
    assert page.url.endswith(f"/plans/{published_plan.slug}/compare/1.0/1.1/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("What changed in Test plan")
    equity = page.get_by_role("heading", name="Equity")
    assert "Moved from 2.2 to 3.2" in equity.inner_text()
    assert "Changed" in equity.inner_text()
    assert page.locator("ins", has_text="and support").count() == 1
    check_accessibility(page)
    # The picker goes the other way round.
    page.get_by_label("From version").select_option("1.1")
    page.get_by_label("To version").select_option("1.0")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_load_state()
    assert page.url.endswith("/compare/1.1/1.0/")
    assert "newer than version 1.0" in page.get_by_role("note").inner_text()
    check_accessibility(page)


def test_editor_sees_unpublished_changes(page, published_plan, make_user, sign_in, check_accessibility):
    editor = make_user("editor@example.org", plan=published_plan, role="editor")
    node = Node.objects.get(plan=published_plan, title="Diversity")
    node.body = "Many different kinds of people."
    node.save()
    sign_in(page, editor.email)
    page.goto(f"/plans/{published_plan.slug}/edit/changes/")
    assert page.get_by_role("heading", level=1).inner_text() == "Unpublished changes to Test plan"
    assert page.locator("ins", has_text="different").count() == 1
    check_accessibility(page)
