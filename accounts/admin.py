"""Django admin for accounts, roles, invitations, two-factor resets and sessions.

Every change made here goes through accounts.services, like the People pages, so it is checked
the same way and written to the audit log as made by the admin. Accounts are deactivated, never
deleted. The admin's own sign-in page is replaced by allauth's (with its rate limits and
two-factor step).
"""

from __future__ import annotations

from allauth.account.decorators import secure_admin_login
from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin
from allauth.usersessions.models import UserSession
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import AdminForm
from django.contrib.admin.options import IS_POPUP_VAR
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm, ReadOnlyPasswordHashField
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from plans.models import PlanRole

from .forms import AdminAccountCreationForm
from .models import Invitation, User
from .services import (
    AccountError,
    account_create,
    account_deactivate,
    account_name_set,
    account_reactivate,
    account_set_password,
    admin_grant,
    admin_remove,
    authenticator_delete,
    role_grant,
    role_remove,
)

# Signed out: allauth's sign-in page. Signed in without staff status: 403.
admin.site.login = secure_admin_login(admin.site.login)


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


# Accounts ---------------------------------------------------------------------------------------


class AccountChangeForm(forms.ModelForm):
    """The account's name, whether it is active and whether it is an admin; the rest is shown only."""

    password = ReadOnlyPasswordHashField(label="Password")
    actor: User | None = None  # the admin making the change; set per request by PortalUserAdmin.get_form

    class Meta:
        model = User
        fields = ["name", "is_active", "is_staff"]

    def clean(self):
        cleaned = super().clean()
        person = User.objects.get(pk=self.instance.pk)  # as it is now, not as the form has changed it
        deactivating = person.is_active and cleaned.get("is_active") is False
        if deactivating and self.actor is not None and self.actor.pk == person.pk:
            self.add_error("is_active", "You cannot deactivate your own account.")
        losing_admin = person.is_staff and (cleaned.get("is_staff") is False or deactivating)
        if losing_admin and person.is_active and not _other_active_admins(person).exists():
            self.add_error(None, "This is the last active admin: make someone else an admin first.")
        return cleaned


def _other_active_admins(person: User):
    return User.objects.filter(is_active=True).filter(Q(is_staff=True) | Q(is_superuser=True)).exclude(pk=person.pk)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Accounts: created with a verified address, changed through the services, never deleted."""

    form = AccountChangeForm
    add_form = AdminAccountCreationForm
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        ("Rights", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)
    readonly_fields = ["email", "is_superuser", "last_login", "date_joined"]
    list_display = ["email", "name", "is_active", "is_staff"]
    list_filter = ["is_staff", "is_active"]
    search_fields = ["email", "name"]
    ordering = ["email"]
    filter_horizontal = []

    def get_readonly_fields(self, request, obj=None):
        # A new account's address is typed in; an existing one is changed by its owner, with a code.
        return [] if obj is None else self.readonly_fields

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            created = account_create(
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                password=form.cleaned_data.get("password1") or None,
                validate=False,  # the form has checked it
                actor=request.user,
            )
            obj.pk, obj._state.adding, obj._state.db = created.pk, False, created._state.db
            return
        person = User.objects.get(pk=obj.pk)
        try:
            with transaction.atomic():  # all of the change or none of it
                if "name" in form.changed_data:
                    account_name_set(user=person, name=obj.name, actor=request.user)
                if "is_staff" in form.changed_data:
                    (admin_grant if obj.is_staff else admin_remove)(user=person, actor=request.user)
                if "is_active" in form.changed_data:
                    (account_reactivate if obj.is_active else account_deactivate)(user=person, actor=request.user)
        except AccountError as error:  # what the form checked changed in the meantime
            messages.error(request, f"Nothing was changed: {error}")

    def save_related(self, request, form, formsets, change) -> None:
        """Nothing else to save: the services above wrote the account."""

    def user_change_password(self, request, id, form_url=""):
        """An admin setting someone's password (or turning password sign-in off), through the service."""
        person = self.get_object(request, unquote(id))
        if person is None:
            raise Http404("No such account.")
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        form = AdminPasswordChangeForm(person, request.POST or None)
        if request.method == "POST" and form.is_valid():
            if not (form.cleaned_data["set_usable_password"] or "unset-password" in request.POST):
                messages.error(request, "Conflicting form data submitted. Please try again.")
                return HttpResponseRedirect(request.get_full_path())
            password = form.cleaned_data["password1"] if form.cleaned_data["set_usable_password"] else None
            account_set_password(user=person, password=password, validate=False, actor=request.user)
            messages.success(request, "Password changed." if password else "Password sign-in was turned off.")
            update_session_auth_hash(request, person)
            return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[person.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Set the password of {person.email}",
            "adminForm": AdminForm(form, [(None, {"fields": list(form.base_fields)})], {}),
            "form_url": form_url,
            "form": form,
            "is_popup": IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET,
            "is_popup_var": IS_POPUP_VAR,
            "add": True,
            "change": False,
            "has_delete_permission": False,
            "has_change_permission": True,
            "has_absolute_url": False,
            "opts": self.opts,
            "original": person,
            "save_as": False,
            "show_save": True,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/auth/user/change_password.html", context)


# Roles ------------------------------------------------------------------------------------------


if admin.site.is_registered(PlanRole):
    admin.site.unregister(PlanRole)


@admin.register(PlanRole)
class PlanRoleAdmin(admin.ModelAdmin):
    """Roles on plans, given and taken away through the role services (audited as the admin's)."""

    list_display = ["user", "user_email", "plan", "role", "granted_at"]
    list_filter = ["plan", "role"]
    list_select_related = ["user", "plan"]
    search_fields = ["user__email", "user__name", "plan__slug"]
    autocomplete_fields = ["user"]

    @admin.display(description="email", ordering="user__email")
    def user_email(self, obj: PlanRole) -> str:
        return obj.user.email

    def get_readonly_fields(self, request, obj=None):
        # Changing whose role it is would be a removal and a grant: do those instead.
        return ["plan", "user", "granted_at"] if obj is not None else ["granted_at"]

    def save_model(self, request, obj, form, change) -> None:
        saved = role_grant(plan=obj.plan, user=obj.user, role=obj.role, actor=request.user)
        obj.pk, obj._state.adding, obj._state.db = saved.pk, False, saved._state.db

    def delete_model(self, request, obj) -> None:
        role_remove(plan=obj.plan, user=obj.user, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for plan_role in queryset.select_related("plan", "user"):
            role_remove(plan=plan_role.plan, user=plan_role.user, actor=request.user)


# Two-factor and sessions ------------------------------------------------------------------------


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
        authenticator_delete(authenticator=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for authenticator in queryset.select_related("user"):
                if Authenticator.objects.filter(pk=authenticator.pk).exists():  # not gone with an earlier one
                    authenticator_delete(authenticator=authenticator, actor=request.user)


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
