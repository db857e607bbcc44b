from django.apps import AppConfig


class TrackingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracking"
    verbose_name = "Progress and measurements"

    def ready(self) -> None:
        from plans.caching import register_data_mark
        from plans.hooks import register_demo_loader

        from .demo import demo_tracking_loader
        from .selectors.marks import data_marks

        register_demo_loader(demo_tracking_loader)
        # The dashboards' cached pages are rebuilt when the plan's data changes.
        register_data_mark(data_marks)
