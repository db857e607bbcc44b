"""Django admin for progress updates and measurements: to look at, with their history.

Adding and changing go through the editor pages (and so through the services, which
check dates, duplicates and keep each action's status on its latest update). A delete
made here goes through the same services.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Measurement, ProgressUpdate
from .services import measurement_delete, progress_delete


class ReadOnlyAdmin(SimpleHistoryAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ["node", "date", "status", "percent_complete", "author", "created_at"]
    list_filter = ["node__plan", "status"]
    search_fields = ["node__title", "note"]
    list_select_related = ["node", "author"]
    date_hierarchy = "date"

    def delete_model(self, request, obj):
        progress_delete(update=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for update in queryset.select_related("node"):
            progress_delete(update=update, user=request.user)


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    list_display = ["node", "period_end", "breakdown", "value", "group_size", "denominator", "recorded_by"]
    list_filter = ["node__plan"]
    search_fields = ["node__title", "source", "note"]
    list_select_related = ["node", "recorded_by"]
    date_hierarchy = "period_end"

    def delete_model(self, request, obj):
        measurement_delete(measurement=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for measurement in queryset:
            measurement_delete(measurement=measurement, user=request.user)
