"""Django admin: invitations and the read-only audit log; accounts are deactivated, never deleted.

The admin's own sign-in page is replaced by allauth's (with its rate limits and two-factor step).
"""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from .models import AuditLogEntry, Invitation

# Signed out: allauth's sign-in page. Signed in without staff status: 403.
admin.site.login = secure_admin_login(admin.site.login)

User = get_user_model()


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "plan", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["plan", "role"]
    search_fields = ["email"]
    readonly_fields = ["key_hash", "invited_by", "created_at", "accepted_at", "accepted_by", "revoked_at"]

    # Invitations are sent and withdrawn on the People pages, which also send the email and
    # write the audit log; here they can only be looked at.
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_email", "action", "subject_email", "plan_slug"]
    list_filter = ["action"]
    search_fields = ["actor_email", "subject_email", "plan_slug"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Deleting an account would detach it from its history; deactivate it instead."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
