"""The audit log in the Django admin: to read and search, never to add, change or delete."""

from django.contrib import admin

from .models import AuditLogEntry


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "subject_email", "subject_name", "plan_slug"]
    list_filter = ["action"]
    search_fields = ["actor_email", "actor_name", "actor_label", "subject_email", "subject_name", "plan_slug"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
