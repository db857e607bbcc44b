"""Create the first admin from DJANGO_ADMIN_EMAIL and DJANGO_ADMIN_PASSWORD, for deployments."""

from __future__ import annotations

import os

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Create an admin account (staff and superuser, email verified) from the environment variables "
        "DJANGO_ADMIN_EMAIL and DJANGO_ADMIN_PASSWORD. If the account exists it is made an admin and "
        "its password is left unchanged. The admin must set up two-factor authentication at first sign-in."
    )

    def handle(self, *args, **options) -> None:
        email = os.environ.get("DJANGO_ADMIN_EMAIL", "").strip().lower()
        password = os.environ.get("DJANGO_ADMIN_PASSWORD", "")
        if not email or not password:
            raise CommandError("Set DJANGO_ADMIN_EMAIL and DJANGO_ADMIN_PASSWORD.")
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"DJANGO_ADMIN_EMAIL is not an email address: {email}") from error
        User = get_user_model()
        with transaction.atomic():
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                candidate = User(email=email, username=email[:150])
                try:
                    password_validation.validate_password(password, user=candidate)
                except ValidationError as error:
                    raise CommandError("DJANGO_ADMIN_PASSWORD is too weak: " + " ".join(error.messages)) from error
                user = User.objects.create_superuser(username=email[:150], email=email, password=password)
                created = True
            else:
                created = False
                if not (user.is_staff and user.is_superuser and user.is_active):
                    user.is_staff = user.is_superuser = user.is_active = True
                    user.save(update_fields=["is_staff", "is_superuser", "is_active"])
            address, _ = EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if not address.verified:
                address.verified = True
                address.save(update_fields=["verified"])
        verb = "Created" if created else "Made"
        self.stdout.write(self.style.SUCCESS(f"{verb} admin {email}." if created else f"{verb} {email} an admin."))
