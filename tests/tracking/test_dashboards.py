"""Public dashboards: what they show, filters, sorting, counts, CSV, access and query counts."""

import csv
import datetime as dt
import io
from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.models import ActionStatus, NodeKind, Visibility
from plans.services import plan_publish
from tests.conftest import add_node
from tracking.services import measurement_record, progress_post

from .conftest import days_ago, node


def actions_url(plan, **query):
    url = reverse("tracking:actions", kwargs={"slug": plan.slug})
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def titles(response) -> list[str]:
    return [row.title for row in response.context["rows"]]


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_actions_dashboard_lists_every_action_with_state(client, tracked_plan):
    response = client.get(actions_url(tracked_plan))
    assert response.status_code == HTTPStatus.OK
    assert titles(response) == ["Run a mentoring scheme", "Hold a welcome day", "Publish promotion criteria"]
    body = response.text
    assert "Overdue" in body
    assert "⚠" in body  # an icon as well as the word
    assert "Mentoring subcommittee" in body


def test_the_dashboard_shows_the_published_version_not_the_draft(client, tracked_plan):
    goal = node(tracked_plan, "Welcome newcomers")
    add_node(tracked_plan, "A draft-only action", parent=goal, kind=NodeKind.ACTION, owner="Nobody yet")
    renamed = node(tracked_plan, "Hold a welcome day")
    renamed.title = "Renamed in the draft"
    renamed.save()
    response = client.get(actions_url(tracked_plan))
    assert "A draft-only action" not in response.text
    assert "Renamed in the draft" not in response.text
    assert "Hold a welcome day" in titles(response)
    plan_publish(plan=tracked_plan, user=None, notes="Second version.")
    response = client.get(actions_url(tracked_plan))
    assert "A draft-only action" in titles(response)
    assert "Renamed in the draft" in titles(response)


def test_live_progress_is_joined_to_the_published_action(client, tracked_plan, editor):
    action = node(tracked_plan, "Hold a welcome day")
    progress_post(
        node=action, user=editor, date=days_ago(1), status=ActionStatus.DONE, percent_complete=100, note="Done!"
    )
    response = client.get(actions_url(tracked_plan))
    row = next(r for r in response.context["rows"] if r.id == action.pk)
    assert (row.state.key, row.percent_complete, row.note) == ("done", 100, "Done!")
    # Looking back to before the update shows the earlier state.
    response = client.get(actions_url(tracked_plan, as_of=days_ago(5).isoformat()))
    row = next(r for r in response.context["rows"] if r.id == action.pk)
    assert row.state.key == "overdue"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "overdue"}, ["Hold a welcome day"]),
        ({"status": "done"}, ["Publish promotion criteria"]),
        ({"owner": "outreach team"}, ["Hold a welcome day"]),
        ({"status": "nonsense"}, ["Run a mentoring scheme", "Hold a welcome day", "Publish promotion criteria"]),
        ({"sort": "-title"}, ["Run a mentoring scheme", "Publish promotion criteria", "Hold a welcome day"]),
        ({"sort": "target"}, ["Hold a welcome day", "Publish promotion criteria", "Run a mentoring scheme"]),
        ({"sort": "-target"}, ["Publish promotion criteria", "Hold a welcome day", "Run a mentoring scheme"]),
        ({"sort": "owner"}, ["Publish promotion criteria", "Run a mentoring scheme", "Hold a welcome day"]),
    ],
)
def test_filters_and_sorting(client, tracked_plan, query, expected):
    assert titles(client.get(actions_url(tracked_plan, **query))) == expected


def test_filter_by_area(client, tracked_plan):
    careers = node(tracked_plan, "Career advancement")
    assert titles(client.get(actions_url(tracked_plan, area=careers.pk))) == ["Publish promotion criteria"]
    community = node(tracked_plan, "Community engagement")
    response = client.get(actions_url(tracked_plan, area=community.pk, status="on_track"))
    assert titles(response) == ["Run a mentoring scheme"]


def test_counts_per_status_per_area(client, tracked_plan):
    response = client.get(actions_url(tracked_plan, status="done"))
    counts = {
        (c.area.title if c.area else None): {s.key: n for s, n in c.cells} for c in response.context["area_counts"]
    }
    assert counts["Community engagement"]["overdue"] == 1
    assert counts["Community engagement"]["on_track"] == 1
    assert counts["Career advancement"]["done"] == 1
    total = response.context["total_counts"]
    assert total.total == 3  # counts ignore the filters
    community = node(tracked_plan, "Community engagement")
    assert f'href="?area={community.pk}&amp;status=overdue#actions-table"' in response.text


