from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "Accounts, invitations and audit log"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the audit log to account and role changes)
