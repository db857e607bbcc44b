"""`manage.py grant_role EMAIL SLUG editor|publisher|none [--password P]` and the roles services."""

from __future__ import annotations

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command, execute_from_command_line

from accounts.services import RoleError, role_grant, role_remove
from audit.models import AuditAction, AuditLogEntry
from plans.models import PlanRole, Role
from plans.permissions import can_edit, can_publish


def grant(*args: str) -> str:
    out = StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue()


def _state() -> dict[str, object]:
    user_model = get_user_model()
    return {
        "users": sorted(user_model.objects.values_list("email", "name", "password")),
        "emails": sorted(EmailAddress.objects.values_list("email", "verified", "primary")),
        "roles": sorted(PlanRole.objects.values_list("user__email", "plan__slug", "role")),
        "role_history": PlanRole.history.count(),
        "audit": AuditLogEntry.objects.count(),
    }


@pytest.mark.parametrize(("role", "edit", "publish"), [(Role.EDITOR, True, False), (Role.PUBLISHER, True, True)])
def test_grants_each_role_to_an_existing_account(plan, make_user, role, edit, publish):
    user = make_user("ada@example.org")
    out = grant("ada@example.org", plan.slug, role)
    assert PlanRole.objects.get(plan=plan, user=user).role == role
    user = get_user_model().objects.get(pk=user.pk)  # no cached role
    assert can_edit(user, plan) is edit
    assert can_publish(user, plan) is publish
    assert f"is now {role} of {plan.slug}" in out
    record = PlanRole.history.get()
    assert record.history_type == "+"
    assert record.role == role


def test_changing_the_role_updates_the_one_row_and_records_it(plan, make_user):
    user = make_user("ada@example.org", plan=plan, role=Role.EDITOR)
    grant("ada@example.org", plan.slug, "publisher")
    assert list(PlanRole.objects.filter(plan=plan, user=user).values_list("role", flat=True)) == [Role.PUBLISHER]
    assert PlanRole.history.filter(history_type="~", role=Role.PUBLISHER).count() == 1


def test_granting_the_same_role_again_changes_nothing(plan, make_user):
    make_user("ada@example.org")
    grant("ada@example.org", plan.slug, "editor")
    before = _state()
    out = grant("ada@example.org", plan.slug, "editor")
    assert "already editor" in out
    assert _state() == before


def test_none_removes_the_role_and_records_it(plan, make_user):
    user = make_user("ada@example.org", plan=plan, role=Role.PUBLISHER)
    out = grant("ada@example.org", plan.slug, "none")
    assert not PlanRole.objects.filter(plan=plan, user=user).exists()
    assert PlanRole.history.filter(history_type="-").count() == 1
    assert "no longer has a role" in out
    assert get_user_model().objects.filter(pk=user.pk).exists()  # the account stays


def test_none_without_a_role_changes_nothing(plan, make_user):
    make_user("ada@example.org")
    before = _state()
    assert "had no role" in grant("ada@example.org", plan.slug, "none")
    assert _state() == before


def test_role_on_one_plan_leaves_other_plans_alone(plan, make_plan, make_user):
    other = make_plan("other-plan")
    user = make_user("ada@example.org", plan=other, role=Role.PUBLISHER)
    grant("ada@example.org", plan.slug, "none")
    assert PlanRole.objects.get(plan=other, user=user).role == Role.PUBLISHER


def test_creates_a_verified_account_without_a_password(plan):
    out = grant("New.Person@Example.org", plan.slug, "editor")
    user = get_user_model().objects.get(email="New.Person@Example.org")
    assert user.email == "New.Person@Example.org"
    assert not user.has_usable_password()
    address = EmailAddress.objects.get(user=user)
    assert address.verified
    assert address.primary
    assert address.email == "new.person@example.org"
    assert PlanRole.objects.get(user=user).role == Role.EDITOR
    assert "Created the account" in out
    assert "password" in out
    assert "reset" in out


def test_finds_the_account_whatever_the_case_of_the_email(plan, make_user):
    user = make_user("ada@example.org")
    grant("ADA@example.org", plan.slug, "editor")
    assert get_user_model().objects.count() == 1
    assert PlanRole.objects.get(plan=plan).user == user


def test_creates_an_account_with_the_given_password(plan):
    grant("new@example.org", plan.slug, "publisher", "--password", "a-sound-passphrase-2026")
    user = get_user_model().objects.get(email="new@example.org")
    assert user.check_password("a-sound-passphrase-2026")
    assert EmailAddress.objects.filter(user=user, verified=True, primary=True).exists()


def test_password_of_an_existing_account_is_changed(plan, make_user):
    user = make_user("ada@example.org")
    out = grant("ada@example.org", plan.slug, "editor", "--password", "a-sound-passphrase-2026")
    user.refresh_from_db()
    assert user.check_password("a-sound-passphrase-2026")
    assert "Changed the password" in out


