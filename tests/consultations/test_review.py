"""Review before publishing: an editor asks, a publisher approves or asks for changes, publishing ends it."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditLogEntry
from consultations.models import ReviewRequest, ReviewState, ShareLink
from consultations.reviews import review_ask, review_decide, review_status, review_withdraw
from consultations.services import ConsultationError
from consultations.sharing import share_link_create, share_token
from notifications.models import CommitteePreference, Delivery
from notifications.services import committee_preference_set, deliveries_send
from plans.models import Role
from plans.services import plan_publish
from plans.services.edits import node_update
from tests.conftest import node


@pytest.fixture
def committee(make_plan, make_user):
    plan = make_plan("reviewed", title="Reviewed plan")
    plan_publish(plan=plan, user=None, notes="First.")
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=intro.revision, data={"body": "A new opening."}, user=None)
    return plan, {
        "editor": make_user("edna@example.org", name="Edna Editor", plan=plan, role=Role.EDITOR),
        "chair": make_user("pat@example.org", name="Pat Publisher", plan=plan, role=Role.PUBLISHER),
        "vice": make_user("vic@example.org", name="Vic Vice", plan=plan, role=Role.PUBLISHER),
        "reader": make_user("rita@example.org", name="Rita Reader"),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_editor_asks_and_the_publishers_are_told(committee):
    plan, people = committee
    request = review_ask(plan=plan, user=people["editor"], note="Look at 1 especially.")
    assert request.state == ReviewState.WAITING
    assert sorted(Delivery.objects.values_list("user__email", flat=True)) == ["pat@example.org", "vic@example.org"]
    assert deliveries_send().sent == 2
    message = mail.outbox[0]
    assert "Edna Editor asks a publisher to review the draft" in message.body
    assert "Look at 1 especially." in message.body
    assert "/plans/reviewed/edit/review/" in message.body
    assert AuditLogEntry.objects.filter(action=AuditAction.REVIEW_REQUESTED, plan_slug=plan.slug).count() == 1
    with pytest.raises(ConsultationError, match="already asked"):
        review_ask(plan=plan, user=people["chair"])


def test_nothing_to_review_when_the_draft_is_the_latest_version(make_plan, make_user):
    plan = make_plan("same")
    plan_publish(plan=plan, user=None, notes="First.")
    editor = make_user("e@example.org", plan=plan, role=Role.EDITOR)
    with pytest.raises(ConsultationError, match="nothing new to review"):
        review_ask(plan=plan, user=editor)


def test_only_the_committee_asks_and_only_another_publisher_answers(committee):
    plan, people = committee
    with pytest.raises(ConsultationError, match="committee members"):
        review_ask(plan=plan, user=people["reader"])
    request = review_ask(plan=plan, user=people["chair"])
    with pytest.raises(ConsultationError, match="publishers"):
        review_decide(request=request, user=people["editor"], approve=True)
    with pytest.raises(ConsultationError, match="Another publisher"):
        review_decide(request=request, user=people["chair"], approve=True)
    assert review_decide(request=request, user=people["vice"], approve=True).state == ReviewState.APPROVED


def test_asking_for_changes_needs_a_comment_and_tells_the_person_who_asked(committee):
    plan, people = committee
    request = review_ask(plan=plan, user=people["editor"])
    deliveries_send()
    mail.outbox.clear()
    with pytest.raises(ConsultationError, match="Say what should change"):
        review_decide(request=request, user=people["chair"], approve=False, comment="  ")
    decided = review_decide(request=request, user=people["chair"], approve=False, comment="Shorten 1.")
    assert (decided.state, decided.comment, decided.decided_by) == (ReviewState.CHANGES, "Shorten 1.", people["chair"])
    assert deliveries_send().sent == 1
    (message,) = mail.outbox
    assert message.to == ["edna@example.org"]
    assert "Pat Publisher asks for changes to the draft." in message.body
    assert "Shorten 1." in message.body
    assert AuditLogEntry.objects.filter(action=AuditAction.REVIEW_DECIDED, details__state="changes").count() == 1
    # The outline tells the person who asked.
    outline = _client(people["editor"]).get(reverse("plans:workspace", args=[plan.slug])).content.decode()
    assert "Pat Publisher asked for changes" in outline
    assert "Shorten 1." in outline
    # And they may ask again.
    assert review_ask(plan=plan, user=people["editor"]).state == ReviewState.WAITING


def test_a_member_who_turned_review_notices_off_is_not_emailed(committee):
    plan, people = committee
    committee_preference_set(plan=plan, user=people["vice"], consultations=False, comments=False, reviews=False)
    review_ask(plan=plan, user=people["editor"])
    assert list(Delivery.objects.values_list("user__email", flat=True)) == ["pat@example.org"]
    # A member with no choices recorded got the defaults, so their email's unsubscribe link works.
    assert CommitteePreference.objects.get(user=people["chair"]).reviews is True


def test_the_publish_page_shows_the_review_and_whether_the_draft_changed_since(committee):
    plan, people = committee
    chair = _client(people["chair"])
    url = reverse("plans:workspace_publish", args=[plan.slug])
    assert "Nobody has asked for a review of this draft" in chair.get(url).content.decode()
    request = review_ask(plan=plan, user=people["editor"])
    assert "it is waiting for a publisher" in chair.get(url).content.decode()
    review_decide(request=request, user=people["vice"], approve=True, comment="Good to go.")
    page = chair.get(url).content.decode()
    assert "Approved by Vic Vice" in page
    assert "for the draft as it is now" in page
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=intro.revision, data={"body": "Changed after approval."}, user=None)
    assert review_status(plan).changed_since
    assert "the draft has changed since" in chair.get(url).content.decode()


def test_publishing_ends_the_review_and_links_it_to_the_version(committee):
    plan, people = committee
    request = review_ask(plan=plan, user=people["editor"])
    review_decide(request=request, user=people["chair"], approve=True)
    version = plan_publish(plan=plan, user=people["chair"], notes="Reviewed.")
    request.refresh_from_db()
    assert request.version == version
    assert review_status(plan).request is None
    page = _client(people["editor"]).get(reverse("consultations:review_request", args=[plan.slug])).content.decode()
    assert f"version {version.number}" in page


def test_withdrawing(committee):
    plan, people = committee
    request = review_ask(plan=plan, user=people["editor"])
    other_editor_plan_user = people["reader"]
    with pytest.raises(ConsultationError):
        review_withdraw(request=request, user=other_editor_plan_user)
    review_withdraw(request=request, user=people["editor"])
    assert ReviewRequest.objects.get(pk=request.pk).state == ReviewState.WITHDRAWN
    assert AuditLogEntry.objects.filter(action=AuditAction.REVIEW_WITHDRAWN).count() == 1
    with pytest.raises(ConsultationError, match="already answered or withdrawn"):
        review_decide(request=request, user=people["chair"], approve=True)


def test_the_review_pages_in_the_browser_flow(committee):
    plan, people = committee
    editor, chair = _client(people["editor"]), _client(people["chair"])
    response = editor.post(reverse("consultations:review_ask", args=[plan.slug]), {"note": "Please read 1."})
    assert response.status_code == HTTPStatus.FOUND
    request = ReviewRequest.objects.get()
    page = editor.get(reverse("consultations:review_request", args=[plan.slug])).content.decode()
    assert "Please read 1." in page
    assert "Withdraw the request" in page
    assert "Send your answer" not in page
    decide = reverse("consultations:review_decide", args=[plan.slug, request.pk])
    # An editor cannot answer; a publisher's empty "changes" is refused on the form.
    assert editor.post(decide, {"decision": "approve"}).status_code == HTTPStatus.FORBIDDEN
    refused = chair.post(decide, {"decision": "changes", "comment": ""})
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert "Say what should change" in refused.content.decode()
    assert chair.post(decide, {"decision": "changes", "comment": "Fix 1."}).status_code == HTTPStatus.FOUND
    assert ReviewRequest.objects.get().state == ReviewState.CHANGES
    # A second answer to the same request is refused with a message, not a 500.
    again = chair.post(decide, {"decision": "approve"})
    assert again.status_code == HTTPStatus.BAD_REQUEST
    assert "already answered" in again.content.decode()


def test_the_admin_lists_review_requests_and_links_read_only_and_never_a_token(committee, make_user, client):
    plan, people = committee
    review_ask(plan=plan, user=people["editor"])
    link = share_link_create(plan=plan, user=people["chair"], label="Funding agency")
    client.force_login(make_user("root@example.org", is_staff=True, is_superuser=True))
    for url in (
        "/admin/consultations/reviewrequest/",
        f"/admin/consultations/reviewrequest/{ReviewRequest.objects.get().pk}/change/",
        "/admin/consultations/sharelink/",
        f"/admin/consultations/sharelink/{link.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        assert share_token(link) not in response.content.decode()
        assert link.nonce not in response.content.decode()
    assert client.get("/admin/consultations/sharelink/add/").status_code == HTTPStatus.FORBIDDEN
    assert ShareLink.objects.count() == 1


def test_a_review_email_says_why_it_came_and_its_one_click_link_stops_review_notices(committee):
    plan, people = committee
    review_ask(plan=plan, user=people["editor"])
    deliveries_send()
    to_chair = next(m for m in mail.outbox if m.to == ["pat@example.org"])
    assert "your notices about review of the draft before publishing" in to_chair.body
    link = re.search(
        r"<http://localhost:8000(/notifications/unsubscribe/[^>]+)>", to_chair.extra_headers["List-Unsubscribe"]
    )
    assert Client(enforce_csrf_checks=True).post(link[1]).status_code == HTTPStatus.OK
    preference = CommitteePreference.objects.get(user=people["chair"], plan=plan)
    assert preference.reviews is False