def test_csv_export_of_the_filtered_table(client, tracked_plan):
    url = reverse("tracking:actions_csv", kwargs={"slug": tracked_plan.slug})
    response = client.get(url + "?status=overdue")
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [r["action"] for r in rows] == ["Hold a welcome day"]
    assert rows[0]["state"] == "Overdue"
    assert rows[0]["area"] == "Community engagement"
    assert rows[0]["plan_version"] == "1.0"
    assert len(csv_rows(client.get(url))) == 3


def test_the_page_links_to_the_csv_with_its_filters(client, tracked_plan):
    response = client.get(actions_url(tracked_plan, status="overdue", sort="-target"))
    assert reverse("tracking:actions_csv", kwargs={"slug": tracked_plan.slug}) + "?status=overdue&amp;sort=-target" in (
        response.text
    )


def test_csv_cells_cannot_run_as_formulas(client, make_tracked_plan, editor):
    plan = make_tracked_plan("formula", publish=False)
    add_node(plan, "=HYPERLINK(evil)", parent=node(plan, "Fair promotion"), kind=NodeKind.ACTION, owner="@board")
    plan_publish(plan=plan, user=None, notes="v1")
    rows = csv_rows(client.get(reverse("tracking:actions_csv", kwargs={"slug": plan.slug})))
    evil = next(r for r in rows if "HYPERLINK" in r["action"])
    assert evil["action"] == "'=HYPERLINK(evil)"
    assert evil["owner"] == "'@board"


def test_indicators_dashboard(client, tracked_plan, editor):
    share = node(tracked_plan, "Share of women among postdocs")
    for year, value in ((2023, "21"), (2024, "24.5")):
        measurement_record(
            indicator=share,
            user=editor,
            period_start=dt.date(year, 1, 1),
            period_end=dt.date(year, 12, 31),
            value=Decimal(value),
            numerator=int(Decimal(value) * 2),
            denominator=200,
        )
    response = client.get(reverse("tracking:indicators", kwargs={"slug": tracked_plan.slug}))
    assert response.status_code == HTTPStatus.OK
    body = response.text
    row = response.context["indicators"][0]
    assert row.latest.display == "24.5%"
    assert row.trend.verdict == "improving"
    assert "Up from 21%" in body
    # A chart with a title, a description and a target line, plus the same data as a table.
    assert "<svg" in body
    assert 'role="img"' in body
    assert f'<title id="chart-{share.pk}-title">' in body
    assert f'<desc id="chart-{share.pk}-desc">' in body
    assert "Target 30%" in body
    assert 'stroke-dasharray="8 5"' in body
    assert "2024-01-01 to 2024-12-31" in body
    assert "49 of 200" in body
    assert "<script" not in body.split("</main>")[0]


def test_indicator_csv(client, tracked_plan, editor):
    share = node(tracked_plan, "Share of women among postdocs")
    measurement_record(indicator=share, user=editor, period_end=dt.date(2024, 12, 31), value=Decimal("24.5"))
    rows = csv_rows(client.get(reverse("tracking:indicators_csv", kwargs={"slug": tracked_plan.slug})))
    assert rows == [
        {
            "section": rows[0]["section"],
            "indicator": "Share of women among postdocs",
            "unit": "%",
            "period_start": "",
            "date": "2024-12-31",
            "group": "",
            "value": "24.5",
            "numerator": "",
            "denominator": "",
            "source": "",
            "note": "",
            "baseline": "20",
            "target": "30",
            "target_date": "2030-12-31",
        }
    ]


# --- Access ---------------------------------------------------------------------------------

PUBLIC_ROUTES = [
    "actions",
    "actions_csv",
    "actions_json",
    "indicators",
    "indicators_csv",
    "indicators_json",
    "report_list",
]


@pytest.mark.parametrize("route", PUBLIC_ROUTES)
def test_members_plans_are_hidden_from_visitors(client, make_tracked_plan, make_user, route):
    plan = make_tracked_plan("members-only", visibility=Visibility.MEMBERS)
    url = reverse(f"tracking:{route}", kwargs={"slug": plan.slug})
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(make_user())
    assert client.get(url).status_code == HTTPStatus.OK


def test_a_members_plans_annual_report_is_hidden_from_visitors(client, make_tracked_plan, make_user):
    plan = make_tracked_plan("members-only", visibility=Visibility.MEMBERS)
    url = reverse("tracking:report", kwargs={"slug": plan.slug, "year": days_ago(0).year})
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND
    client.force_login(make_user())
    assert client.get(url).status_code == HTTPStatus.OK


