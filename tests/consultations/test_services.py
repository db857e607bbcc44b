"""The consultation services: one open per plan, anonymity, limits, answers, moderation, amendments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditAction, AuditLogEntry
from consultations.models import BODY_MAX_LENGTH, AnswerStatus, Comment, Consultation, Kind
from consultations.services import (
    COMMENT_RATE_LIMIT,
    ConsultationError,
    EditConflict,
    amendment_accept,
    comment_answer,
    comment_hide,
    comment_post,
    comment_support,
    consultation_close,
    consultation_extend,
)
from notifications.models import CommitteePreference, Delivery
from plans.models import Node, PlanVersion
from plans.services.edits import node_update
from tests.conftest import node

from .conftest import open_on


def _intro_id(consultation: Consultation) -> int:
    return next(s["id"] for s in consultation.sections() if s["title"] == "Introduction")


def test_opening_freezes_the_draft_without_making_a_version(public_setting):
    plan, _people, consultation = public_setting
    versions = PlanVersion.objects.filter(plan=plan).count()
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=intro.revision, data={"body": "Changed after opening."}, user=None)
    consultation.refresh_from_db()
    section = consultation.section(intro.pk)
    assert section["body"] == "Why this plan exists, as agreed in [1]."
    assert PlanVersion.objects.filter(plan=plan).count() == versions == 1
    assert AuditLogEntry.objects.filter(action=AuditAction.CONSULTATION_OPENED, plan_slug=plan.slug).count() == 1


def test_one_open_consultation_per_plan(public_setting):
    plan, people, _consultation = public_setting
    with pytest.raises(ConsultationError, match="already has an open consultation"):
        open_on(plan, people.publisher)
    # The database holds the rule too, whatever code writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(plan=plan, label="x", snapshot={}, closes_at=timezone.now() + dt.timedelta(days=1))


def test_only_publishers_open_and_anyone_only_on_public_plans(setting):
    plan, people, consultation = setting
    consultation_close(consultation=consultation, user=people.publisher)
    with pytest.raises(ConsultationError, match="publishers"):
        open_on(plan, people.editor)
    if plan.visibility == "members":
        with pytest.raises(ConsultationError, match="public plan"):
            open_on(plan, people.publisher, audience="anyone")
    else:
        assert open_on(plan, people.publisher, audience="anyone").is_open


def test_opening_tells_followers_and_committee_members_who_asked(make_plan, make_user, people):
    from plans.models import Role
    from plans.services import plan_publish

    plan = make_plan("told")
    plan_publish(plan=plan, user=None, notes="First.")
    chair = make_user("chair@example.org", plan=plan, role=Role.PUBLISHER)
    member = make_user("member@example.org", plan=plan, role=Role.EDITOR)
    make_user("quiet@example.org", plan=plan, role=Role.EDITOR)
    CommitteePreference.objects.create(user=member, plan=plan, consultations=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("notifications.services.notices.sending_enqueue_on_commit", lambda: None)
        open_on(plan, chair)
    assert list(Delivery.objects.filter(plan=plan, event="consultations").values_list("user", flat=True)) == [member.pk]


def test_extend_and_close_are_audited_and_close_is_final(public_setting):
    _plan, people, consultation = public_setting
    later = consultation.closes_at + dt.timedelta(days=7)
    with pytest.raises(ConsultationError, match="publishers"):
        consultation_extend(consultation=consultation, user=people.editor, closes_at=later)
    consultation_extend(consultation=consultation, user=people.publisher, closes_at=later)
    consultation.refresh_from_db()
    assert consultation.closes_at == later
    consultation_close(consultation=consultation, user=people.publisher)
    consultation.refresh_from_db()
    assert not consultation.is_open
    assert AuditLogEntry.objects.filter(action=AuditAction.CONSULTATION_CLOSED).count() == 1
    assert AuditLogEntry.objects.filter(action=AuditAction.CONSULTATION_EXTENDED).count() == 1
    with pytest.raises(ConsultationError, match="closed"):
        comment_post(consultation=consultation, user=people.collaborator, section_id=_intro_id(consultation), body="Hi")


def test_an_anonymous_comment_stores_no_author(public_setting):
    _plan, people, consultation = public_setting
    comment = comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=_intro_id(consultation),
        body="I would rather not be named.",
        anonymous=True,
    )
    comment.refresh_from_db()
    assert comment.author_id is None
    assert comment.author_label == "Anonymous"
    row = str(Comment.objects.filter(pk=comment.pk).values().get())
    assert people.collaborator.email not in row
    assert people.collaborator.name not in row
    # Nor may the author support it as someone else would.
    with pytest.raises(ConsultationError, match="your own"):
        comment_support(comment=comment, user=people.collaborator)
    assert comment_support(comment=comment, user=people.other)
    with pytest.raises(ConsultationError, match="already"):
        comment_support(comment=comment, user=people.other)


def test_length_limit_and_unknown_section(public_setting):
    _plan, people, consultation = public_setting
    with pytest.raises(ConsultationError, match=f"limit is {BODY_MAX_LENGTH}"):
        comment_post(
            consultation=consultation,
            user=people.collaborator,
            section_id=_intro_id(consultation),
            body="x" * (BODY_MAX_LENGTH + 1),
        )
    with pytest.raises(ConsultationError, match="not part of this draft"):
        comment_post(consultation=consultation, user=people.collaborator, section_id=10**9, body="Hi")


def test_rate_limit_per_person(public_setting):
    _plan, people, consultation = public_setting
    section = _intro_id(consultation)
    for number in range(COMMENT_RATE_LIMIT):
        comment_post(consultation=consultation, user=people.collaborator, section_id=section, body=f"Point {number}")
    with pytest.raises(ConsultationError, match="Wait a little"):
        comment_post(consultation=consultation, user=people.collaborator, section_id=section, body="One more")
    # Another person is not held back by the first one's comments.
    assert comment_post(consultation=consultation, user=people.other, section_id=section, body="Mine")


def test_replies_are_one_level_deep(public_setting):
    _plan, people, consultation = public_setting
    top = comment_post(
        consultation=consultation, user=people.collaborator, section_id=_intro_id(consultation), body="A"
    )
    reply = comment_post(consultation=consultation, user=people.other, section_id=0, body="B", parent=top)
    assert reply.section_id == top.section_id
    with pytest.raises(ConsultationError, match="not to a reply"):
        comment_post(consultation=consultation, user=people.collaborator, section_id=0, body="C", parent=reply)


def test_answer_and_hide_are_for_the_committee_and_audited(public_setting):
    _plan, people, consultation = public_setting
    comment = comment_post(
        consultation=consultation, user=people.collaborator, section_id=_intro_id(consultation), body="A"
    )
    with pytest.raises(ConsultationError, match="committee"):
        comment_answer(comment=comment, user=people.other_editor, status=AnswerStatus.ACCEPTED, reason="Yes")
    with pytest.raises(ConsultationError, match="reason"):
        comment_hide(comment=comment, user=people.editor, reason="  ")
    comment_answer(comment=comment, user=people.editor, status=AnswerStatus.PARTLY, reason="In part.")
    comment_hide(comment=comment, user=people.editor, reason="Names a person.")
    comment.refresh_from_db()
    assert (comment.answer_status, comment.hidden_reason) == (AnswerStatus.PARTLY, "Names a person.")
    actions = set(
        AuditLogEntry.objects.filter(plan_slug=comment.consultation.plan.slug).values_list("action", flat=True)
    )
    assert {AuditAction.ITEM_ANSWERED, AuditAction.COMMENT_MODERATED} <= actions


def test_accepting_an_amendment_edits_the_draft_through_the_guarded_update(public_setting):
    plan, people, consultation = public_setting
    intro = node(plan, "Introduction")
    amendment = comment_post(
        consultation=consultation,
        user=people.collaborator,
        section_id=intro.pk,
        kind=Kind.AMENDMENT,
        body="Clearer.",
        proposed_text="Why this plan exists, in plain words [1].",
        anonymous=True,
    )
    saved = amendment_accept(comment=amendment, user=people.editor, base_revision=intro.revision)
    assert saved.body == "Why this plan exists, in plain words [1]."
    record = Node.history.filter(id=intro.pk).latest("history_id")
    assert record.history_change_reason == f"From amendment #{amendment.pk} of the consultation"
    assert record.history_user_id == people.editor.pk
    assert Comment.objects.get(pk=amendment.pk).answer_status == AnswerStatus.ACCEPTED
    # A second acceptance from the same (now stale) page is a conflict, and writes nothing.
    other = comment_post(
        consultation=consultation,
        user=people.other,
        section_id=intro.pk,
        kind=Kind.AMENDMENT,
        body="Other.",
        proposed_text="Something else.",
    )
    with pytest.raises(EditConflict):
        amendment_accept(comment=other, user=people.editor, base_revision=intro.revision)
    assert Node.objects.get(pk=intro.pk).body == saved.body
    assert Comment.objects.get(pk=other.pk).answer_status == ""
