"""Plan settings: changed by publishers in the workspace and by admins in the Django admin, never from a stale page."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client

from audit.models import AuditAction, AuditLogEntry
from plans.models import Node, Plan, Reference, Role, Visibility
from plans.services import EditConflict, plan_settings_update

SETTINGS = {
    "title": "Test plan",
    "description": "A plan for tests.",
    "visibility": "public",
    "small_count_threshold": 5,
}


def settings_url(plan: Plan) -> str:
    return f"/plans/{plan.slug}/edit/settings/"


@pytest.fixture
def chair(make_user, plan):
    return make_user("chair@example.org", name="Chris Chair", plan=plan, role=Role.PUBLISHER)


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(("role", "expected"), [(Role.EDITOR, HTTPStatus.FORBIDDEN), (Role.PUBLISHER, HTTPStatus.OK)])
def test_only_publishers_open_the_settings_page(make_user, plan, role, expected):
    client = signed_in(make_user(plan=plan, role=role))
    assert client.get(settings_url(plan)).status_code == expected
    posted = client.post(settings_url(plan), {**SETTINGS, "title": "Posted", "base_revision": 1})
    assert posted.status_code == (HTTPStatus.FOUND if role == Role.PUBLISHER else HTTPStatus.FORBIDDEN)
    assert (Plan.objects.get(pk=plan.pk).title == "Posted") == (role == Role.PUBLISHER)


def test_a_publisher_changes_the_settings_with_history_and_audit(chair, plan):
    client = signed_in(chair)
    data = {**SETTINGS, "title": "Renamed plan", "visibility": "members", "small_count_threshold": 10}
    response = client.post(settings_url(plan), {**data, "base_revision": 1, "message": "Members first"})
    assert response.status_code == HTTPStatus.FOUND
    plan.refresh_from_db()
    assert (plan.title, plan.visibility, plan.small_count_threshold, plan.revision) == (
        "Renamed plan",
        "members",
        10,
        2,
    )
    record = plan.history.first()
    assert (record.history_user, record.history_change_reason, record.title) == (chair, "Members first", "Renamed plan")
    entry = AuditLogEntry.objects.get(action=AuditAction.PLAN_SETTINGS_CHANGED)
    assert entry.actor_id == chair.pk
    assert entry.details == {
        "visibility": {"from": "public", "to": "members"},
        "small_count_threshold": {"from": 5, "to": 10},
    }


def test_a_change_of_title_alone_is_history_not_audit(chair, plan):
    plan_settings_update(plan=plan, base_revision=1, data={**SETTINGS, "title": "New"}, user=chair)
    assert not AuditLogEntry.objects.filter(action=AuditAction.PLAN_SETTINGS_CHANGED).exists()
    assert [record.title for record in plan.history.all()] == ["New", "Test plan"]  # the save, the creation


@pytest.mark.parametrize(
    ("field", "value"), [("small_count_threshold", 0), ("visibility", "everyone"), ("title", ""), ("title", "x" * 201)]
)
def test_bad_settings_are_refused_on_the_form(chair, plan, field, value):
    response = signed_in(chair).post(settings_url(plan), {**SETTINGS, field: value, "base_revision": 1})
    assert response.status_code == HTTPStatus.OK
    assert response.context["form"].errors[field]
    plan.refresh_from_db()
    assert plan.revision == 1


def test_the_service_refuses_a_bad_value_too(chair, plan):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        plan_settings_update(plan=plan, base_revision=1, data={"visibility": "everyone"}, user=chair)
    assert Plan.objects.get(pk=plan.pk).revision == 1


def test_a_stale_settings_form_gets_the_conflict_page_and_reverts_nothing(make_user, chair, plan):
    other = signed_in(make_user(plan=plan, role=Role.PUBLISHER))
    mine = signed_in(chair)
    assert 'name="base_revision" value="1"' in mine.get(settings_url(plan)).content.decode()
    other.post(settings_url(plan), {**SETTINGS, "visibility": "members", "base_revision": 1})

    response = mine.post(settings_url(plan), {**SETTINGS, "title": "My title", "base_revision": 1})

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Not saved: someone else changed this plan" in page
    assert 'name="base_revision" value="2"' in page  # sending the merged version is judged against theirs
    plan.refresh_from_db()
    assert (plan.title, plan.visibility, plan.revision) == ("Test plan", Visibility.MEMBERS, 2)


def test_the_guarded_update_lets_one_of_two_saves_from_one_revision_through(chair, plan):
    plan_settings_update(plan=plan, base_revision=1, data={"small_count_threshold": 8}, user=chair)
    with pytest.raises(EditConflict) as caught:
        plan_settings_update(plan=plan, base_revision=1, data={"small_count_threshold": 3}, user=chair)
    assert caught.value.current.small_count_threshold == 8
    assert Plan.objects.get(pk=plan.pk).small_count_threshold == 8


# The Django admin


@pytest.fixture
def make_admin(make_user):
    return lambda: make_user(is_staff=True, is_superuser=True)


def admin_form(client: Client, plan: Plan) -> dict:
    """The plan's admin change form as the page gives it (its hidden revision included)."""
    form = client.get(f"/admin/plans/plan/{plan.pk}/change/").context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data.update({"roles-TOTAL_FORMS": 0, "roles-INITIAL_FORMS": 0, "roles-MIN_NUM_FORMS": 0, "roles-MAX_NUM_FORMS": 0})
    return {key: value for key, value in data.items() if key != "slug"}


