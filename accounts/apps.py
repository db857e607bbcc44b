from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts, roles and invitations"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (audits what people do through allauth's own pages)
