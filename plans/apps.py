from django.apps import AppConfig


class PlansConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "plans"
    verbose_name = "DEI plans"

    def ready(self) -> None:
        from . import hooks
        from .caching import receivers
        from .pdf.documents import version_pdf_on_publish

        hooks.register_publish_listener(version_pdf_on_publish)
        # Publishing and plan saves tell the page cache (plans.caching) that pages changed.
        hooks.register_publish_listener(receivers.version_published)
        receivers.connect()
