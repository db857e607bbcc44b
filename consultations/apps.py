from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self) -> None:
        from plans.hooks import register_publish_listener, register_section_extras

        from .banner import banner_stamp
        from .services import consultation_link_version

        register_section_extras(banner_stamp)
        register_publish_listener(consultation_link_version)
