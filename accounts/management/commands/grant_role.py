"""Give a person a role on a plan (or take it away), creating their account if needed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from accounts.services import AccountError, account_get_or_create, account_set_password, role_set
from audit.services import COMMAND_LINE
from plans.models import Plan, Role

NO_ROLE = "none"
ROLE_CHOICES = (*Role.values, NO_ROLE)


class Command(BaseCommand):
    help = (
        "Make EMAIL an editor or publisher of the plan SLUG, or remove their role with 'none'. "
        "Creates the account, with a verified email address, if it does not exist."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email", help="The person's email address; it is also their sign-in name.")
        parser.add_argument("slug", help="The plan's slug, as in /plans/<slug>/.")
        # Checked in handle() rather than with argparse choices, to give a one-line error.
        parser.add_argument("role", help=f"One of: {', '.join(ROLE_CHOICES)}.")
        parser.add_argument(
            "--password",
            help="Set this password on the account. Without it a new account has no password "
            "and the person sets one through 'Forgot password'.",
        )

    def handle(self, *args, email: str, slug: str, role: str, password: str | None, **options) -> None:
        role = role.strip().lower()
        if role not in ROLE_CHOICES:
            raise CommandError(f"Unknown role {role!r}: choose one of {', '.join(ROLE_CHOICES)}.")
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError as error:
            raise CommandError(f"{email!r} is not a valid email address.") from error
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"There is no plan with the slug {slug!r}.")
        try:
            with transaction.atomic():
                user, created = account_get_or_create(
                    email=email, password=password, actor=None, actor_label=COMMAND_LINE
                )
                password_changed = (
                    not created
                    and password is not None
                    and account_set_password(
                        user=user, password=password, validate=True, actor=None, actor_label=COMMAND_LINE
                    )
                )
                changed = role_set(
                    plan=plan,
                    user=user,
                    role=None if role == NO_ROLE else role,
                    actor=None,
                    actor_label=COMMAND_LINE,
                )
        except ValidationError as error:
            raise CommandError("The password was refused: " + " ".join(_messages(error))) from error
        except AccountError as error:
            raise CommandError(str(error)) from error

        address = user.email or email
        if created:
            self.stdout.write(f"Created the account {address} with a verified email address.")
            if password is None:
                self.stdout.write(
                    "It has no password yet: the person must set one with 'Forgot password' "
                    "(/accounts/password/reset/) before signing in."
                )
            self.stdout.write(
                "It has no name yet: the person gives it under Your account → Your name (/accounts/name/), "
                "or an admin in the Django admin; until then the portal calls them 'Someone'."
            )
        elif password_changed:
            self.stdout.write(f"Changed the password of {address}.")
        if role == NO_ROLE:
            message = (
                f"{address} no longer has a role on {plan.slug}."
                if changed
                else f"{address} had no role on {plan.slug}; nothing to remove."
            )
        else:
            message = (
                f"{address} is now {role} of {plan.slug}."
                if changed
                else f"{address} was already {role} of {plan.slug}; nothing changed."
            )
        self.stdout.write(self.style.SUCCESS(message))


def _messages(error: ValidationError) -> list[str]:
    messages = []
    for message in error.messages:
        message = str(message).strip()
        messages.append(message if message.endswith(".") else message + ".")
    return messages or ["Invalid input."]
