"""The demo plan that `make run` loads, so a fresh portal has something to show.

The plan belongs to a fictional physics collaboration and is written in our own words. It is
built from the accounts it is given (the accounts app owns the demo accounts and their roles,
and its `load_demo` command calls `demo_plan_load`). Once the demo plan exists it is left alone.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from ..models import ActionStatus, Node, NodeKind, Plan
from ..services import node_create, node_update, plan_publish, reference_create
from .content import DEMO_PLAN, DEMO_REFERENCES, DEMO_SECTIONS, DEMO_SLUG, FIRST_VERSION_NOTES

__all__ = ["DEMO_SLUG", "demo_plan_load"]


def demo_plan_load(*, editor: AbstractBaseUser, publisher: AbstractBaseUser) -> tuple[Plan, bool]:
    """The demo plan, created unless it exists. Returns (plan, created); running it again changes nothing.

    The plan is written by `editor`, published as 1.0 by `publisher`, then edited a little by
    `editor`, so that it has history and unpublished changes.
    """
    with transaction.atomic():
        plan = Plan.objects.filter(slug=DEMO_SLUG).first()
        if plan is not None:
            return plan, False
        plan = Plan.objects.create(**DEMO_PLAN)
        _create_nodes(plan, DEMO_SECTIONS, parent=None, user=editor)
        _create_references(plan, user=editor)
        plan_publish(plan=plan, user=publisher, notes=FIRST_VERSION_NOTES)
        _edit_draft(plan, user=editor)
        return plan, True


def _create_nodes(plan: Plan, sections: tuple | list, *, parent: Node | None, user: AbstractBaseUser) -> None:
    # Through the same service as the workspace: kind rules, validation and history apply.
    for section in sections:
        node = node_create(
            plan=plan,
            parent=parent,
            kind=section["kind"],
            data={"title": section["title"], "body": section["body"], **section["fields"]},
            user=user,
        )
        _create_nodes(plan, section["children"], parent=node, user=user)


def _create_references(plan: Plan, *, user: AbstractBaseUser) -> None:
    for label, text, url in DEMO_REFERENCES:
        reference_create(plan=plan, data={"label": label, "text": text, "url": url}, user=user)


def _edit_draft(plan: Plan, *, user: AbstractBaseUser) -> None:
    """A few edits after version 1.0, so the demo has unpublished changes and a history to look at."""
    nodes = Node.objects.filter(plan=plan).live()

    buddy = nodes.get(title="Pair every new member with an onboarding buddy")
    node_update(
        node=buddy,
        base_revision=buddy.revision,
        data={
            "body": buddy.body
            + "\n\nBy November 2026, 58 of the 71 members who joined since September 2025 had a buddy."
        },
        user=user,
        message="Progress update from the onboarding subcommittee",
    )

    fund = nodes.get(title="Travel fund for members whose institutes cannot pay")
    node_update(
        node=fund,
        base_revision=fund.revision,
        data={
            "status": ActionStatus.PLANNED,
            "start_date": date(2027, 1, 1),
            "target_date": date(2027, 12, 31),
            "leads": "T. Becker",
            "body": fund.body.replace(
                "Awaits a decision of the Collaboration Board.",
                "Approved by the Collaboration Board in November 2026; the first awards are due in spring 2027.",
            ),
        },
        user=user,
        message="Approved by the Collaboration Board",
    )

    node_create(
        plan=plan,
        parent=nodes.get(title="Meetings in which everyone can take part"),
        kind=NodeKind.ACTION,
        data={
            "title": "Share slides a day before each plenary session",
            "body": (
                "Ask plenary speakers to upload their slides at least one day ahead, so that members "
                "who follow in a second language or with a screen reader can read them first."
            ),
            "status": ActionStatus.PROPOSED,
            "owner": "Meetings coordinator",
        },
        user=user,
        message="Suggested at the November 2026 open session",
    )
