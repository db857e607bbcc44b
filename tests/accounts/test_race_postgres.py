"""Account changes made at the same moment, on PostgreSQL with two real connections (one per thread)."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from accounts.models import Invitation
from accounts.services import AccountError, InvitationError, account_deactivate, invitation_accept, invitation_create
from plans.models import PlanRole, Role
from tests.concurrency import postgres_only, run_at_once

pytestmark = postgres_only

User = get_user_model()


def test_two_last_admins_deactivating_each_other_leave_one_admin(make_user):
    for _ in range(3):
        User.objects.filter(is_staff=True).delete()
        ann = make_user(is_staff=True)
        bo = make_user(is_staff=True)
        results = run_at_once(
            lambda ann=ann, bo=bo: account_deactivate(user=User.objects.get(pk=bo.pk), actor=ann),
            lambda ann=ann, bo=bo: account_deactivate(user=User.objects.get(pk=ann.pk), actor=bo),
        )
        assert sum(isinstance(r, AccountError) for r in results) == 1, results
        assert User.objects.filter(is_staff=True, is_active=True).count() == 1


def test_one_invitation_accepted_twice_at_once_gives_one_acceptance(plan, make_user):
    admin = make_user(is_staff=True)
    person = make_user("person@example.org")
    invitation = invitation_create(email=person.email, plan=plan, role=Role.EDITOR, invited_by=admin)
    results = run_at_once(
        lambda: invitation_accept(invitation=Invitation.objects.get(pk=invitation.pk), user=person),
        lambda: invitation_accept(invitation=Invitation.objects.get(pk=invitation.pk), user=person),
    )
    assert sum(isinstance(r, InvitationError) for r in results) == 1, results
    assert PlanRole.objects.get(plan=plan, user=person).role == Role.EDITOR