def test_two_admins_saving_from_the_same_page_the_second_is_refused(make_admin, plan):
    first, second = signed_in(make_admin()), signed_in(make_admin())
    url = f"/admin/plans/plan/{plan.pk}/change/"
    page_one, page_two = admin_form(first, plan), admin_form(second, plan)
    assert page_one["base_revision"] == page_two["base_revision"] == 1

    saved = first.post(url, {**page_one, "visibility": "members", "small_count_threshold": 10})
    assert saved.status_code == HTTPStatus.FOUND
    refused = second.post(url, {**page_two, "title": "A better title"})

    assert refused.status_code == HTTPStatus.OK
    assert "Someone changed this plan&#x27;s settings after you opened this page" in refused.content.decode()
    plan.refresh_from_db()
    # The first admin's change stands: members only, threshold 10; the stale title was not saved.
    assert (plan.visibility, plan.small_count_threshold, plan.title, plan.revision) == ("members", 10, "Test plan", 2)
    assert AuditLogEntry.objects.filter(action=AuditAction.PLAN_SETTINGS_CHANGED).count() == 1


def test_an_admin_save_without_a_revision_is_refused(make_admin, plan):
    client = signed_in(make_admin())
    data = {**admin_form(client, plan), "base_revision": "", "visibility": "members"}
    assert client.post(f"/admin/plans/plan/{plan.pk}/change/", data).status_code == HTTPStatus.OK
    assert Plan.objects.get(pk=plan.pk).visibility == "public"


def test_the_admin_cannot_change_a_plans_slug(make_admin, plan):
    client = signed_in(make_admin())
    client.post(f"/admin/plans/plan/{plan.pk}/change/", {**admin_form(client, plan), "slug": "moved"})
    assert Plan.objects.get(pk=plan.pk).slug == "test-plan"


def test_an_admin_still_adds_a_plan(make_admin, db):
    client = signed_in(make_admin())
    data = {**SETTINGS, "slug": "new-plan", "title": "New plan", "roles-TOTAL_FORMS": 0, "roles-INITIAL_FORMS": 0}
    assert client.post("/admin/plans/plan/add/", data).status_code == HTTPStatus.FOUND
    assert Plan.objects.get(slug="new-plan").revision == 1


@pytest.mark.parametrize("model", [Node, Reference])
def test_content_change_forms_in_the_admin_are_read_only(make_admin, plan, model):
    client = signed_in(make_admin())
    row = model.objects.filter(plan=plan).first()
    url = f"/admin/plans/{model._meta.model_name}/{row.pk}/change/"
    page = client.get(url)
    assert page.status_code == HTTPStatus.OK
    assert 'type="submit"' not in page.content.decode().split('id="content-main"', 1)[1].split("</form>", 1)[0]
    assert client.post(url, {"title": "Changed in the admin", "text": "Changed"}).status_code == HTTPStatus.FORBIDDEN
    revision = row.revision
    row.refresh_from_db()
    assert row.revision == revision
