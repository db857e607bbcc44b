"""Create the first admin from DJANGO_ADMIN_EMAIL and DJANGO_ADMIN_PASSWORD, for deployments."""

from __future__ import annotations

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.services import (
    AccountError,
    account_create,
    account_email_confirm,
    account_for_email,
    account_reactivate,
    admin_grant,
)
from audit.services import COMMAND_LINE

DEFAULT_NAME = "Portal admin"


class Command(BaseCommand):
    help = (
        "Create an admin account (staff and superuser, email verified) from the environment variables "
        "DJANGO_ADMIN_EMAIL, DJANGO_ADMIN_PASSWORD and, optionally, DJANGO_ADMIN_NAME (the name the "
        f"portal shows; default {DEFAULT_NAME!r}). If the account exists it is made an admin and its "
        "password and name are left unchanged. The admin must set up two-factor authentication at "
        "first sign-in."
    )

    def handle(self, *args, **options) -> None:
        email = os.environ.get("DJANGO_ADMIN_EMAIL", "").strip().lower()
        password = os.environ.get("DJANGO_ADMIN_PASSWORD", "")
        name = os.environ.get("DJANGO_ADMIN_NAME", "").strip() or DEFAULT_NAME
        if not email or not password:
            raise CommandError("Set DJANGO_ADMIN_EMAIL and DJANGO_ADMIN_PASSWORD.")
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"DJANGO_ADMIN_EMAIL is not an email address: {email}") from error
        with transaction.atomic():
            user = account_for_email(email)
            created = user is None
            try:
                if created:
                    user = account_create(
                        email=email, name=name, password=password, is_admin=True, actor=None, actor_label=COMMAND_LINE
                    )
                else:
                    admin_grant(user=user, actor=None, actor_label=COMMAND_LINE)
                    account_reactivate(user=user, actor=None, actor_label=COMMAND_LINE)
                    account_email_confirm(user=user, email=email, actor=None, actor_label=COMMAND_LINE)
            except ValidationError as error:
                raise CommandError("DJANGO_ADMIN_PASSWORD is too weak: " + " ".join(error.messages)) from error
            except AccountError as error:
                raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Created admin {email}." if created else f"Made {email} an admin."))
