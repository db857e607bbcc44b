"""Django admin: invitations and the read-only audit log; accounts are deactivated, never deleted.

The admin's own sign-in page is replaced by allauth's (with its rate limits and two-factor step).
"""

from allauth.account.decorators import secure_admin_login
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.base.internal.flows import delete_dangling_recovery_codes
from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.http import HttpResponseRedirect

from plans.admin import ReadOnlyAdminMixin

from .audit import acting_as, audit_record
from .models import AuditAction, AuditLogEntry, Invitation
from .receivers import authenticator_label

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
class AuditLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "actor_email", "action", "subject_email", "plan_slug"]
    list_filter = ["action"]
    search_fields = ["actor_email", "subject_email", "plan_slug"]


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Deleting an account would detach it from its history; deactivate it instead."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def user_change_password(self, request, id, form_url=""):
        """An admin setting someone's password is an account change: audit it like the self-service ones."""
        before = User.objects.filter(pk=id).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and isinstance(response, HttpResponseRedirect):
            person = User.objects.filter(pk=id).first()
            if person is not None and person.password != before:
                audit_record(
                    action=AuditAction.PASSWORD_CHANGED,
                    subject=person,
                    actor=request.user,
                    details={"to": "set by an admin"},
                )
        return response


if admin.site.is_registered(Authenticator):
    admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class PortalAuthenticatorAdmin(AuthenticatorAdmin):
    """Where an admin resets someone's two-factor set-up (a lost phone): delete the authenticator app,
    and the person sets up a new one at their next sign-in.

    The stored secret and recovery codes are never shown or editable here: whoever reads them can
    produce the person's codes. Every removal is written to the audit log.
    """

    exclude = ["data"]
    readonly_fields = ["user", "type", "created_at", "last_used_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        self.delete_queryset(request, Authenticator.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic(), acting_as(request.user):
            for authenticator in queryset.select_related("user"):
                authenticator.delete()
                removed = [authenticator]
                if authenticator.type != Authenticator.Type.RECOVERY_CODES:
                    # Recovery codes alone would be a second factor nobody can see any more.
                    removed.append(delete_dangling_recovery_codes(authenticator.user))
                for gone in filter(None, removed):
                    audit_record(
                        action=AuditAction.MFA_REMOVED,
                        subject=gone.user,
                        details={"from": authenticator_label(gone)},
                    )


if admin.site.is_registered(UserSession):
    admin.site.unregister(UserSession)


@admin.register(UserSession)
class PortalUserSessionAdmin(UserSessionAdmin):
    """Where people are signed in. The session key is never shown (it would let the reader act as
    the person, past their two-factor check); deleting a row signs that session out."""

    fields = ["user", "created_at", "last_seen_at", "ip", "user_agent"]
    readonly_fields = fields

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj) -> None:
        obj.end()

    def delete_queryset(self, request, queryset) -> None:
        for user_session in queryset:
            user_session.end()
