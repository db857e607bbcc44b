"""The demo accounts that `make run` loads, their roles on the demo plan, and the demo as a whole.

The accounts are created through the account services with invented names and a published
password. An account that exists already is never touched: its password, name, admin rights
and roles stay as they are. The plan itself comes from plans.demo, built from these accounts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from audit.services import COMMAND_LINE
from plans.demo import DEMO_SLUG, demo_plan_load
from plans.models import Plan, Role

from .models import User
from .services import account_create, account_for_email, role_grant

DEFAULT_DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 — a published demo password, by design
PRODUCTION_SETTINGS = "dei_portal.settings.prod"
DEMO_ACTOR = "demo"

__all__ = [
    "DEFAULT_DEMO_PASSWORD",
    "DEMO_ACCOUNTS",
    "DEMO_SLUG",
    "DemoAccount",
    "DemoRefusedError",
    "DemoResult",
    "demo_load",
    "demo_password",
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    description: str
    role: str | None = None
    is_admin: bool = False


DEMO_ACCOUNTS = (
    DemoAccount("admin@example.org", "Alex Admin", "site admin", is_admin=True),
    DemoAccount("editor@example.org", "Dana Editor", "committee member, editor of the demo plan", role=Role.EDITOR),
    DemoAccount(
        "publisher@example.org", "Priya Publisher", "committee chair, publisher of the demo plan", role=Role.PUBLISHER
    ),
    DemoAccount("reader@example.org", "Robin Reader", "collaborator without a role"),
)


class DemoRefusedError(Exception):
    """The demo may not be loaded here; the message says why."""


@dataclass
class DemoResult:
    plan: Plan
    plan_created: bool
    accounts: list[tuple[DemoAccount, bool]]
    password: str
    users: dict[str, User] = field(default_factory=dict)  # the demo accounts by email

    def sign_ins(self) -> str:
        """The demo sign-ins as one line of text."""
        people = ", ".join(f"{account.email} ({account.name}, {account.description})" for account, _ in self.accounts)
        if any(created for _account, created in self.accounts):
            return f"Demo sign-ins: {people} (password: {self.password})"
        return f"Demo sign-ins: {people} (they existed already, so their passwords were left as they are)"


def demo_password() -> str:
    """The shared password of new demo accounts: $DEMO_PASSWORD, or the documented default."""
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD


def refuse_in_production() -> None:
    """DemoRefusedError under the production settings: the demo accounts have a published password."""
    if settings.SETTINGS_MODULE == PRODUCTION_SETTINGS:
        raise DemoRefusedError(
            f"load_demo does not run under production settings ({PRODUCTION_SETTINGS}): "
            "its accounts have a published password."
        )


def demo_load(*, password: str | None = None) -> DemoResult:
    """Create the demo accounts and the demo plan, unless they exist. Running it again changes nothing.

    A new demo account gets the shared password; a new account or a new plan gets the demo roles
    (granted as by the demo admin). Existing accounts keep their password, name and roles.
    """
    refuse_in_production()
    password = password or demo_password()
    with transaction.atomic():
        accounts = [(account, _demo_account(account, password)) for account in DEMO_ACCOUNTS]
        users = {account.email: user for account, (user, _created) in accounts}
        admin = users["admin@example.org"]
        plan, plan_created = demo_plan_load(
            editor=users["editor@example.org"], publisher=users["publisher@example.org"]
        )
        for account, (user, account_created) in accounts:
            # Roles go with a new plan or a new account; an admin's later changes are left alone.
            if account.role and (plan_created or account_created):
                role_grant(plan=plan, user=user, role=account.role, actor=admin, actor_label=DEMO_ACTOR)
        return DemoResult(
            plan=plan,
            plan_created=plan_created,
            accounts=[(account, created) for account, (_user, created) in accounts],
            password=password,
            users=users,
        )


def _demo_account(account: DemoAccount, password: str) -> tuple[User, bool]:
    existing = account_for_email(account.email)
    if existing is not None:
        return existing, False
    user = account_create(
        email=account.email,
        name=account.name,
        password=password,
        validate=False,  # the demo password is documented; it is set as given, without the strength rules
        is_admin=account.is_admin,
        actor=None,
        actor_label=f"{DEMO_ACTOR} ({COMMAND_LINE})",
    )
    return user, True
