"""The writes of the accounts app: every account, role and invitation change goes through here.

Views, the Django admin, the management commands, the demo and invitations all call these
functions; each one writes in a transaction and records itself in the audit log with the
acting user (`actor`) it is given.

- accounts: create an account, name, password, admin rights, (de)activation, two-factor reset
- roles: give, change and take away per-plan roles
- invitations: invite an address to a plan, accept or withdraw the invitation
"""

from .accounts import (
    AccountError,
    account_create,
    account_deactivate,
    account_email_confirm,
    account_for_email,
    account_get_or_create,
    account_name_set,
    account_reactivate,
    account_set_password,
    admin_grant,
    admin_remove,
    authenticator_delete,
    authenticator_label,
    clean_name,
    normalise_email,
    sessions_end,
    user_has_email,
)
from .invitations import (
    ROLE_RANK,
    InvitationError,
    invitation_accept,
    invitation_accept_new_account,
    invitation_check,
    invitation_create,
    invitation_find,
    invitation_revoke,
    invitation_url,
)
from .roles import RoleError, role_grant, role_remove, role_set

__all__ = [
    "ROLE_RANK",
    "AccountError",
    "InvitationError",
    "RoleError",
    "account_create",
    "account_deactivate",
    "account_email_confirm",
    "account_for_email",
    "account_get_or_create",
    "account_name_set",
    "account_reactivate",
    "account_set_password",
    "admin_grant",
    "admin_remove",
    "authenticator_delete",
    "authenticator_label",
    "clean_name",
    "invitation_accept",
    "invitation_accept_new_account",
    "invitation_check",
    "invitation_create",
    "invitation_find",
    "invitation_revoke",
    "invitation_url",
    "normalise_email",
    "role_grant",
    "role_remove",
    "role_set",
    "sessions_end",
    "user_has_email",
]
