"""django-allauth adapters: people join by invitation (sign-up is closed unless the deployment opens
it), and those who must use two-factor authentication cannot switch it off."""

import time

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings

# How recent a password sign-in must be to stand in for the password check before two-factor set-up.
FRESH_SIGN_IN_SECONDS = 60


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.OPEN_SIGNUP

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        _fresh_sign_in_counts_for_mfa_set_up(request, user)
        return response


def _fresh_sign_in_counts_for_mfa_set_up(request, user) -> None:
    """Someone made to set up two-factor authentication right after typing their password should not
    be asked for it again: allauth asks before set-up unless the session holds a recent
    *re*-authentication, which a sign-in is not."""
    from .middleware import has_totp, mfa_required

    if not mfa_required(user) or has_totp(user):
        return
    records = get_authentication_records(request, user)
    if not records:
        return
    last = records[-1]
    if last.get("method") == "password" and time.time() - last.get("at", 0) < FRESH_SIGN_IN_SECONDS:
        record_authentication(request, user, method="password", reauthenticated=True)


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
