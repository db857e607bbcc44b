"""An admin invites an editor; the editor accepts from the emailed link, chooses a password, sets up
an authenticator app (codes computed here, RFC 6238) and reaches the plan's workspace. axe-core
checks the sign-in, invitation, two-factor and people pages."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from plans.models import PlanRole, Role
from tests.accounts.conftest import give_totp, totp_code

ADMIN_PASSWORD = "a-long-test-password"
EDITOR_PASSWORD = "Blue-heron-42-sings"


@pytest.fixture
def require_mfa(settings):
    settings.REQUIRE_MFA = True


def test_admin_invites_an_editor_who_sets_up_two_factor_and_reaches_the_workspace(
    require_mfa, browser, live_server, page, plan, make_user, check_accessibility
):
    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    admin_secret = give_totp(admin)

    # The admin signs in: password, then the authenticator code.
    page.goto("/accounts/login/")
    check_accessibility(page)
    page.get_by_label("Email").fill(admin.email)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.get_by_label("Code").fill(totp_code(admin_secret))
    check_accessibility(page)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()

    # People → the plan → invite an editor.
    page.get_by_role("link", name="People", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People by plan")
    check_accessibility(page)
    page.get_by_role("link", name=f"Manage people of {plan.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"People of {plan.title}")
    page.get_by_label("Email address").fill("new.editor@example.org")
    page.get_by_label("Role").select_option("editor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.editor@example.org")).to_be_visible()
    check_accessibility(page)

    # The editor opens the link from the email, in a browser of their own.
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    assert link.startswith(live_server.url)
    editor_context = browser.new_context(base_url=live_server.url)
    editor_page = editor_context.new_page()
    try:
        editor_page.goto(link)
        expect(editor_page.get_by_role("heading", level=1)).to_have_text(f"Join {plan.title}")
        check_accessibility(editor_page)
        editor_page.get_by_label("Your name").fill("Noor Editor")
        editor_page.locator("#id_password1").fill(EDITOR_PASSWORD)
        editor_page.locator("#id_password2").fill(EDITOR_PASSWORD)
        editor_page.get_by_role("button", name="Create account").click()

        # Sent straight to two-factor set-up: read the secret, answer with the current code.
        expect(editor_page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
        check_accessibility(editor_page)
        secret = editor_page.get_by_label("Authenticator secret").input_value()
        editor_page.get_by_label("Authenticator code").fill(totp_code(secret))
        editor_page.get_by_role("button", name="Activate").click()

        # Recovery codes are shown once, with a way on to where the editor was going.
        expect(editor_page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
        check_accessibility(editor_page)
        editor_page.get_by_role("link", name="continue to the page you were going to").click()
        expect(editor_page).to_have_url(re.compile(rf"/plans/{plan.slug}/edit/$"))
        assert "Page not found" not in editor_page.content()
        assert "Not Found" not in editor_page.title()
    finally:
        editor_context.close()

    role = PlanRole.objects.get(plan=plan, user__email="new.editor@example.org")
    assert role.role == Role.EDITOR
    assert role.user.name == "Noor Editor"


def test_account_and_admin_pages_pass_axe(page, plan, make_user, sign_in, check_accessibility):
    from accounts.services import invitation_create

    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    make_user("editor@example.org", plan=plan, role=Role.EDITOR)
    invitation_create(email="invitee@example.org", plan=plan, role="publisher", invited_by=admin)
    for path in ["/accounts/signup/", "/accounts/password/reset/", "/invitations/not-a-real-key/"]:
        page.goto(path)
        check_accessibility(page)
    sign_in(page, admin.email)
    for path in [
        "/manage/people/",
        f"/manage/people/plans/{plan.slug}/",
        "/manage/people/invite/",
        "/manage/accounts/",
        "/manage/audit/",
        "/accounts/name/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
        "/accounts/sessions/",
    ]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_accessibility(page)


def test_invitation_refused_for_an_existing_editor_shows_an_accessible_error(
    page, plan, make_user, sign_in, check_accessibility
):
    admin = make_user("admin@example.org", is_staff=True, is_superuser=True)
    make_user("editor@example.org", plan=plan, role=Role.EDITOR)
    sign_in(page, admin.email)
    page.goto("/manage/people/invite/")
    page.get_by_label("Email address").fill("editor@example.org")
    page.get_by_label("Role").select_option("editor")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("is already editor of this plan")).to_be_visible()
    check_accessibility(page)
    assert not mail.outbox
