"""Accepting an amendment while another editor saves the same section: exactly one wins, never a lost update."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consultations.models import AnswerStatus, Comment, Kind, ReviewRequest, ReviewState
from consultations.reviews import review_ask, review_decide
from consultations.services import ConsultationError, comment_post, consultation_open
from plans.models import Node, Role
from plans.services import EditConflict, node_update
from tests.concurrency import postgres_only, run_at_once

pytestmark = postgres_only


@pytest.fixture
def race(make_user, plan):
    cache.clear()
    chair = make_user("chair@example.org", plan=plan, role=Role.PUBLISHER)
    editor = make_user("ed@example.org", plan=plan, role=Role.EDITOR)
    collaborator = make_user("co@example.org")
    consultation = consultation_open(
        plan=plan, user=chair, label="Draft for consultation", closes_at=timezone.now() + dt.timedelta(days=3)
    )
    return chair, editor, collaborator, consultation


def test_accept_races_an_edit_of_the_same_section(plan, race):
    chair, editor, collaborator, consultation = race
    intro_id = Node.objects.get(plan=plan, title="Introduction").pk
    outcomes = set()
    for round_number in range(1, 5):
        base = Node.objects.get(pk=intro_id).revision
        amendment = comment_post(
            consultation=consultation,
            user=collaborator,
            section_id=intro_id,
            kind=Kind.AMENDMENT,
            body="Clearer.",
            proposed_text=f"Amended wording {round_number}.",
        )
        url = reverse("consultations:item_accept", args=[plan.slug, amendment.pk])

        def accept(base=base, url=url):
            client = Client()
            client.force_login(chair)
            return client.post(url, {"base_revision": base})

        def edit(base=base, n=round_number):
            node = Node.objects.get(pk=intro_id)
            return node_update(node=node, base_revision=base, data={"body": f"Editor's wording {n}."}, user=editor)

        response, edited = run_at_once(accept, edit)
        saved = Node.objects.get(pk=intro_id)
        assert saved.revision == base + 1  # exactly one save went through
        amendment = Comment.objects.get(pk=amendment.pk)
        if isinstance(edited, EditConflict):
            outcomes.add("amendment won")
            assert response.status_code == HTTPStatus.FOUND
            assert saved.body == f"Amended wording {round_number}."
            assert amendment.answer_status == AnswerStatus.ACCEPTED
        else:
            outcomes.add("edit won")
            assert isinstance(edited, Node), edited
            assert response.status_code == HTTPStatus.CONFLICT
            assert b"Not saved: someone else changed this section" in response.content
            assert saved.body == f"Editor's wording {round_number}."
            assert amendment.answer_status == ""  # nothing of the refused acceptance was kept
    assert outcomes  # each round had exactly one winner (checked above); which one is up to the database


def test_two_editors_asking_for_review_at_once_make_one_request(make_user, plan):
    make_user("chair2@example.org", plan=plan, role=Role.PUBLISHER)
    first = make_user("ed1@example.org", plan=plan, role=Role.EDITOR)
    second = make_user("ed2@example.org", plan=plan, role=Role.EDITOR)
    results = run_at_once(*(lambda user=user: review_ask(plan=plan, user=user) for user in (first, second, first)))
    asked = [r for r in results if isinstance(r, ReviewRequest)]
    assert len(asked) == 1
    assert all(isinstance(r, ConsultationError) for r in results if r not in asked)
    assert ReviewRequest.objects.filter(state=ReviewState.WAITING).count() == 1
    # Two publishers answering the same request at once: one answer is recorded, the other is refused.
    chairs = [make_user(f"p{n}@example.org", plan=plan, role=Role.PUBLISHER) for n in range(2)]
    request = asked[0]
    answers = run_at_once(
        lambda: review_decide(request=request, user=chairs[0], approve=True),
        lambda: review_decide(request=request, user=chairs[1], approve=False, comment="Not yet."),
    )
    assert sum(isinstance(a, ReviewRequest) for a in answers) == 1
    assert sum(isinstance(a, ConsultationError) for a in answers) == 1
    assert ReviewRequest.objects.get().state in (ReviewState.APPROVED, ReviewState.CHANGES)
