"""Two-factor authentication is required of admins and of editors and publishers of any plan."""

from __future__ import annotations

from collections.abc import Callable

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import Resolver404, resolve, reverse

from plans.models import PlanRole, Role

# What someone who still has to set up two-factor authentication may reach.
ALLOWED_VIEW_NAMES = frozenset({"account_logout", "account_reauthenticate", "healthz", "accounts:invitation_accept"})
ALLOWED_URL_PREFIXES = ("mfa_",)
# Where the person was going when sent to set up two-factor authentication; the set-up pages
# offer a link back there once it is done.
MFA_NEXT_SESSION_KEY = "accounts_mfa_next"


def mfa_required(user) -> bool:
    """Must this account use two-factor authentication? Admins, editors and publishers must."""
    if not getattr(settings, "REQUIRE_MFA", True) or not user.is_authenticated:
        return False
    return bool(user.is_staff or user.is_superuser or PlanRole.objects.filter(user=user).exists())


def mfa_required_for_role(role: str) -> bool:
    """Will someone given this plan role (editor, publisher, collaborator) have to set up two-factor
    authentication? What invitations promise follows this, so they never promise a step that will not come."""
    return bool(getattr(settings, "REQUIRE_MFA", True)) and role in (Role.EDITOR, Role.PUBLISHER)


def has_totp(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def _is_allowed(request: HttpRequest) -> bool:
    path = request.path_info
    if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 page reveals nothing
    if match.view_name in ALLOWED_VIEW_NAMES:
        return True
    # allauth's two-factor pages; only un-namespaced names, so no app's own "mfa_..." route slips through.
    return not match.namespace and (match.url_name or "").startswith(ALLOWED_URL_PREFIXES)


class RequireMFAMiddleware:
    """Until an account that needs two-factor authentication has an authenticator app set up,
    every page but the set-up pages, sign-out and static files redirects to the set-up page.

    Off when settings.REQUIRE_MFA is false (DJANGO_REQUIRE_MFA=false, for local demos and the
    test settings). Place it after AuthenticationMiddleware and MessageMiddleware. Someone who
    signed in with their password minutes ago is not asked for it again before set-up
    (AccountAdapter.is_reauthentication_required).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and getattr(settings, "REQUIRE_MFA", True)
            and user.is_authenticated
            and not _is_allowed(request)
            and not has_totp(user)
            and mfa_required(user)
        ):
            messages.warning(
                request,
                "Your account can change plans or manage people, so it must be protected by two-factor "
                "authentication. Set up an authenticator app to continue.",
            )
            if request.method == "GET" and not request.headers.get("HX-Request"):
                # (an htmx request asks for a fragment, not a page worth going back to)
                request.session[MFA_NEXT_SESSION_KEY] = request.get_full_path()
            url = reverse("mfa_activate_totp")
            if request.headers.get("HX-Request"):
                # htmx would swap the set-up page into a fragment; make it load the whole page.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return HttpResponseRedirect(url)
        return self.get_response(request)
