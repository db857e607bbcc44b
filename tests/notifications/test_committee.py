"""Committee notices: the settings page per role, and notify_committee for consultations."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client

from notifications.models import CommitteeEvent, CommitteePreference, Delivery, DeliveryStatus
from notifications.services import (
    CommitteePreferenceError,
    NoticeError,
    committee_preference_set,
    deliveries_send,
    notify_committee,
)
from plans.models import PlanRole, Role

URL = "/plans/{slug}/edit/notifications/"


def url(plan) -> str:
    return URL.format(slug=plan.slug)


# The settings page --------------------------------------------------------------------------


@pytest.mark.parametrize("members_only", [False, True])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, HTTPStatus.FOUND),  # visitor: to the sign-in page
        ("collaborator", HTTPStatus.FORBIDDEN),
        ("editor-elsewhere", HTTPStatus.FORBIDDEN),
        (Role.EDITOR, HTTPStatus.OK),
        (Role.PUBLISHER, HTTPStatus.OK),
    ],
)
def test_only_the_plans_committee_members_reach_their_notice_settings(
    client, make_plan, make_user, role, status, members_only
):
    plan = make_plan(visibility="members" if members_only else "public")
    if role == "editor-elsewhere":
        client.force_login(make_user(plan=make_plan("elsewhere"), role=Role.EDITOR))
    elif role is not None:
        client.force_login(make_user(plan=plan, role=None if role == "collaborator" else role))
    response = client.get(url(plan))
    assert response.status_code == status
    if status == HTTPStatus.FOUND:
        assert response["Location"].startswith("/accounts/login/")
    if status == HTTPStatus.OK:
        assert b"Your notices about Test plan" in response.content
    assert client.post(url(plan), {"consultations": "on"}).status_code in {status, HTTPStatus.FOUND}
    assert CommitteePreference.objects.exists() == (status == HTTPStatus.OK)


def test_a_visitor_to_an_unknown_plan_is_sent_to_sign_in_without_a_hint(client, db):
    assert client.get("/plans/nothing-here/edit/notifications/").status_code == HTTPStatus.FOUND


def test_a_member_saves_their_choices_and_sees_them(client, plan, make_user):
    editor = make_user(plan=plan, role=Role.EDITOR)
    client.force_login(editor)
    response = client.post(url(plan), {"consultations": "on"}, follow=True)
    assert b"Your choices are saved." in response.content
    preference = CommitteePreference.objects.get(plan=plan, user=editor)
    assert (preference.consultations, preference.comments) == (True, False)
    form = client.get(url(plan)).context["form"]
    assert (form["consultations"].value(), form["comments"].value()) == (True, False)
    client.post(url(plan), {"comments": "on"})
    preference.refresh_from_db()
    assert (preference.consultations, preference.comments) == (False, True)
    assert CommitteePreference.objects.count() == 1


def test_only_committee_members_may_choose(plan, make_user):
    with pytest.raises(CommitteePreferenceError):
        committee_preference_set(plan=plan, user=make_user(), consultations=True, comments=True)


# notify_committee ---------------------------------------------------------------------------


@pytest.fixture
def committee(plan, make_user):
    """Four members: Ann wants both notices, Bo consultations, Cy comments, Di nothing."""
    people = {}
    for name, consultations, comments in [("ann", True, True), ("bo", True, False), ("cy", False, True)]:
        people[name] = make_user(f"{name}@example.org", plan=plan, role=Role.EDITOR)
        committee_preference_set(plan=plan, user=people[name], consultations=consultations, comments=comments)
    people["di"] = make_user("di@example.org", plan=plan, role=Role.PUBLISHER)
    return people


def recipients(deliveries) -> list[str]:
    return sorted(d.user.email for d in deliveries)


def test_a_notice_is_queued_for_each_member_who_asked_for_that_kind(plan, committee, make_plan, make_user):
    consultation = notify_committee(
        plan=plan, event=CommitteeEvent.CONSULTATIONS, subject="Consultation opened", text="", path="/plans/x/"
    )
    assert recipients(consultation) == ["ann@example.org", "bo@example.org"]
    comment = notify_committee(
        plan=plan, event="comments", subject="New comment on 2.1", text="Ann wrote…", path="/plans/x/", actor=None
    )
    assert recipients(comment) == ["ann@example.org", "cy@example.org"]
    # Wishes for another plan count for that plan only.
    other = make_plan("other-plan")
    outsider = make_user("eve@example.org", plan=other, role=Role.EDITOR)
    committee_preference_set(plan=other, user=outsider, consultations=True, comments=True)
    assert recipients(
        notify_committee(plan=plan, event="consultations", subject="Closed", text="", path="/plans/x/")
    ) == ["ann@example.org", "bo@example.org"]


def test_the_person_who_acted_is_not_told_about_their_own_comment(plan, committee):
    deliveries = notify_committee(
        plan=plan, event="comments", subject="New comment", text="", path="/plans/x/", actor=committee["ann"]
    )
    assert recipients(deliveries) == ["cy@example.org"]


def test_deactivated_members_get_nothing(plan, committee):
    committee["bo"].is_active = False
    committee["bo"].save()
    deliveries = notify_committee(plan=plan, event="consultations", subject="Opened", text="", path="/plans/x/")
    assert recipients(deliveries) == ["ann@example.org"]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"event": "everything"}, ValueError),
        ({"subject": "  "}, NoticeError),
        ({"subject": "x" * 151}, NoticeError),
        ({"text": "x" * 5001}, NoticeError),
        ({"path": "https://elsewhere.example/"}, NoticeError),
        ({"path": "//elsewhere.example/"}, NoticeError),
    ],
)
def test_a_malformed_notice_is_refused_and_queues_nothing(plan, committee, kwargs, error):
    arguments = {"plan": plan, "event": "comments", "subject": "New comment", "text": "", "path": "/plans/x/"}
    with pytest.raises(error):
        notify_committee(**{**arguments, **kwargs})
    assert not Delivery.objects.exists()


def test_the_notice_email_says_what_happened_and_links_to_it(plan, committee, settings):
    settings.PORTAL_URL = "https://dei.example.org"
    notify_committee(
        plan=plan,
        event="comments",
        subject="New comment on 2.1 Diversity",
        text="“Add career stage.”\n<b>not bold</b>",
        path="/plans/test-plan/edit/",
        actor=committee["ann"],
    )
    assert deliveries_send().sent == 1
    (message,) = mail.outbox
    assert message.to == ["cy@example.org"]
    assert message.subject == "[DEI Plan Portal] Test plan: New comment on 2.1 Diversity"
    assert "“Add career stage.”" in message.body
    assert "Open it: https://dei.example.org/plans/test-plan/edit/" in message.body
    assert "https://dei.example.org/plans/test-plan/edit/notifications/" in message.body
    assert "&lt;b&gt;not bold&lt;/b&gt;" in message.alternatives[0].content
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_its_unsubscribe_link_stops_only_that_kind_of_notice(plan, committee):
    notify_committee(plan=plan, event="comments", subject="New comment", text="", path="/plans/x/")
    deliveries_send()
    to_ann = next(m for m in mail.outbox if m.to == ["ann@example.org"])
    header = to_ann.extra_headers["List-Unsubscribe"]
    link = re.search(r"<http://localhost:8000(/notifications/unsubscribe/[^>]+)>", header)
    page = Client().get(link[1])
    assert b"stop notices about comments and suggested amendments" in page.content
    assert Client(enforce_csrf_checks=True).post(link[1]).status_code == HTTPStatus.OK
    preference = CommitteePreference.objects.get(user=committee["ann"])
    assert (preference.consultations, preference.comments) == (True, False)


@pytest.mark.parametrize("change", ["left the committee", "changed their mind"])
def test_a_notice_is_skipped_when_the_member_no_longer_wants_or_may_get_it(plan, committee, change):
    notify_committee(plan=plan, event="consultations", subject="Opened", text="", path="/plans/x/")
    if change == "left the committee":
        PlanRole.objects.filter(user=committee["bo"]).delete()
    else:
        committee_preference_set(plan=plan, user=committee["bo"], consultations=False, comments=False)
    report = deliveries_send()
    assert (report.sent, report.skipped) == (1, 1)
    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert Delivery.objects.get(user=committee["bo"]).status == DeliveryStatus.SKIPPED
