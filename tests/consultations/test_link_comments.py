"""Commenting through a review link: optional per link, marked with the link's label, never with a name."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditLogEntry
from consultations.models import Comment, Kind
from consultations.services import ConsultationError, comment_post, comment_support, consultation_close
from consultations.sharing import share_link_create, share_link_revoke, share_url
from tests.conftest import node

LABEL = "External reviewer: funding agency"


def _intro_id(consultation) -> int:
    return next(s["id"] for s in consultation.sections() if s["title"] == "Introduction")


@pytest.fixture
def commenting_link(public_setting):
    plan, people, consultation = public_setting
    link = share_link_create(plan=plan, user=people.publisher, label=LABEL, allow_comments=True)
    return plan, people, consultation, link


def test_a_commenting_link_needs_an_open_consultation(make_plan, make_user, people):
    plan = make_plan("no-consultation")
    publisher = make_user("chair@example.org", plan=plan, role="publisher")
    with pytest.raises(ConsultationError, match="consultation is open"):
        share_link_create(plan=plan, user=publisher, label=LABEL, allow_comments=True)
    read_only = share_link_create(plan=plan, user=publisher, label=LABEL)
    assert not read_only.allow_comments
    assert read_only.consultation is None


def test_the_link_shows_the_consultation_draft_with_forms_and_no_anonymity_choice(commenting_link):
    _plan, _people, consultation, link = commenting_link
    assert link.snapshot == consultation.snapshot
    response = Client().get(share_url(link))
    assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "Comment on" in text
    assert "Suggest new wording" in text
    assert 'name="anonymous"' not in text  # the label stands for the holder; no name is asked for
    assert f"coming from “{LABEL}”" in text
    # Ids are unique on the page: each section has its own form fields.
    ids = [part.split('"')[0] for part in text.split(' id="')[1:]]
    assert len(ids) == len(set(ids))


def test_a_comment_and_an_amendment_through_the_link_are_marked_with_its_label(commenting_link):
    plan, people, consultation, link = commenting_link
    client = Client()
    url = share_url(link)
    section = _intro_id(consultation)
    response = client.post(url, {"kind": "comment", "section_id": section, "body": "Please define the terms."})
    assert response.status_code == HTTPStatus.FOUND
    response = client.post(
        url,
        {"kind": "amendment", "section_id": section, "body": "Shorter.", "proposed_text": "Why the plan exists."},
    )
    assert response.status_code == HTTPStatus.FOUND
    sent = list(Comment.objects.filter(consultation=consultation).order_by("pk"))
    assert [(c.kind, c.author_id, c.anonymous, c.author_label) for c in sent] == [
        (Kind.COMMENT, None, False, LABEL),
        (Kind.AMENDMENT, None, False, LABEL),
    ]
    assert all(c.share_link_id == link.pk for c in sent)
    # The committee's page, its exports and the public consultation page all say where it came from.
    committee = Client()
    committee.force_login(people.editor)
    page = committee.get(reverse("consultations:committee", args=[plan.slug])).content.decode()
    assert f"by {LABEL}" in page
    exported = json.loads(committee.get(reverse("consultations:export_json", args=[plan.slug])).content)
    assert {row["author"] for row in exported["items"]} == {LABEL}
    reader = Client()
    reader.force_login(people.collaborator)
    public = reader.get(reverse("consultations:consultation", args=[plan.slug])).content.decode()
    assert f"by {LABEL}" in public
    assert AuditLogEntry.objects.filter(action=AuditAction.SHARE_LINK_CREATED, details__comments=True).count() == 1


def test_a_reply_through_the_link(commenting_link):
    _plan, people, consultation, link = commenting_link
    first = comment_post(
        consultation=consultation, user=people.collaborator, section_id=_intro_id(consultation), body="A"
    )
    response = Client().post(
        share_url(link), {"kind": "comment", "section_id": first.section_id, "parent_id": first.pk, "body": "Agreed."}
    )
    assert response.status_code == HTTPStatus.FOUND
    reply = Comment.objects.get(parent=first)
    assert reply.author_label == LABEL


def test_a_bad_comment_through_the_link_keeps_the_text_and_says_why(commenting_link):
    _plan, _people, consultation, link = commenting_link
    section = _intro_id(consultation)
    response = Client().post(share_url(link), {"kind": "comment", "section_id": section, "body": "x" * 5000})
    assert response.status_code == HTTPStatus.BAD_REQUEST
    text = response.content.decode()
    assert "limited to 4000 characters (you wrote 5000)" in text
    assert "x" * 5000 in text
    assert not Comment.objects.exists()


@pytest.mark.parametrize("how", ["read-only", "revoked", "closed"])
def test_no_comment_through_a_link_that_does_not_take_them(commenting_link, how):
    plan, people, consultation, link = commenting_link
    if how == "read-only":
        link = share_link_create(plan=plan, user=people.publisher, label="Read only")
    elif how == "revoked":
        url = share_url(link)
        share_link_revoke(link=link, user=people.publisher)
    else:
        consultation_close(consultation=consultation, user=people.publisher)
    url = share_url(link)
    response = Client().post(url, {"kind": "comment", "section_id": _intro_id(consultation), "body": "Hello"})
    assert response.status_code in {HTTPStatus.FOUND, HTTPStatus.GONE}
    assert not Comment.objects.exists()
    if how == "closed":
        page = Client().get(url).content.decode()
        assert "Comments are closed" in page
        assert "Comment on" not in page


def test_the_link_is_rate_limited_like_a_person(commenting_link, settings):
    _plan, _people, consultation, link = commenting_link
    from consultations.services import COMMENT_RATE_LIMIT

    section = _intro_id(consultation)
    for number in range(COMMENT_RATE_LIMIT):
        comment_post(consultation=consultation, link=link, section_id=section, body=f"Point {number}")
    with pytest.raises(ConsultationError, match="Wait a little"):
        comment_post(consultation=consultation, link=link, section_id=section, body="One more")


def test_a_link_comment_can_be_supported_by_collaborators(commenting_link):
    _plan, people, consultation, link = commenting_link
    comment = comment_post(consultation=consultation, link=link, section_id=_intro_id(consultation), body="A point")
    assert comment_support(comment=comment, user=people.collaborator).comment_id == comment.pk


def test_the_share_page_lists_comment_counts(commenting_link):
    plan, people, consultation, link = commenting_link
    comment_post(consultation=consultation, link=link, section_id=_intro_id(consultation), body="A point")
    client = Client()
    client.force_login(people.publisher)
    page = client.get(reverse("consultations:share", args=[plan.slug])).content.decode()
    assert "1 sent, on “2.0 draft for consultation”" in page
    assert node(plan, "Introduction")  # the draft is untouched by comments


def test_the_committee_can_show_only_what_came_through_review_links(commenting_link):
    plan, people, consultation, link = commenting_link
    section = _intro_id(consultation)
    comment_post(consultation=consultation, user=people.collaborator, section_id=section, body="From a member")
    comment_post(consultation=consultation, link=link, section_id=section, body="From the agency")
    client = Client()
    client.force_login(people.editor)
    page = client.get(reverse("consultations:committee", args=[plan.slug]), {"show": "link"}).content.decode()
    assert "From the agency" in page
    assert "From a member" not in page
