"""The page cache on the dashboards and reports: warm hits, and every write that must show at once."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from plans.caching.connection import forget
from plans.caching.pages import ANONYMOUS
from plans.caching.store import entry_get, entry_key
from plans.models import ActionStatus, Node, NodeKind, Plan, Visibility
from plans.services import plan_publish
from tests.conftest import add_node, node
from tests.plans.test_page_cache import personal_part, templates_rendered, without_csrf_values
from tracking.models import Measurement, ProgressUpdate
from tracking.services import (
    measurement_delete,
    measurement_record,
    measurements_import_csv,
    progress_delete,
    progress_post,
)

from .conftest import days_ago

ROUTES = ["actions", "actions_csv", "actions_json", "indicators", "indicators_csv", "indicators_json", "report_list"]


def urls(plan: Plan) -> list[str]:
    """Every dashboard URL a visitor may open, with the query strings the pages link to."""
    found = [reverse(f"tracking:{route}", kwargs={"slug": plan.slug}) for route in ROUTES]
    found.append(reverse("tracking:report", kwargs={"slug": plan.slug, "year": days_ago(0).year}))
    actions = reverse("tracking:actions", kwargs={"slug": plan.slug})
    found += [f"{actions}?status=overdue&sort=-target", f"{actions}?as_of={days_ago(3).isoformat()}"]
    found.append(reverse("tracking:indicators_csv", kwargs={"slug": plan.slug}) + f"?as_of={days_ago(2).isoformat()}")
    return found


def sized_plan(slug: str, sections: int, user) -> Plan:
    """A published plan of about `sections` sections: half actions with progress, half indicators measured."""
    plan = Plan.objects.create(slug=slug, title=f"Plan of {sections}")
    area = add_node(plan, "Area", kind=NodeKind.AREA)
    goal = add_node(plan, "Goal", parent=area, kind=NodeKind.GOAL)
    half = (sections - 2) // 2
    Node.objects.bulk_create(
        Node(plan=plan, parent=goal, position=i, kind=NodeKind.ACTION, title=f"Action {i}", status="planned")
        for i in range(half)
    )
    Node.objects.bulk_create(
        Node(plan=plan, parent=area, position=half + i, kind=NodeKind.INDICATOR, title=f"Indicator {i}", unit="%")
        for i in range(sections - 2 - half)
    )
    for action in Node.objects.filter(plan=plan, kind=NodeKind.ACTION)[:5]:
        progress_post(node=action, user=user, date=days_ago(1), status=ActionStatus.IN_PROGRESS, percent_complete=10)
    for indicator in Node.objects.filter(plan=plan, kind=NodeKind.INDICATOR)[:5]:
        measurement_record(indicator=indicator, user=user, period_end=days_ago(1), value=Decimal("12.5"))
    plan_publish(plan=plan, notes="First.")
    return plan


@pytest.mark.parametrize("sections", [10, 500])
def test_a_warm_dashboard_hit_makes_no_query_and_renders_no_template(
    client, make_user, django_assert_num_queries, sections
):
    plan = sized_plan(f"plan-{sections}", sections, make_user())
    for url in urls(plan):
        first = client.get(url)
        assert first.status_code == HTTPStatus.OK, url
        with django_assert_num_queries(0), templates_rendered() as names:
            again = client.get(url)
        assert names == [], url
        assert again.content == first.content, url
        assert again["Cache-Control"] == "public, max-age=0, must-revalidate"


def test_csv_downloads_keep_their_file_name_when_cached(client, tracked_plan):
    url = reverse("tracking:actions_csv", kwargs={"slug": tracked_plan.slug})
    first = client.get(url)
    again = client.get(url)
    assert again["Content-Disposition"] == first["Content-Disposition"]
    assert again["Content-Type"].startswith("text/csv")


def action_state(client, plan: Plan, title: str) -> str:
    response = client.get(reverse("tracking:actions_csv", kwargs={"slug": plan.slug}))
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return next(row["state"] for row in rows if row["action"] == title)


def test_a_progress_update_shows_on_the_next_request(client, tracked_plan, editor):
    page = reverse("tracking:actions", kwargs={"slug": tracked_plan.slug})
    client.get(page)
    assert action_state(client, tracked_plan, "Hold a welcome day") == "Overdue"
    update = progress_post(
        node=node(tracked_plan, "Hold a welcome day"), user=editor, date=days_ago(0), status=ActionStatus.DONE
    )
    assert action_state(client, tracked_plan, "Hold a welcome day") == "Done"
    assert "Done" in client.get(page).text
    progress_delete(update=update, user=editor)
    assert action_state(client, tracked_plan, "Hold a welcome day") == "Overdue"


def indicator_values(client, plan: Plan) -> list[str]:
    response = client.get(reverse("tracking:indicators_json", kwargs={"slug": plan.slug}))
    return [m["display"] for row in response.json()["indicators"] for m in row["measurements"]]


def test_a_measurement_shows_on_the_next_request(client, tracked_plan, editor):
    page = reverse("tracking:indicators", kwargs={"slug": tracked_plan.slug})
    client.get(page)
    assert indicator_values(client, tracked_plan) == []
    measurement = measurement_record(
        indicator=node(tracked_plan, "Share of women among postdocs"),
        user=editor,
        period_end=days_ago(1),
        value=Decimal("24.5"),
    )
    assert indicator_values(client, tracked_plan) == ["24.5%"]
    assert "24.5" in client.get(page).text
    measurement_delete(measurement=Measurement.objects.get(pk=measurement.pk), user=editor)
    assert indicator_values(client, tracked_plan) == []


def test_an_import_shows_on_the_next_request(client, tracked_plan, editor):
    client.get(reverse("tracking:indicators", kwargs={"slug": tracked_plan.slug}))
    assert indicator_values(client, tracked_plan) == []
    indicator = node(tracked_plan, "Share of women among postdocs")
    text = f"indicator_id,date,value\n{indicator.pk},{days_ago(3).isoformat()},21\n"
    measurements_import_csv(plan=tracked_plan, user=editor, text=text)
    assert indicator_values(client, tracked_plan) == ["21%"]


def test_publishing_shows_the_new_version_on_the_dashboards(client, tracked_plan):
    page = reverse("tracking:actions", kwargs={"slug": tracked_plan.slug})
    client.get(page)
    add_node(tracked_plan, "A new action", parent=node(tracked_plan, "Welcome newcomers"), kind=NodeKind.ACTION)
    assert "A new action" not in client.get(page).text
    plan_publish(plan=tracked_plan, notes="Second version.")
    assert "A new action" in client.get(page).text


def test_the_threshold_is_read_again_when_the_plan_changes(client, tracked_plan, editor):
    measurement_record(
        indicator=node(tracked_plan, "Postdocs mentored"), user=editor, period_end=days_ago(1), value=Decimal("4")
    )
    assert indicator_values(client, tracked_plan) == ["fewer than 5"]
    tracked_plan.small_count_threshold = 3
    tracked_plan.save()
    assert indicator_values(client, tracked_plan) == ["4 people"]


def test_a_new_day_builds_the_pages_again(client, tracked_plan, monkeypatch):
    due = node(tracked_plan, "Run a mentoring scheme")
    due.target_date = days_ago(0)
    due.save()
    plan_publish(plan=tracked_plan, notes="Due today.")
    assert action_state(client, tracked_plan, "Run a mentoring scheme") == "On track"
    tomorrow = days_ago(-1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: tomorrow)
    forget()  # the page cache reads the date once a minute
    assert action_state(client, tracked_plan, "Run a mentoring scheme") == "Overdue"


def test_a_write_made_without_the_services_shows_within_the_state_timeout(
    client, tracked_plan, editor, monkeypatch, settings
):
    """A process that did not make the write learns of it from the database (data marks)."""
    settings.PAGE_CACHE_STATE_TIMEOUT = 3
    action = node(tracked_plan, "Hold a welcome day")
    assert action_state(client, tracked_plan, "Hold a welcome day") == "Overdue"
    monkeypatch.setattr("tracking.services.progress.plan_cache_bump", lambda **kwargs: None)
    progress_post(node=action, user=editor, date=days_ago(0), status=ActionStatus.DONE)
    assert ProgressUpdate.objects.filter(node=action).exists()
    assert action_state(client, tracked_plan, "Hold a welcome day") == "Overdue"  # not told yet
    later = time.time() + 4
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: later)
    assert action_state(client, tracked_plan, "Hold a welcome day") == "Done"


def test_a_members_plans_dashboards_are_never_stored_for_visitors(client, make_tracked_plan, make_user):
    plan = make_tracked_plan("members", visibility=Visibility.MEMBERS)
    member = Client()
    member.force_login(make_user())
    for url in urls(plan):
        assert member.get(url).status_code == HTTPStatus.OK, url
        assert member.get(url).status_code == HTTPStatus.OK, url
        assert entry_get(entry_key(ANONYMOUS, RequestFactory().get(url))) is None
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND, url


def test_signed_in_dashboards_show_the_person(tracked_plan, make_user):
    url = reverse("tracking:actions", kwargs={"slug": tracked_plan.slug})
    first, second = make_user("one@example.org"), make_user("two@example.org")
    one, two = Client(), Client()
    one.force_login(first)
    two.force_login(second)
    assert personal_part(first, url) in without_csrf_values(one.get(url).text)
    page = without_csrf_values(two.get(url).text)
    assert personal_part(second, url) in page
    assert personal_part(first, url) not in page
    assert "Hold a welcome day" in page


def test_a_date_in_the_future_is_cut_to_today_and_cached_as_asked(client, tracked_plan):
    url = reverse("tracking:actions_json", kwargs={"slug": tracked_plan.slug})
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    first = client.get(f"{url}?as_of={future}").json()
    assert first["as_of"] == days_ago(0).isoformat()
    assert client.get(f"{url}?as_of={future}").json() == first
