"""Django admin for plans: admins manage plans (roles are managed in the accounts admin).

The plan's content (sections, references) is edited in the committee workspace only,
where every save is checked against the revision it was based on; the admin shows it
read-only with its history, so an admin edit can never silently overwrite a committee
member's. The plan's settings are saved through the same guarded service as the workspace's
settings page: a change form loaded before someone else's save is refused. Published
versions are immutable.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import Node, Plan, PlanRole, PlanVersion, Reference
from .services import PLAN_SETTINGS_FIELDS, EditConflict, plan_settings_update

STALE_PLAN_FORM = (
    "Someone changed this plan's settings after you opened this page, so nothing was saved "
    "(saving would have undone their change). Reload the page to see their change, then make yours again."
)


class PlanRoleInline(admin.TabularInline):
    """The plan's editors and publishers, to look at. Roles are given and removed through the
    accounts app's services (its Plan roles admin and the People pages), which audit each change."""

    model = PlanRole
    extra = 0
    fields = ["user", "role", "granted_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class PlanAdminForm(forms.ModelForm):
    """The plan's settings, with the revision the page was loaded at (a stale save is refused)."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Plan
        fields = ["slug", *PLAN_SETTINGS_FIELDS]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["base_revision"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            current = Plan.objects.filter(pk=self.instance.pk).values_list("revision", flat=True).first()
            if cleaned.get("base_revision") != current:
                raise ValidationError(STALE_PLAN_FORM, code="stale")
        return cleaned


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    form = PlanAdminForm
    list_display = ["title", "slug", "visibility", "updated_at"]
    list_filter = ["visibility"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PlanRoleInline]

    def get_readonly_fields(self, request, obj=None):
        # Every address of the plan uses its slug: set once, when the plan is added.
        return ["slug"] if obj is not None else []

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if obj is None else {}

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # The same guarded update as the workspace: the database refuses a save from an old revision.
        try:
            plan_settings_update(
                plan=Plan.objects.get(pk=obj.pk),
                base_revision=form.cleaned_data["base_revision"],
                data={name: form.cleaned_data[name] for name in PLAN_SETTINGS_FIELDS},
                user=request.user,
                message="Changed in the admin",
            )
        except EditConflict:
            # Someone saved between the form's check and this save: nothing was written.
            messages.error(request, STALE_PLAN_FORM)


class ReadOnlyAdminMixin:
    """Rows to look at only: nobody adds, changes or deletes them in the admin."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyContentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Content rows: viewable with their history, changed only through the workspace."""

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_staff


@admin.register(Node)
class NodeAdmin(ReadOnlyContentAdmin):
    list_display = ["title", "kind", "plan", "parent", "position", "revision", "deleted_at"]
    list_filter = ["plan", "kind", "status"]
    search_fields = ["title", "body"]


@admin.register(Reference)
class ReferenceAdmin(ReadOnlyContentAdmin):
    list_display = ["label", "plan", "text", "url"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # as the workspace's form
    list_filter = ["plan"]
    search_fields = ["label", "text"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published versions are immutable: they can be looked at, never changed or deleted."""

    list_display = ["plan", "number", "published_at", "published_by"]
    list_filter = ["plan"]
    readonly_fields = ["plan", "major", "minor", "notes", "published_at", "published_by", "content_hash"]
    exclude = ["snapshot"]
