"""Tracking in a real browser: an editor reports progress and a measurement; a visitor sees both."""

from __future__ import annotations

import re

from plans.models import Node
from plans.services import plan_publish
from tests.tracking.conftest import build_tracked_plan, days_ago
from tracking.models import Measurement


def test_editor_reports_and_visitor_sees_it_on_the_dashboards(
    page, browser, live_server, make_plan, make_user, sign_in, check_accessibility
):
    plan = build_tracked_plan(make_plan("tracked"))
    plan_publish(plan=plan, user=None, notes="First version.")
    editor = make_user("editor@example.org", plan=plan, role="editor")
    today = days_ago(0).isoformat()

    sign_in(page, editor.email)
    # A progress update on an overdue action.
    page.goto(f"/plans/{plan.slug}/edit/progress/")
    page.get_by_role("link", name="Hold a welcome day").click()
    page.get_by_label(re.compile(r"^\s*Date\W*$")).fill(today)
    page.get_by_label(re.compile(r"^\s*Status\W*$")).select_option("done")
    page.get_by_label("Percent complete (optional)").fill("100")
    page.get_by_label("Note (optional)").fill("The welcome day brought forty newcomers.")
    page.get_by_role("button", name="Post update").click()
    page.wait_for_load_state()
    assert "posted" in page.locator(".messages").inner_text()
    check_accessibility(page)
    # A measurement of an indicator.
    page.goto(f"/plans/{plan.slug}/edit/measurements/")
    page.get_by_role("link", name="Share of women among postdocs").click()
    page.get_by_label(re.compile(r"^\s*Date\W*$")).fill(days_ago(1).isoformat())
    page.get_by_label(re.compile(r"^\s*Value\W*$")).fill("26")
    page.get_by_label("Numerator (optional)").fill("52")
    page.get_by_label("Denominator (optional)").fill("200")
    page.get_by_role("button", name="Record measurement").click()
    page.wait_for_load_state()
    assert "recorded" in page.locator(".messages").inner_text()
    check_accessibility(page)
    assert Node.objects.get(pk=Node.objects.get(plan=plan, title="Hold a welcome day").pk).status == "done"

    # A visitor, not signed in, in a browser of their own.
    context = browser.new_context(base_url=live_server.url)
    visitor = context.new_page()
    try:
        visitor.goto(f"/plans/{plan.slug}/actions/")
        row = visitor.get_by_role("row").filter(has_text="Hold a welcome day")
        assert "Done" in row.inner_text()
        assert "forty newcomers" in row.inner_text()
        assert "100%" in row.inner_text()
        check_accessibility(visitor)
        visitor.get_by_label("Status").select_option("overdue")
        visitor.get_by_role("button", name="Filter").click()
        visitor.wait_for_load_state()
        assert "No action matches these filters." in visitor.content()

        visitor.get_by_role("link", name="Indicators").click()
        visitor.wait_for_load_state()
        section = visitor.get_by_role("region", name="Share of women among postdocs")
        assert "26%" in section.inner_text()
        assert "52 of 200" in section.inner_text()
        assert section.get_by_role("img", name="Chart: Share of women among postdocs").count() == 1
        check_accessibility(visitor)
    finally:
        context.close()


def test_editor_imports_measurements_after_a_preview(page, make_plan, make_user, sign_in, check_accessibility):
    plan = build_tracked_plan(make_plan("tracked"))
    plan_publish(plan=plan, user=None, notes="First version.")
    editor = make_user("editor@example.org", plan=plan, role="editor")
    share = Node.objects.get(plan=plan, title="Share of women among postdocs").pk
    header = "indicator_id,date,value,numerator,denominator,breakdown\n"
    good = f"{share},2024-12-31,22.5,45,200,\n{share},2025-12-31,24,48,200,\n"
    bad = good + f"{share},31/12/2025,24,48,200,\n"

    sign_in(page, editor.email)
    page.goto(f"/plans/{plan.slug}/edit/measurements/import/")
    check_accessibility(page)
    page.get_by_label(re.compile(r"^\s*CSV file\W*$")).set_input_files(
        files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": (header + bad).encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert "Nothing was saved" in page.get_by_role("alert").inner_text()
    assert "not a date" in page.get_by_role("row").filter(has_text="31/12/2025").inner_text()
    assert page.get_by_role("button", name=re.compile("^Import")).count() == 0
    check_accessibility(page)

    page.get_by_label(re.compile(r"^\s*CSV file\W*$")).set_input_files(
        files=[{"name": "values.csv", "mimeType": "text/csv", "buffer": (header + good).encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state()
    assert Measurement.objects.count() == 0
    check_accessibility(page)
    page.get_by_role("button", name="Import 2 measurements").click()
    page.wait_for_load_state()
    assert "2 measurements imported" in page.locator(".messages").inner_text()
    assert Measurement.objects.count() == 2

    page.goto(f"/plans/{plan.slug}/reports/{days_ago(0).year}/")
    assert "24%" in page.get_by_role("row").filter(has_text="Share of women among postdocs").first.inner_text()
    check_accessibility(page)