@pytest.fixture
def run_from_command_line(monkeypatch, capsys):
    """Run the command as `manage.py` would: returns (exit status, stderr lines)."""
    # The command line closes every connection when it ends; the test's transaction must stay open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    def run(*args: str) -> tuple[int, list[str]]:
        with pytest.raises(SystemExit) as exit_info:
            execute_from_command_line(["manage.py", "grant_role", "--skip-checks", *args])
        return exit_info.value.code, capsys.readouterr().err.strip().splitlines()

    return run


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ada@example.org", "no-such-plan", "editor"), "There is no plan with the slug 'no-such-plan'."),
        (("ada@example.org", "test-plan", "chair"), "Unknown role 'chair'"),
        (("ada@example.org", "test-plan", ""), "Unknown role ''"),
        (("not-an-email", "test-plan", "editor"), "'not-an-email' is not a valid email address."),
        (("ada@", "test-plan", "editor"), "not a valid email address"),
        (("new@example.org", "test-plan", "editor", "--password", "short"), "too short"),
        (("new@example.org", "test-plan", "editor", "--password", "password123"), "too common"),
        (("new@example.org", "test-plan", "editor", "--password", "8461937520"), "entirely numeric"),
        (("ada@example.org", "test-plan", "publisher", "--password", "ada@example.org"), "too similar"),
    ],
)
def test_bad_input_exits_non_zero_with_one_line_and_changes_nothing(
    plan, make_user, run_from_command_line, args, message
):
    make_user("ada@example.org", plan=plan, role=Role.EDITOR)
    before = _state()
    status, errors = run_from_command_line(*args)
    assert status != 0
    assert len(errors) == 1, errors
    assert errors[0].startswith("CommandError: ")
    assert message in errors[0]
    assert _state() == before


def test_success_from_the_command_line_exits_zero(plan, make_user, monkeypatch, capsys):
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    make_user("ada@example.org")
    execute_from_command_line(["manage.py", "grant_role", "--skip-checks", "ada@example.org", plan.slug, "editor"])
    assert "is now editor" in capsys.readouterr().out
    assert PlanRole.objects.get(plan=plan).role == Role.EDITOR


def test_role_services_record_who_made_the_change(plan, make_user):
    admin = make_user("admin@example.org")
    user = make_user("ada@example.org")
    role_grant(plan=plan, user=user, role=Role.EDITOR, actor=admin)
    role_grant(plan=plan, user=user, role=Role.PUBLISHER, actor=admin)
    assert role_remove(plan=plan, user=user, actor=admin) is True
    assert role_remove(plan=plan, user=user, actor=admin) is False
    history = PlanRole.history.order_by("history_id")
    assert list(history.values_list("history_type", "role")) == [
        ("+", Role.EDITOR),
        ("~", Role.PUBLISHER),
        ("-", Role.PUBLISHER),
    ]
    assert set(history.values_list("history_user", flat=True)) == {admin.pk}


def test_role_grant_refuses_an_unknown_role(plan, make_user):
    with pytest.raises(RoleError):
        role_grant(plan=plan, user=make_user(), role="owner", actor=None)
    assert not PlanRole.objects.exists()


def test_an_old_address_does_not_receive_the_role(plan, make_user):
    # Someone changed their email; a newcomer now uses the old address.
    mover = make_user("old@example.org")
    mover.email = "new@example.org"
    mover.save()
    EmailAddress.objects.filter(user=mover).update(email="new@example.org")
    call_command("grant_role", "old@example.org", plan.slug, "editor", stdout=StringIO())
    newcomer = get_user_model().objects.get(email="old@example.org")
    assert newcomer != mover
    assert can_edit(newcomer, plan)
    assert not PlanRole.objects.filter(plan=plan, user=mover).exists()


def test_the_command_line_is_named_in_the_audit_log(plan, make_user):
    make_user("ada@example.org")
    grant("ada@example.org", plan.slug, "editor", "--password", "a-sound-passphrase-2026")
    grant("ada@example.org", plan.slug, "none")
    rows = list(AuditLogEntry.objects.order_by("id").values_list("action", "actor_id", "actor_label", "subject_email"))
    assert rows == [
        (AuditAction.PASSWORD_CHANGED, None, "command line", "ada@example.org"),
        (AuditAction.ROLE_GRANTED, None, "command line", "ada@example.org"),
        (AuditAction.ROLE_REMOVED, None, "command line", "ada@example.org"),
    ]


def test_a_new_account_is_audited_and_has_no_name_until_the_person_gives_one(plan):
    out = grant("new@example.org", plan.slug, "editor")
    user = get_user_model().objects.get(email="new@example.org")
    assert user.name == ""
    assert user.display_name == "Someone"
    assert "It has no name yet" in out
    assert AuditLogEntry.objects.filter(action=AuditAction.ACCOUNT_CREATED, subject_id=user.pk).exists()


def test_a_role_change_is_seen_at_once_by_the_same_user_object(plan, make_user):
    user = make_user("ada@example.org")
    assert not can_edit(user, plan)  # caches "no role" on the object
    role_grant(plan=plan, user=user, role=Role.EDITOR, actor=None)
    assert can_edit(user, plan)
    role_remove(plan=plan, user=user, actor=None)
    assert not can_edit(user, plan)
