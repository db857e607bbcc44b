"""Admins' pages for people, roles, invitations and the audit log; the invitation page for invitees."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from allauth.account.utils import perform_login
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.models import AuditLogEntry
from plans.models import Plan, PlanRole, Role

from .adapter import password_chosen
from .forms import InvitationForm, NameForm, NewAccountForm, RoleForm, SearchForm
from .middleware import mfa_required_for_role
from .models import Invitation, InvitationRole
from .permissions import can_manage_people
from .services import (
    AccountError,
    InvitationError,
    account_deactivate,
    account_for_email,
    account_name_set,
    account_reactivate,
    invitation_accept,
    invitation_accept_new_account,
    invitation_check,
    invitation_create,
    invitation_find,
    invitation_revoke,
    role_set,
    user_has_email,
)

User = get_user_model()
PAGE_SIZE = 50


def admin_required(view: Callable) -> Callable:
    """Anonymous: to the sign-in page. Signed in but not an admin: 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_people(request.user):
            raise PermissionDenied("Only admins manage people.")
        return view(request, *args, **kwargs)

    return wrapped


# Admin pages ----------------------------------------------------------------------------------


@admin_required
def people(request: HttpRequest) -> HttpResponse:
    """Every plan with its editors, publishers and pending invitations."""
    roles = PlanRole.objects.select_related("user").order_by("-role", "user__email")
    plans = Plan.objects.prefetch_related(
        Prefetch("roles", queryset=roles),
        Prefetch("invitations", queryset=Invitation.objects.pending(), to_attr="pending_invitations"),
    )
    return render(request, "accounts/people.html", {"plans": plans})


@admin_required
def plan_people(request: HttpRequest, slug: str) -> HttpResponse:
    """One plan's people: change or remove roles, invite, withdraw invitations."""
    plan = get_object_or_404(Plan, slug=slug)
    roles = (
        PlanRole.objects.filter(plan=plan)
        .select_related("user")
        .annotate(has_totp=Exists(Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)))
        .order_by("-role", "user__email")
    )
    invitations = plan.invitations.select_related("invited_by").order_by("-created_at")[:50]
    form = InvitationForm(initial={"plan": plan})
    return render(
        request,
        "accounts/plan_people.html",
        {
            "plan": plan,
            "roles": roles,
            "invitations": invitations,
            "form": form,
            "role_choices": RoleForm.base_fields["role"].choices,
            "invitation_days": settings.INVITATION_EXPIRY_DAYS,
        },
    )


@admin_required
@require_POST
def role_set_view(request: HttpRequest, slug: str, user_id: int) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    person = get_object_or_404(User, pk=user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose editor, publisher or no role.")
        return redirect("accounts:plan_people", slug=plan.slug)
    role = form.cleaned_data["role"]
    role_set(plan=plan, user=person, role=role, actor=request.user)
    if role is None:
        messages.success(request, f"{person.display_name} ({person.email}) no longer has a role on {plan}.")
    else:
        role_name = Role(role).label.split(" (")[0].lower()
        messages.success(request, f"{person.display_name} ({person.email}) is now {role_name} of {plan}.")
    return redirect("accounts:plan_people", slug=plan.slug)


@admin_required
def invite(request: HttpRequest) -> HttpResponse:
    initial = {}
    if slug := request.GET.get("plan"):
        initial["plan"] = Plan.objects.filter(slug=slug).first()
    form = InvitationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                email=form.cleaned_data["email"],
                plan=form.cleaned_data["plan"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
                base_url=request.build_absolute_uri("/"),
            )
        except InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. The link works once and expires on "
                f"{invitation.expires_at:%d %B %Y}.",
            )
            return redirect("accounts:plan_people", slug=invitation.plan.slug)
    return render(request, "accounts/invite.html", {"form": form, "invitation_days": settings.INVITATION_EXPIRY_DAYS})


@admin_required
@require_POST
def invitation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("plan"), pk=pk)
    try:
        invitation_revoke(invitation=invitation, actor=request.user)
    except InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"The invitation of {invitation.email} was withdrawn; its link no longer works.")
    return redirect("accounts:plan_people", slug=invitation.plan.slug)


