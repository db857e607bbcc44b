from django.apps import AppConfig


class SearchConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from plans.hooks import register_publish_listener

        from .services import index_published_version

        register_publish_listener(index_published_version)
