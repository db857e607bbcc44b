"""The demo plan and demo accounts that `make run` loads, so a fresh portal has something to show.

The plan belongs to a fictional physics collaboration and is written in our own
words. `demo_load` is idempotent: once the demo plan exists it is left alone.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction

from ..models import ActionStatus, Node, NodeKind, Plan
from ..roles import account_get_or_create, account_set_password, role_grant
from ..services import node_create, node_update, plan_publish, reference_create
from .content import (
    DEFAULT_DEMO_PASSWORD,
    DEMO_ACCOUNTS,
    DEMO_PLAN,
    DEMO_REFERENCES,
    DEMO_SECTIONS,
    DEMO_SLUG,
    FIRST_VERSION_NOTES,
    DemoAccount,
)

__all__ = [
    "DEFAULT_DEMO_PASSWORD",
    "DEMO_ACCOUNTS",
    "DEMO_SLUG",
    "DemoAccount",
    "DemoResult",
    "demo_load",
    "demo_password",
]


@dataclass
class DemoResult:
    plan: Plan
    plan_created: bool
    accounts: list[tuple[DemoAccount, bool]]
    password: str
    users: dict[str, Any] = field(default_factory=dict)  # the demo accounts by email

    def sign_ins(self) -> str:
        """The demo sign-ins as one line of text."""
        people = ", ".join(f"{account.email} ({account.description})" for account, _ in self.accounts)
        return f"Demo sign-ins: {people} (password: {self.password})"


def demo_password() -> str:
    """The shared password of the demo accounts: $DEMO_PASSWORD, or the documented default."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def demo_load(*, password: str | None = None) -> DemoResult:
    """Create the demo accounts and the demo plan, unless they exist. Running it again changes nothing.

    The plan is created by the demo editor, published as 1.0 by the demo publisher,
    then edited a little, so that it has history and unpublished changes.
    """
    password = password or demo_password()
    with transaction.atomic():
        accounts = [(account, _demo_account(account, password)) for account in DEMO_ACCOUNTS]
        users = {account.email: user for account, (user, _created) in accounts}
        admin = users["admin@example.org"]
        editor = users["editor@example.org"]
        publisher = users["publisher@example.org"]

        plan = Plan.objects.filter(slug=DEMO_SLUG).first()
        plan_created = plan is None
        if plan is None:
            plan = Plan.objects.create(**DEMO_PLAN)
            _create_nodes(plan, DEMO_SECTIONS, parent=None, user=editor)
            _create_references(plan, user=editor)
            plan_publish(plan=plan, user=publisher, notes=FIRST_VERSION_NOTES)
            _edit_draft(plan, user=editor)
        for account, (user, account_created) in accounts:
            # Roles go with a new plan or a new account; an admin's later changes are left alone.
            if account.role and (plan_created or account_created):
                role_grant(plan=plan, user=user, role=account.role, granted_by=admin)
        return DemoResult(
            plan=plan,
            plan_created=plan_created,
            accounts=[(account, created) for account, (_user, created) in accounts],
            password=password,
            users=users,
        )


def _demo_account(account: DemoAccount, password: str) -> tuple[AbstractBaseUser, bool]:
    user, created = account_get_or_create(email=account.email)
    # The demo password is documented; it is set as given, without the strength rules.
    account_set_password(user=user, password=password, validate=False)
    if account.is_admin and not (user.is_staff and user.is_superuser):
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    address = EmailAddress.objects.filter(user=user, email__iexact=account.email).first()
    if address is None:
        has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
        EmailAddress.objects.create(user=user, email=account.email, verified=True, primary=not has_primary)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    return user, created


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