@admin_required
def account_list(request: HttpRequest) -> HttpResponse:
    """Every account, searchable, with its roles and whether two-factor authentication is set up."""
    search = SearchForm(request.GET or None)
    accounts = (
        User.objects.annotate(
            has_totp=Exists(Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP))
        )
        .prefetch_related(Prefetch("plan_roles", queryset=PlanRole.objects.select_related("plan")))
        .order_by("email")
    )
    if search.is_valid() and (q := search.cleaned_data["q"]):
        accounts = accounts.filter(Q(email__icontains=q) | Q(name__icontains=q))
    page = Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/account_list.html", {"page": page, "search": search})


@admin_required
@require_POST
def account_deactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    try:
        account_deactivate(user=person, actor=request.user)
    except AccountError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{person.display_name} ({person.email}) is deactivated and signed out everywhere.")
    return redirect("accounts:account_list")


@admin_required
@require_POST
def account_reactivate_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = get_object_or_404(User, pk=user_id)
    account_reactivate(user=person, actor=request.user)
    messages.success(request, f"{person.display_name} ({person.email}) can sign in again.")
    return redirect("accounts:account_list")


@admin_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Who did what to whom and when, newest first; searchable by name, email or plan."""
    search = SearchForm(request.GET or None)
    entries = AuditLogEntry.objects.all()
    if search.is_valid() and (q := search.cleaned_data["q"]):
        entries = entries.for_person(q)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_log.html", {"page": page, "search": search})


# The invitation page --------------------------------------------------------------------------


def _after_accept_url(invitation: Invitation) -> str:
    if invitation.role in (InvitationRole.EDITOR, InvitationRole.PUBLISHER):
        return reverse("plans:workspace", kwargs={"slug": invitation.plan.slug})
    return reverse("plans:plan_list")


def _invalid(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "accounts/invitation_invalid.html", {"reason": reason}, status=status)


def invitation_accept_view(request: HttpRequest, key: str) -> HttpResponse:
    """Accept an invitation: create an account (choose a password), or sign in, then confirm.

    Nothing is created for an unknown, expired, withdrawn or used link, nor for a signed-in
    account whose email differs from the invited one.
    """
    invitation = invitation_find(key)
    try:
        invitation_check(invitation)
    except InvitationError as error:
        return _invalid(request, str(error), 404 if invitation is None else 410)
    context = {
        "invitation": invitation,
        "plan": invitation.plan,
        "two_factor_next": mfa_required_for_role(invitation.role),
    }

    if request.user.is_authenticated:
        if not user_has_email(request.user, invitation.email):
            return _invalid(
                request,
                "This invitation was sent to another email address than the one of the account you are "
                "signed in with. Sign out, then open the link again.",
                403,
            )
        if request.method == "POST":
            try:
                invitation_accept(invitation=invitation, user=request.user)
            except InvitationError as error:
                return _invalid(request, str(error), 410)
            messages.success(request, f"Welcome to {invitation.plan}: you are now {invitation.get_role_display()}.")
            return redirect(_after_accept_url(invitation))
        return render(request, "accounts/invitation_confirm.html", context)

    if account_for_email(invitation.email) is not None:
        login_url = f"{reverse('account_login')}?next={request.path}"
        return render(request, "accounts/invitation_sign_in.html", {**context, "login_url": login_url})

    form = NewAccountForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitation_accept_new_account(
                invitation=invitation, name=form.cleaned_data["name"], password=form.cleaned_data["password1"]
            )
        except InvitationError as error:
            return _invalid(request, str(error), 410)
        messages.success(request, f"Your account is ready. Welcome to {invitation.plan}.")
        response = perform_login(
            request,
            user,
            email_verification=settings.ACCOUNT_EMAIL_VERIFICATION,
            redirect_url=_after_accept_url(invitation),
            email=invitation.email,
        )
        # Choosing the password is a fresh proof of it: allauth need not ask for it again before
        # the two-factor set-up that comes next.
        password_chosen(request, user)
        return response
    return render(request, "accounts/invitation_new_account.html", {**context, "form": form})


# The person's own account ------------------------------------------------------------------------


@login_required
def name_edit(request: HttpRequest) -> HttpResponse:
    """ "Your name": how the portal names the signed-in person to others."""
    form = NameForm(request.POST or None, initial={"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        if account_name_set(user=request.user, name=form.cleaned_data["name"], actor=request.user):
            messages.success(request, f"The portal now names you {request.user.display_name}.")
        return redirect("accounts:name")
    return render(request, "accounts/name.html", {"form": form})
