from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = "DEI plans"

    def ready(self) -> None:
        from .hooks import register_publish_listener
        from .pdf.documents import version_pdf_on_publish

        register_publish_listener(version_pdf_on_publish)
