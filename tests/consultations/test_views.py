"""The consultation pages for every role, on public and members-only plans; anonymity; closed; limits."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from consultations.models import BODY_MAX_LENGTH, AnswerStatus, Comment, Kind
from consultations.services import comment_answer, comment_post, consultation_close
from plans.models import Node
from plans.services.edits import node_update
from tests.conftest import node

ROLES = ["visitor", "collaborator", "editor", "publisher", "admin", "other_editor"]


def _client(people, role: str) -> Client:
    client = Client()
    if role == "collaborator":
        client.force_login(people.collaborator)
    elif role != "visitor":
        client.force_login(getattr(people, role))
    return client


def _section(consultation, title: str) -> int:
    return next(s["id"] for s in consultation.sections() if s["title"] == title)


def _expected_public(role: str, visibility: str) -> set[int]:
    if role == "visitor":
        # A members-only plan is not revealed; the (signed-in) consultation of a public one asks to sign in.
        return {HTTPStatus.NOT_FOUND, HTTPStatus.FOUND}
    return {HTTPStatus.OK}


@pytest.mark.parametrize("role", ROLES)
def test_consultation_page_by_role(setting, role):
    plan, people, consultation = setting
    response = _client(people, role).get(reverse("consultations:consultation", args=[plan.slug]))
    assert response.status_code in _expected_public(role, plan.visibility)
    if role == "visitor":
        if plan.visibility == "members":
            assert response.status_code == HTTPStatus.NOT_FOUND
        else:
            assert "/accounts/login/" in response["Location"]
    else:
        assert consultation.label in response.content.decode()
        assert b"Send comment" in response.content  # every signed-in reader may take part


WORKSPACE_ROUTES = ["committee", "export_csv", "export_json", "item"]
PUBLISHER_ROUTES = ["open"]


def _workspace_expected(role: str, visibility: str, *, publisher_only: bool) -> set[int]:
    if role == "visitor":
        return {HTTPStatus.FOUND}
    if role == "publisher" or (role == "editor" and not publisher_only):
        return {HTTPStatus.OK}
    if role == "editor":
        return {HTTPStatus.FORBIDDEN}
    # Collaborators, admins and editors of another plan read the plan but are not its committee.
    return {HTTPStatus.FORBIDDEN}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", WORKSPACE_ROUTES + PUBLISHER_ROUTES)
def test_committee_pages_by_role(setting, role, name):
    plan, people, consultation = setting
    comment = comment_post(
        consultation=consultation, user=people.collaborator, section_id=_section(consultation, "Introduction"), body="A"
    )
    args = [plan.slug, comment.pk] if name == "item" else [plan.slug]
    response = _client(people, role).get(reverse(f"consultations:{name}", args=args))
    expected = _workspace_expected(role, plan.visibility, publisher_only=name in PUBLISHER_ROUTES)
    assert response.status_code in expected
    if role == "visitor":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["item_answer", "item_hide", "item_accept"])
def test_committee_actions_by_role(setting, role, name):
    plan, people, consultation = setting
    intro = node(plan, "Introduction")
    amendment = comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=intro.pk,
        kind=Kind.AMENDMENT,
        body="Why",
        proposed_text="New words.",
    )
    data = {"status": "accepted", "reason": "Yes.", "base_revision": intro.revision}
    response = _client(people, role).post(reverse(f"consultations:{name}", args=[plan.slug, amendment.pk]), data)
    amendment.refresh_from_db()
    changed = bool(amendment.answer_status or amendment.hidden_at)
    if role in ("editor", "publisher"):
        assert response.status_code == HTTPStatus.FOUND
        assert changed
    else:
        assert response.status_code in (HTTPStatus.FOUND, HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)
        if role == "visitor":
            assert "/accounts/login/" in response["Location"]
        assert not changed
        assert Node.objects.get(pk=intro.pk).body == intro.body


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ["extend", "close"])
def test_extend_and_close_by_role(setting, role, name):
    plan, people, consultation = setting
    later = (consultation.closes_at.replace(microsecond=0)).strftime("%Y-%m-%dT%H:%M")
    data = {"closes_at": later.replace(later[:4], str(int(later[:4]) + 1), 1)}
    _client(people, role).post(reverse(f"consultations:{name}", args=[plan.slug]), data)
    before = consultation.closes_at
    consultation.refresh_from_db()
    moved = consultation.closed_at is not None or consultation.closes_at != before
    assert moved is (role == "publisher")


@pytest.mark.parametrize("role", ROLES)
def test_posting_a_comment_by_role(setting, role):
    plan, people, consultation = setting
    data = {"kind": "comment", "section_id": _section(consultation, "Introduction"), "body": "My view."}
    _client(people, role).post(reverse("consultations:comment_post", args=[plan.slug]), data)
    posted = Comment.objects.filter(consultation=consultation, body="My view.").exists()
    # Every signed-in reader of the plan may take part (admins and other plans' editors are collaborators too).
    assert posted is (role != "visitor")


def test_open_page_opens_a_consultation(public_setting):
    plan, people, consultation = public_setting
    consultation_close(consultation=consultation, user=people.publisher)
    client = _client(people, "publisher")
    response = client.post(
        reverse("consultations:open", args=[plan.slug]),
        {"label": "3.0 draft", "closes_at": "2099-01-01T12:00", "audience": "signed_in"},
    )
    assert response.status_code == HTTPStatus.FOUND
    assert plan.consultations.filter(label="3.0 draft", closed_at=None).exists()


def test_anonymity_holds_on_committee_pages_exports_and_admin(public_setting):
    plan, people, consultation = public_setting
    comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=_section(consultation, "Introduction"),
        body="Said without my name.",
        anonymous=True,
    )
    comment = Comment.objects.get(body="Said without my name.")
    pages = [
        (people.editor, reverse("consultations:committee", args=[plan.slug])),
        (people.editor, reverse("consultations:item", args=[plan.slug, comment.pk])),
        (people.editor, reverse("consultations:export_csv", args=[plan.slug])),
        (people.editor, reverse("consultations:export_json", args=[plan.slug])),
        (people.editor, reverse("consultations:consultation", args=[plan.slug])),
        (people.admin, reverse("admin:consultations_comment_changelist")),
        (people.admin, reverse("admin:consultations_comment_change", args=[comment.pk])),
    ]
    for user, url in pages:
        client = Client()
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == HTTPStatus.OK, url
        text = response.content.decode()
        assert "Said without my name." in text, url
        assert "Anonymous" in text, url
        for secret in (people.collaborator.name, people.collaborator.email, comment.author_hash):
            assert secret not in text, (url, secret)


def test_named_authors_show_by_display_name_never_email(public_setting):
    plan, people, consultation = public_setting
    comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=_section(consultation, "Introduction"),
        body="Named.",
    )
    client = _client(people, "other")
    text = client.get(reverse("consultations:consultation", args=[plan.slug])).content.decode()
    assert people.collaborator.display_name in text
    assert people.collaborator.email not in text


def test_form_says_what_anonymity_means(public_setting):
    plan, people, _consultation = public_setting
    text = _client(people, "collaborator").get(reverse("consultations:consultation", args=[plan.slug])).content.decode()
    assert "your name is not stored with this comment at all" in text


def test_too_long_a_comment_gets_a_clear_message_and_keeps_the_text(public_setting):
    plan, people, consultation = public_setting
    body = "w" * (BODY_MAX_LENGTH + 5)
    response = _client(people, "collaborator").post(
        reverse("consultations:comment_post", args=[plan.slug]),
        {"kind": "comment", "section_id": _section(consultation, "Introduction"), "body": body},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    text = response.content.decode()
    assert f"This is limited to {BODY_MAX_LENGTH} characters (you wrote {BODY_MAX_LENGTH + 5})" in text
    assert body in text
    assert not Comment.objects.exists()


def test_rate_limit_message_on_the_page(public_setting):
    plan, people, consultation = public_setting
    client = _client(people, "collaborator")
    url = reverse("consultations:comment_post", args=[plan.slug])
    section = _section(consultation, "Introduction")
    statuses = [
        client.post(url, {"kind": "comment", "section_id": section, "body": f"n{i}"}).status_code for i in range(11)
    ]
    assert statuses[:10] == [HTTPStatus.FOUND] * 10
    assert statuses[10] == HTTPStatus.BAD_REQUEST
    assert Comment.objects.count() == 10


def test_closed_consultation_is_read_only_with_answers(public_setting):
    plan, people, consultation = public_setting
    comment = comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=_section(consultation, "Introduction"),
        body="Please add X.",
    )
    comment_answer(comment=comment, user=people.editor, status=AnswerStatus.NOT_TAKEN_UP, reason="Out of scope.")
    consultation_close(consultation=consultation, user=people.publisher)
    client = _client(people, "collaborator")
    text = client.get(reverse("consultations:consultation", args=[plan.slug])).content.decode()
    assert "This consultation is closed" in text
    assert "Not taken up." in text
    assert "Out of scope." in text
    assert "Send comment" not in text
    response = client.post(
        reverse("consultations:comment_post", args=[plan.slug]),
        {"kind": "comment", "section_id": comment.section_id, "body": "Late."},
    )
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert not Comment.objects.filter(body="Late.").exists()


def test_hidden_comment_shows_the_reason_not_the_text(public_setting):
    plan, people, consultation = public_setting
    comment = comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=_section(consultation, "Introduction"),
        body="Rude words.",
    )
    _client(people, "editor").post(
        reverse("consultations:item_hide", args=[plan.slug, comment.pk]), {"reason": "Not respectful."}
    )
    text = _client(people, "other").get(reverse("consultations:consultation", args=[plan.slug])).content.decode()
    assert "Hidden by the committee: Not respectful." in text
    assert "Rude words." not in text


def test_amendment_shows_as_a_word_diff_and_what_would_change(setting):
    plan, people, consultation = setting
    comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=_section(consultation, "Equity"),
        kind=Kind.AMENDMENT,
        body="Broader.",
        proposed_text="Fair access and support for all.",
    )
    text = _client(people, "other").get(reverse("consultations:consultation", args=[plan.slug])).content.decode()
    assert "<ins" in text
    assert "and support" in text
    # The draft changed the introduction before the consultation opened: "what would change" says so.
    assert "revised" in text


def test_banner_on_the_public_page_while_open(public_setting):
    plan, people, consultation = public_setting
    url = reverse("plans:plan_detail", args=[plan.slug])
    assert b"consultation-banner" in Client().get(url).content
    consultation_close(consultation=consultation, user=people.publisher)
    assert b"consultation-banner" not in Client().get(url).content


def test_accept_conflict_page_when_the_section_changed(public_setting):
    plan, people, consultation = public_setting
    intro = node(plan, "Introduction")
    amendment = comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=intro.pk,
        kind=Kind.AMENDMENT,
        body="Why",
        proposed_text="Amended words.",
    )
    node_update(node=intro, base_revision=intro.revision, data={"body": "An editor's words."}, user=people.publisher)
    response = _client(people, "editor").post(
        reverse("consultations:item_accept", args=[plan.slug, amendment.pk]), {"base_revision": intro.revision}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    text = response.content.decode()
    assert "Not saved: someone else changed this section" in text
    assert "An editor&#x27;s words." in text
    assert Node.objects.get(pk=intro.pk).body == "An editor's words."


def test_banner_reads_the_database_at_most_once_and_not_when_warm(public_setting):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan, _people, _consultation = public_setting
    url = reverse("plans:plan_detail", args=[plan.slug])
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert b"consultation-banner" in Client().get(url).content
        counts.append(sum("consultations_" in q["sql"] for q in queries.captured_queries))
    # Cold: the page cache's one query for the plan's state (its consultation marks among its
    # subqueries) and the banner's own; warm: none.
    assert counts == [2, 0]
