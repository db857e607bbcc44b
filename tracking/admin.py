"""Django admin for progress updates and measurements, with their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Measurement, ProgressUpdate
from .services import progress_status_sync


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(SimpleHistoryAdmin):
    list_display = ["node", "date", "status", "percent_complete", "author", "created_at"]
    list_filter = ["node__plan", "status"]
    search_fields = ["node__title", "note"]
    raw_id_fields = ["node"]
    readonly_fields = ["author", "created_at"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        # The action's status follows its latest update, whichever way the update was made.
        progress_status_sync(node=obj.node, user=request.user)

    def delete_model(self, request, obj):
        node = obj.node
        super().delete_model(request, obj)
        progress_status_sync(node=node, user=request.user)

    def delete_queryset(self, request, queryset):
        nodes = {update.node for update in queryset.select_related("node")}
        super().delete_queryset(request, queryset)
        for node in nodes:
            progress_status_sync(node=node, user=request.user)


@admin.register(Measurement)
class MeasurementAdmin(SimpleHistoryAdmin):
    list_display = ["node", "period_end", "breakdown", "value", "group_size", "denominator", "recorded_by"]
    list_filter = ["node__plan"]
    search_fields = ["node__title", "source", "note"]
    raw_id_fields = ["node"]
    readonly_fields = ["recorded_by", "created_at"]
    date_hierarchy = "period_end"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
