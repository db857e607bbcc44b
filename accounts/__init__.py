"""Accounts: the user model (sign-in by email, a display name), sign-in and two-factor rules,
invitations, per-plan roles, and the demo accounts.

Imports point one way: accounts uses plans (its models and `permissions`, the read side of roles)
and audit; plans never imports accounts. `accounts.services` is the only code that writes
accounts, roles and invitations.
"""
