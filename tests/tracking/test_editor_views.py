"""Editor pages: only the plan's committee may post progress and record measurements."""

from decimal import Decimal
from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.models import ActionStatus, Visibility
from tracking.models import Measurement, ProgressUpdate
from tracking.services import measurement_record, progress_post

from .conftest import days_ago, node


def editor_urls(plan):
    action = node(plan, "Hold a welcome day")
    indicator = node(plan, "Share of women among postdocs")
    slug = {"slug": plan.slug}
    return [
        reverse("tracking:progress_list", kwargs=slug),
        reverse("tracking:progress_post", kwargs={**slug, "node_id": action.pk}),
        reverse("tracking:measurement_list", kwargs=slug),
        reverse("tracking:measurement_record", kwargs={**slug, "node_id": indicator.pk}),
        reverse("tracking:measurement_import", kwargs=slug),
        reverse("tracking:measurement_template", kwargs=slug),
    ]


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.MEMBERS])
def test_anonymous_visitors_are_sent_to_sign_in(client, make_tracked_plan, visibility):
    plan = make_tracked_plan("p", visibility=visibility)
    for url in editor_urls(plan):
        response = client.get(url)
        assert response.status_code == HTTPStatus.FOUND, url
        assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("role", [None, "other-plan-editor"])
def test_people_without_a_role_on_the_plan_are_refused(client, tracked_plan, make_tracked_plan, make_user, role):
    user = make_user(plan=make_tracked_plan("other"), role="publisher") if role else make_user()
    client.force_login(user)
    for url in editor_urls(tracked_plan):
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
        assert client.post(url, {}).status_code in (HTTPStatus.FORBIDDEN, HTTPStatus.METHOD_NOT_ALLOWED), url
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("role", [None, "other-plan-editor"])
def test_people_without_a_role_cannot_delete_progress_or_measurements(
    client, tracked_plan, make_tracked_plan, make_user, editor, role
):
    action = node(tracked_plan, "Hold a welcome day")
    indicator = node(tracked_plan, "Share of women among postdocs")
    update = progress_post(node=action, user=editor, date=days_ago(1), status=ActionStatus.IN_PROGRESS)
    measurement = measurement_record(indicator=indicator, user=editor, period_end=days_ago(1), value=Decimal(20))
    user = make_user(plan=make_tracked_plan("other"), role="publisher") if role else make_user()
    client.force_login(user)
    slug = tracked_plan.slug
    for url in (
        reverse("tracking:progress_delete", kwargs={"slug": slug, "node_id": action.pk, "pk": update.pk}),
        reverse("tracking:measurement_delete", kwargs={"slug": slug, "node_id": indicator.pk, "pk": measurement.pk}),
    ):
        assert client.get(url).status_code == HTTPStatus.FORBIDDEN, url
        assert client.post(url).status_code == HTTPStatus.FORBIDDEN, url
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()
    assert Measurement.objects.filter(pk=measurement.pk).exists()


def test_an_update_of_another_action_cannot_be_deleted_through_this_one(client, tracked_plan, editor):
    action = node(tracked_plan, "Hold a welcome day")
    other = node(tracked_plan, "Run a mentoring scheme")
    update = progress_post(node=other, user=editor, date=days_ago(1), status=ActionStatus.DONE)
    client.force_login(editor)
    url = reverse("tracking:progress_delete", kwargs={"slug": tracked_plan.slug, "node_id": action.pk, "pk": update.pk})
    assert client.post(url).status_code == HTTPStatus.NOT_FOUND
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


@pytest.mark.parametrize("role", ["editor", "publisher"])
def test_committee_members_may_use_the_pages(client, tracked_plan, make_user, role):
    client.force_login(make_user(plan=tracked_plan, role=role))
    for url in editor_urls(tracked_plan):
        assert client.get(url).status_code == HTTPStatus.OK, url


def test_post_a_progress_update(client, tracked_plan, editor):
    client.force_login(editor)
    action = node(tracked_plan, "Hold a welcome day")
    url = reverse("tracking:progress_post", kwargs={"slug": tracked_plan.slug, "node_id": action.pk})
    response = client.post(
        url,
        {"date": days_ago(0).isoformat(), "status": "in_progress", "percent_complete": "30", "note": "Venue booked"},
    )
    assert response.status_code == HTTPStatus.FOUND
    update = ProgressUpdate.objects.get()
    assert (update.node, update.author, update.percent_complete, update.note) == (action, editor, 30, "Venue booked")
    response = client.get(url)
    assert "Venue booked" in response.text


