"""The world the attack tests attack: three plans (public, members-only, never published), each
with history, a deleted section, progress and a measurement, and an account of every role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.utils import timezone

from consultations.models import Audience
from consultations.reviews import review_ask
from consultations.services import comment_post, consultation_open
from consultations.sharing import share_link_create, share_token
from plans.models import Node, NodeKind, Plan, PlanRole, Reference, Role, Visibility
from plans.services import node_delete, node_update, plan_publish
from tests.conftest import node
from tests.tracking.conftest import build_tracked_plan
from tracking.services import measurement_record, progress_post


@dataclass
class World:
    plans: dict[str, Plan]
    users: dict[str, object]
    ids: dict[str, dict[str, object]] = field(default_factory=dict)  # plan key -> URL parameter values


def _build_plan(make_plan, slug: str, visibility: str, *, publish: bool, editor) -> tuple[Plan, dict[str, object]]:
    plan = build_tracked_plan(make_plan(slug, visibility=visibility, title=f"Secret title {slug}"))
    if publish:
        plan_publish(plan=plan, user=None, notes="First version.")
    action = node(plan, "Run a mentoring scheme")
    indicator = node(plan, "Share of women among postdocs")
    update = progress_post(
        node=action, user=editor, date=timezone.localdate() - dt.timedelta(days=3), status="in_progress"
    )
    measurement = measurement_record(
        indicator=indicator, user=editor, period_end=timezone.localdate() - dt.timedelta(days=3), value=Decimal(25)
    )
    intro = node(plan, "Introduction")
    edited = node_update(node=intro, base_revision=intro.revision, data={"body": "Changed."}, user=editor)
    doomed = Node.objects.create(plan=plan, kind=NodeKind.NARRATIVE, title="Gone", position=99)
    node_delete(node=doomed, user=editor)
    history_id = Node.history.filter(id=intro.pk).order_by("history_id").first().history_id
    ids = {
        "slug": plan.slug,
        "node_id": edited.pk,
        "reference_id": Reference.objects.get(plan=plan).pk,
        "history_id": history_id,
        "number": "1.0",
        "from_number": "1.0",
        "to_number": "1.0",
        "year": timezone.localdate().year,
        "deleted_node_id": doomed.pk,
        "action_id": action.pk,
        "update_id": update.pk,
        "indicator_id": indicator.pk,
        "measurement_id": measurement.pk,
    }
    return plan, ids


@pytest.fixture
def world(make_plan, make_user) -> World:
    editor = make_user("matrix-editor@example.org")
    plans, ids = {}, {}
    for key, visibility, publish in [
        (Visibility.PUBLIC, Visibility.PUBLIC, True),
        (Visibility.MEMBERS, Visibility.MEMBERS, True),
        ("unpublished", Visibility.PUBLIC, False),
    ]:
        plans[key], ids[key] = _build_plan(make_plan, f"m-{key}", visibility, publish=publish, editor=editor)
    users = {
        "collaborator": make_user("matrix-reader@example.org"),
        "admin": make_user("matrix-admin@example.org", is_staff=True, is_superuser=True),
        "other_editor": make_user("matrix-other@example.org"),
        "editor": editor,
        "publisher": make_user("matrix-publisher@example.org"),
    }
    other = make_plan("m-other", title="Other plan")
    PlanRole.objects.create(plan=other, user=users["other_editor"], role=Role.EDITOR)
    for key, plan in plans.items():
        PlanRole.objects.create(plan=plan, user=editor, role=Role.EDITOR)
        PlanRole.objects.create(plan=plan, user=users["publisher"], role=Role.PUBLISHER)
        ids[key].update(_consult(plan, editor=editor, publisher=users["publisher"]))
    return World(plans=plans, users=users, ids=ids)


def _consult(plan: Plan, *, editor, publisher) -> dict[str, object]:
    """An open consultation with a comment, a review link that takes comments, and a review request."""
    audience = Audience.ANYONE if plan.visibility == Visibility.PUBLIC else Audience.SIGNED_IN
    consultation = consultation_open(
        plan=plan,
        user=publisher,
        label="Draft for consultation",
        closes_at=timezone.now() + dt.timedelta(days=7),
        audience=audience,
    )
    section_id = consultation.sections()[0]["id"]
    comment = comment_post(consultation=consultation, user=editor, section_id=section_id, body="A comment.")
    link = share_link_create(plan=plan, user=publisher, label="External reviewer", allow_comments=True)
    review = review_ask(plan=plan, user=editor)
    return {"comment_id": comment.pk, "link_id": link.pk, "review_id": review.pk, "review_token": share_token(link)}
