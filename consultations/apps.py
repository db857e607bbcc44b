from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "consultations"
    verbose_name = "Consultations"

    def ready(self) -> None:
        from plans.caching import register_data_mark
        from plans.hooks import (
            register_demo_loader,
            register_publish_listener,
            register_section_extras,
            register_workspace_panel,
        )

        from .banner import banner_stamp
        from .demo import demo_consultation_loader
        from .marks import data_marks
        from .reviews import review_end_on_publish
        from .services import consultation_link_version
        from .views.review import review_panel

        register_section_extras(banner_stamp)
        register_publish_listener(consultation_link_version)
        register_publish_listener(review_end_on_publish)
        register_workspace_panel(review_panel)
        register_demo_loader(demo_consultation_loader)
        # The version pages' cached copies are rebuilt when a consultation opens or closes.
        register_data_mark(data_marks)
