from django.apps import AppConfig


class TrackingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracking"
    verbose_name = "Progress and measurements"

    def ready(self) -> None:
        from plans.caching import register_data_mark
        from plans.hooks import register_demo_loader, register_pdf_section_provider, register_section_extras

        from .demo import demo_tracking_loader
        from .pdf import version_pdf_sections
        from .section_progress import action_progress
        from .selectors.marks import data_marks

        register_demo_loader(demo_tracking_loader)
        register_pdf_section_provider(version_pdf_sections)
        register_section_extras(action_progress)
        # The dashboards' cached pages are rebuilt when the plan's data changes.
        register_data_mark(data_marks)
