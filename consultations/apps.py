from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self) -> None:
        from plans.caching import register_data_mark
        from plans.hooks import register_publish_listener, register_section_extras

        from .banner import banner_stamp
        from .marks import data_marks
        from .services import consultation_link_version

        register_section_extras(banner_stamp)
        register_publish_listener(consultation_link_version)
        # The version pages' cached copies are rebuilt when a consultation opens or closes.
        register_data_mark(data_marks)