@pytest.mark.parametrize(
    "query",
    [
        {"area": "abc"},
        {"area": "-1"},
        {"area": "9" * 40},
        {"area": "1" * 5000},
        {"status": "<script>"},
        {"owner": "x" * 5000},
        {"sort": "-"},
        {"sort": "--number"},
        {"sort": "__class__"},
        {"as_of": "2026-13-45"},
        {"as_of": "0000-01-01"},
        {"as_of": "0001-01-01"},
        {"as_of": "9999-12-31"},
        {"as_of": "20260101"},
        {"as_of": "x" * 5000},
    ],
)
@pytest.mark.parametrize(
    "route", ["actions", "actions_csv", "actions_json", "indicators", "indicators_csv", "indicators_json"]
)
def test_garbage_parameters_are_ignored_not_errors(client, tracked_plan, route, query):
    response = client.get(reverse(f"tracking:{route}", kwargs={"slug": tracked_plan.slug}), query)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("year", [0, 1, 1899, 99999, 10**30])
def test_report_years_out_of_range_are_404(client, tracked_plan, year):
    url = f"/plans/{tracked_plan.slug}/reports/{year}/"
    assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("route", PUBLIC_ROUTES)
def test_unknown_or_unpublished_plans_are_404(client, make_tracked_plan, route):
    assert client.get(reverse(f"tracking:{route}", kwargs={"slug": "nope"})).status_code == HTTPStatus.NOT_FOUND
    plan = make_tracked_plan("draft-only", publish=False)
    assert client.get(reverse(f"tracking:{route}", kwargs={"slug": plan.slug})).status_code == HTTPStatus.NOT_FOUND


# --- Query counts: constant in the number of actions ----------------------------------------


def plan_with_actions(make_plan, make_user, count: int):
    plan = make_plan(f"plan-{count}")
    user = make_user(plan=plan, role="editor")
    area = node(plan, "Community engagement")
    goal = node(plan, "Welcome newcomers")
    for i in range(count):
        action = add_node(plan, f"Action {i}", parent=goal, kind=NodeKind.ACTION, owner=f"Owner {i % 4}")
        progress_post(node=action, user=user, date=days_ago(i % 7), status=ActionStatus.IN_PROGRESS, percent_complete=i)
        indicator = add_node(plan, f"Indicator {i}", parent=area, kind=NodeKind.INDICATOR, unit="people")
        measurement_record(indicator=indicator, user=user, period_end=days_ago(i % 5 + 1), value=Decimal(i * 3))
    plan_publish(plan=plan, user=None, notes="v1")
    return plan


# A first, uncached request: the page cache's plan state (one query), then the view's own.
# Cached pages make none (tests/tracking/test_dashboard_cache.py).
@pytest.mark.parametrize("count", [3, 30])
@pytest.mark.parametrize(
    ("route", "queries"),
    [
        ("actions", 4),
        ("actions_csv", 4),
        ("actions_json", 4),
        ("indicators", 4),
        ("indicators_csv", 4),
        ("indicators_json", 4),
        ("report", 6),
    ],
)
def test_query_counts_do_not_grow_with_the_plan(
    client, make_plan, make_user, django_assert_num_queries, count, route, queries
):
    plan = plan_with_actions(make_plan, make_user, count)
    kwargs = {"slug": plan.slug}
    if route == "report":
        kwargs["year"] = days_ago(0).year
    url = reverse(f"tracking:{route}", kwargs=kwargs)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


@pytest.mark.parametrize("count", [3, 30])
def test_looking_back_before_the_version_costs_one_query_more_whatever_the_size(
    client, make_plan, make_user, django_assert_num_queries, count
):
    plan = plan_with_actions(make_plan, make_user, count)
    url = reverse("tracking:actions", kwargs={"slug": plan.slug}) + f"?as_of={days_ago(400).isoformat()}"
    with django_assert_num_queries(5):  # the actions' recorded statuses on that day
        response = client.get(url)
    assert response.status_code == HTTPStatus.OK


def test_json_api(client, tracked_plan, editor):
    share = node(tracked_plan, "Share of women among postdocs")
    measurement_record(
        indicator=share,
        user=editor,
        period_end=dt.date(2024, 12, 31),
        value=Decimal("24.5"),
        numerator=49,
        denominator=200,
    )
    data = client.get(reverse("tracking:indicators_json", kwargs={"slug": tracked_plan.slug})).json()
    assert data["version"] == "1.0"
    assert data["small_count_threshold"] == 5
    indicator = data["indicators"][0]
    assert indicator["title"] == "Share of women among postdocs"
    assert indicator["target"] == {"value": "30", "date": "2030-12-31"}
    assert indicator["measurements"][0]["value"] == "24.5"
    assert indicator["measurements"][0]["display"] == "24.5%"
    url = reverse("tracking:actions_json", kwargs={"slug": tracked_plan.slug})
    actions = client.get(url + "?status=overdue").json()["actions"]
    assert [(a["title"], a["state"], a["status"]) for a in actions] == [("Hold a welcome day", "overdue", "planned")]
