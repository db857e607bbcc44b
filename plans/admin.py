"""Django admin for plans: admins manage plans (roles are managed in the accounts admin).

The plan's content (sections, references) is edited in the committee workspace only,
where every save is checked against the revision it was based on; the admin shows it
read-only with its history, so an admin edit can never silently overwrite a committee
member's. Published versions are immutable.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Node, Plan, PlanRole, PlanVersion, Reference


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


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "visibility", "updated_at"]
    list_filter = ["visibility"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PlanRoleInline]


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
    list_filter = ["plan"]
    search_fields = ["label", "text"]


@admin.register(PlanVersion)
class PlanVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Published versions are immutable: they can be looked at, never changed or deleted."""

    list_display = ["plan", "number", "published_at", "published_by"]
    list_filter = ["plan"]
    readonly_fields = ["plan", "major", "minor", "notes", "published_at", "published_by", "content_hash"]
    exclude = ["snapshot"]
