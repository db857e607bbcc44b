"""/notifications/: a signed-in reader sees and stops their own subscriptions, and nobody else's."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from notifications.models import Subscription
from notifications.services import committee_preference_set
from plans.models import PlanRole, Role
from plans.services import plan_publish

URL = "/notifications/"


def test_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_a_reader_sees_their_subscriptions_by_published_title_and_stops_one(
    client, published_plan, make_plan, make_subscription, make_user
):
    other = make_plan("other-plan", title="Other plan")
    plan_publish(plan=other, notes="First.")
    user = make_user("reader@example.org")
    mine = make_subscription(published_plan, user.email, user=user)
    by_address = make_subscription(other, "reader@example.org", confirmed=False)  # asked before signing in
    make_subscription(published_plan, "someone-else@example.org")
    client.force_login(user)

    page = client.get(URL).content.decode()
    assert "Test plan" in page
    assert "Other plan" in page
    assert "Waiting for you to confirm" in page
    assert "someone-else" not in page

    response = client.post(URL, {"subscription": mine.pk}, follow=True)
    assert b"You no longer follow Test plan" in response.content
    assert set(Subscription.objects.values_list("pk", flat=True)) == {
        by_address.pk,
        Subscription.objects.get(email="someone-else@example.org").pk,
    }


@pytest.mark.parametrize("value", ["someone-else", "not-a-number", ""])
def test_nobody_can_stop_someone_elses_subscription(client, published_plan, make_subscription, make_user, value):
    theirs = make_subscription(published_plan, "someone-else@example.org")
    client.force_login(make_user("reader@example.org"))
    response = client.post(URL, {"subscription": theirs.pk if value == "someone-else" else value})
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert Subscription.objects.filter(pk=theirs.pk).exists()


def test_committee_members_see_their_notices_per_plan(client, plan, make_user):
    editor = make_user(plan=plan, role=Role.EDITOR)
    committee_preference_set(plan=plan, user=editor, consultations=True, comments=False)
    client.force_login(editor)
    page = client.get(URL).content.decode()
    assert "Committee notices" in page
    assert f'href="/plans/{plan.slug}/edit/notifications/"' in page
    assert "consultations</li>" in page.replace("\n", "").replace("  ", "")


def test_the_page_reads_in_a_fixed_number_of_queries(
    client, make_plan, make_subscription, make_user, django_assert_max_num_queries
):
    user = make_user("reader@example.org")
    for number in range(6):
        plan = make_plan(f"plan-{number}", title=f"Plan {number}")
        plan_publish(plan=plan, notes="First.")
        make_subscription(plan, user.email, user=user)
        PlanRole.objects.create(plan=plan, user=user, role=Role.EDITOR)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == HTTPStatus.OK
