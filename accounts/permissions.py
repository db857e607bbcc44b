"""Who may manage accounts, roles and invitations: admins (staff) only. Plan access is decided in
plans/permissions.py; this is the account-level counterpart."""


def can_manage_people(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)