def test_a_bad_progress_update_shows_errors(client, tracked_plan, editor):
    client.force_login(editor)
    action = node(tracked_plan, "Hold a welcome day")
    url = reverse("tracking:progress_post", kwargs={"slug": tracked_plan.slug, "node_id": action.pk})
    response = client.post(url, {"date": "2999-01-01", "status": "done", "percent_complete": "150"})
    assert response.status_code == HTTPStatus.OK
    assert "100" in response.text
    response = client.post(url, {"date": "2999-01-01", "status": "done"})
    assert "cannot be dated in the future" in response.text
    assert not ProgressUpdate.objects.exists()


def test_progress_only_for_actions_of_this_plan(client, tracked_plan, make_tracked_plan, editor):
    client.force_login(editor)
    other_action = node(make_tracked_plan("other"), "Hold a welcome day")
    indicator = node(tracked_plan, "Share of women among postdocs")
    for node_id in (other_action.pk, indicator.pk):
        url = reverse("tracking:progress_post", kwargs={"slug": tracked_plan.slug, "node_id": node_id})
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND


def test_record_a_measurement(client, tracked_plan, editor):
    client.force_login(editor)
    indicator = node(tracked_plan, "Share of women among postdocs")
    url = reverse("tracking:measurement_record", kwargs={"slug": tracked_plan.slug, "node_id": indicator.pk})
    response = client.post(
        url,
        {
            "period_end": "2025-12-31",
            "value": "3",
            "group_size": "3",
            "breakdown": "career stage=senior",
            "source": "HR",
        },
    )
    assert response.status_code == HTTPStatus.FOUND
    measurement = Measurement.objects.get()
    assert measurement.breakdown == {"career stage": "senior"}
    assert measurement.recorded_by == editor
    response = client.get(url)
    # The committee sees the value, marked as hidden from the public.
    assert "career stage: senior" in response.text
    assert "Hidden" in response.text


def test_round_values_read_as_numbers_not_exponents(client, tracked_plan, editor):
    indicator = node(tracked_plan, "Share of women among postdocs")  # target 30
    measurement_record(indicator=indicator, user=editor, period_end=days_ago(1), value=Decimal("40.0000"))
    client.force_login(editor)
    url = reverse("tracking:measurement_record", kwargs={"slug": tracked_plan.slug, "node_id": indicator.pk})
    body = client.get(url).text
    assert "<td>40</td>" in body
    assert "<dd>30 by" in body
    assert "E+1" not in body


def test_a_bad_measurement_shows_errors(client, tracked_plan, editor):
    client.force_login(editor)
    indicator = node(tracked_plan, "Share of women among postdocs")
    url = reverse("tracking:measurement_record", kwargs={"slug": tracked_plan.slug, "node_id": indicator.pk})
    response = client.post(url, {"period_end": "2025-12-31", "value": "3", "breakdown": "senior"})
    assert response.status_code == HTTPStatus.OK
    assert "name=value" in response.text
    response = client.post(url, {"period_end": "2025-12-31", "period_start": "2026-01-01", "value": "3"})
    assert "The period must start on or before its last day." in response.text
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"numerator": "50", "denominator": "20"}, "numerator", "cannot be larger"),
        ({"group_size": "99999999999"}, "group_size", "too large"),  # past a PostgreSQL integer
        ({"numerator": "1", "denominator": "99999999999"}, "denominator", "too large"),
        ({"numerator": "-1", "denominator": "5"}, "numerator", ""),
        ({"value": "NaN"}, "value", ""),
        ({"value": "1e20"}, "value", ""),
        ({"period_end": "2999-01-01"}, "period_end", "future"),
        ({"period_end": "2026-13-45"}, "period_end", ""),
    ],
)
def test_impossible_measurements_are_form_errors(client, tracked_plan, editor, fields, field, message):
    client.force_login(editor)
    indicator = node(tracked_plan, "Share of women among postdocs")
    url = reverse("tracking:measurement_record", kwargs={"slug": tracked_plan.slug, "node_id": indicator.pk})
    response = client.post(url, {"period_end": "2025-12-31", "value": "3", **fields})
    assert response.status_code == HTTPStatus.OK
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not Measurement.objects.exists()


