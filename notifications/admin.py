"""Django admin: admins look at subscriptions and the outbox, and queue failed messages again."""

from django.contrib import admin, messages

from .models import CommitteePreference, Delivery, DeliveryStatus, Subscription
from .services import deliveries_retry, subscription_cancel


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "plan", "user", "requested_at", "confirmed_at"]
    list_filter = ["plan", ("confirmed_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    raw_id_fields = ["user"]
    readonly_fields = ["plan", "email", "user", "requested_at", "confirmed_at"]

    def has_add_permission(self, request) -> bool:
        return False  # people subscribe themselves (double opt-in); admins may only delete

    def delete_model(self, request, obj) -> None:
        subscription_cancel(subscription=obj)

    def delete_queryset(self, request, queryset) -> None:
        for subscription in queryset:
            subscription_cancel(subscription=subscription)


@admin.register(CommitteePreference)
class CommitteePreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "plan", "consultations", "comments", "updated_at"]
    list_filter = ["plan"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # each member chooses on the workspace page


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "status", "plan", "attempts", "next_attempt_at", "sent_at", "sent_to"]
    list_filter = ["status", "kind", "plan"]
    readonly_fields = [field.name for field in Delivery._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Queue the selected failed or skipped messages again")
    def send_again(self, request, queryset) -> None:
        count = deliveries_retry(deliveries=queryset.filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.SKIPPED]))
        self.message_user(request, f"{count} message(s) queued again.", messages.SUCCESS)
