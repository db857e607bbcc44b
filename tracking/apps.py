from django.apps import AppConfig


class TrackingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracking"
    verbose_name = "Progress and measurements"

    def ready(self) -> None:
        from plans.hooks import register_demo_loader, register_section_extras

        from .demo import demo_tracking_loader
        from .section_progress import action_progress

        register_demo_loader(demo_tracking_loader)
        register_section_extras(action_progress)
