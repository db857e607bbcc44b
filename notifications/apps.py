from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Email notifications"

    def ready(self) -> None:
        from plans.hooks import register_publish_listener

        from . import checks  # noqa: F401  (registers the deploy check on PORTAL_URL)
        from .services import deliveries_queue_for_version

        register_publish_listener(deliveries_queue_for_version)