def test_delete_a_mistaken_update_restores_the_status(client, tracked_plan, editor):
    client.force_login(editor)
    action = node(tracked_plan, "Hold a welcome day")
    progress_post(node=action, user=editor, date=days_ago(5), status=ActionStatus.IN_PROGRESS)
    wrong = progress_post(node=action, user=editor, date=days_ago(1), status=ActionStatus.DROPPED)
    url = reverse("tracking:progress_delete", kwargs={"slug": tracked_plan.slug, "node_id": action.pk, "pk": wrong.pk})
    response = client.get(url)
    assert response.status_code == HTTPStatus.OK
    assert "Delete the progress update of" in response.text
    assert ProgressUpdate.objects.count() == 2  # asking deletes nothing
    response = client.post(url)
    assert response.status_code == HTTPStatus.FOUND
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    deleted = ProgressUpdate.history.filter(id=wrong.pk, history_type="-").get()
    assert deleted.history_user == editor


def test_delete_a_mistaken_measurement(client, tracked_plan, editor, make_user):
    indicator = node(tracked_plan, "Share of women among postdocs")
    measurement = measurement_record(indicator=indicator, user=editor, period_end=days_ago(3), value=Decimal("99"))
    url = reverse(
        "tracking:measurement_delete", kwargs={"slug": tracked_plan.slug, "node_id": indicator.pk, "pk": measurement.pk}
    )
    client.force_login(make_user())  # not on the committee
    assert client.post(url).status_code == HTTPStatus.FORBIDDEN
    client.force_login(editor)
    assert "for everyone: 99" in client.get(url).text
    assert client.post(url).status_code == HTTPStatus.FOUND
    assert not Measurement.objects.exists()
    assert Measurement.history.filter(id=measurement.pk, history_type="-").get().history_user == editor
    # Another indicator's measurement cannot be reached through this one's address.
    other = measurement_record(indicator=indicator, user=editor, period_end=days_ago(4), value=Decimal("1"))
    wrong_node = node(tracked_plan, "Postdocs mentored")
    url = reverse(
        "tracking:measurement_delete", kwargs={"slug": tracked_plan.slug, "node_id": wrong_node.pk, "pk": other.pk}
    )
    assert client.post(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(("rows", "words"), [(1, "1 measurement imported."), (2, "2 measurements imported.")])
def test_an_import_counts_in_words(client, tracked_plan, editor, rows, words):
    share = node(tracked_plan, "Share of women among postdocs")
    lines = "".join(f"{share.pk},2025-0{month}-28,24.5\n" for month in range(1, rows + 1))
    client.force_login(editor)
    response = client.post(
        reverse("tracking:measurement_import", kwargs={"slug": tracked_plan.slug}),
        {"confirm": "1", "csv_text": f"indicator_id,date,value\n{lines}"},
        follow=True,
    )
    assert words in response.text
    assert Measurement.objects.count() == rows


def test_a_progress_update_from_a_page_that_showed_another_status_is_refused(client, tracked_plan, editor):
    """Someone else's update changed the status after the form was opened: nothing is overridden unseen."""
    action = node(tracked_plan, "Hold a welcome day")
    url = reverse("tracking:progress_post", kwargs={"slug": tracked_plan.slug, "node_id": action.pk})
    client.force_login(editor)
    shown = client.get(url).context["form"]["base_revision"].value()
    progress_post(node=action, user=None, date=days_ago(1), status=ActionStatus.DONE)

    data = {"date": days_ago(0).isoformat(), "status": "in_progress", "note": "Venue booked", "base_revision": shown}
    response = client.post(url, data)

    assert response.status_code == HTTPStatus.OK
    assert "its status is now “Done”" in response.text
    form = response.context["form"]
    assert form["note"].value() == "Venue booked"
    assert int(form["base_revision"].value()) == action.revision + 1
    assert ProgressUpdate.objects.count() == 1
    assert client.post(url, form.data).status_code == HTTPStatus.FOUND
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
