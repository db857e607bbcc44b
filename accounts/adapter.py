"""django-allauth adapters: people join by invitation (sign-up is closed unless the deployment opens
it) and give their name when they do; failed sign-ins are limited per address *and account*; those
who must use two-factor authentication cannot switch it off, and set it up straight after signing in."""

from __future__ import annotations

import ipaddress
import time

from allauth import app_settings as allauth_settings
from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings

# Set by the invitation page when someone has just chosen their password: as fresh a proof of
# it as a sign-in (see AccountAdapter.is_reauthentication_required).
PASSWORD_CHOSEN_SESSION_KEY = "accounts_password_chosen"  # noqa: S105 — a session key, not a password
# Our own rate limit (settings.ACCOUNT_RATE_LIMITS): failed sign-ins per address and account.
LOGIN_FAILED_FROM_ADDRESS = "login_failed_from_address"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.OPEN_SIGNUP

    def save_user(self, request, user, form, commit=True):
        """A new account from the (open) sign-up page: allauth's fields plus the person's name."""
        user.name = " ".join(form.cleaned_data.get("name", "").split())
        return super().save_user(request, user, form, commit=commit)

    # Failed sign-ins: allauth counts them per address and per account ("login_failed"); on top,
    # each pair of address and account has its own, stricter count, so that failures from one
    # address lock out that address's tries at that account rather than the account everywhere.
    # The trade-off is written down in settings/base.py next to ACCOUNT_RATE_LIMITS.

    def _address_and_account(self, request, credentials: dict) -> str:
        login = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
        return f"{self._address(request)}|{login}"

    def _address(self, request) -> str:
        """The client's address as allauth's own limits count it: an IPv6 address by its network prefix."""
        address = self.get_client_ip(request)
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return address
        if ip.version == 6:
            return str(ipaddress.ip_network(f"{ip}/{allauth_settings.RATE_LIMIT_IPV6_PREFIX}", strict=False)[0])
        return str(ip)

    def pre_authenticate(self, request, **credentials) -> None:
        # Checked (not counted) before allauth's own limits, so a refused try costs the account nothing.
        key = self._address_and_account(request, credentials)
        if not ratelimit.consume(request, action=LOGIN_FAILED_FROM_ADDRESS, key=key, dry_run=True):
            raise self.validation_error("too_many_login_attempts")
        super().pre_authenticate(request, **credentials)

    def authentication_failed(self, request, **credentials) -> None:
        ratelimit.consume(
            request, action=LOGIN_FAILED_FROM_ADDRESS, key=self._address_and_account(request, credentials)
        )
        super().authentication_failed(request, **credentials)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """Someone sent to two-factor set-up minutes after typing their password is not asked for it
        again: allauth asks before set-up unless the session holds a recent *re*-authentication, and
        a sign-in does not count as one. Only as recent as allauth's own re-authentication window."""
        request = self.request
        if app == "allauth.mfa" and request is not None and _password_is_fresh(request):
            from .middleware import mfa_required

            if mfa_required(request.user):
                return False
        return super().is_reauthentication_required(app=app, **kwargs)


def _password_is_fresh(request) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    window = account_settings.REAUTHENTICATION_TIMEOUT
    records = get_authentication_records(request, user)
    if records:
        last = records[-1]
        # A password sign-in that nothing came after (with an authenticator, "mfa" would follow it).
        if last.get("method") == "password" and time.time() - last.get("at", 0) < window:
            return True
    chosen = request.session.get(PASSWORD_CHOSEN_SESSION_KEY) or {}
    return chosen.get("user") == user.pk and time.time() - chosen.get("at", 0) < window


def password_chosen(request, user) -> None:
    """Remember that `user` has just chosen their password on this session (the invitation page)."""
    request.session[PASSWORD_CHOSEN_SESSION_KEY] = {"user": user.pk, "at": time.time()}


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Your account can change plans or manage people, so it must keep two-factor authentication. "
            "If you are moving to a new phone, ask an admin to reset your authenticator app."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """Those who must use two-factor authentication cannot switch their authenticator app off."""
        from .middleware import mfa_required

        if authenticator.type == Authenticator.Type.TOTP and mfa_required(authenticator.user):
            return False
        return super().can_delete_authenticator(authenticator)
