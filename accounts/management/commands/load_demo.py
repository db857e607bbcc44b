"""Load the demo plan and demo accounts; running it again changes nothing."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DemoRefusedError, demo_load, refuse_in_production
from plans.hooks import demo_loaders


class Command(BaseCommand):
    help = (
        "Create the demo accounts and the public demo plan (version 1.0 plus draft edits). "
        "Leaves an existing demo plan and existing accounts (their passwords and roles) alone. "
        "New accounts get the shared password $DEMO_PASSWORD. Refuses to run under production settings."
    )

    def handle(self, *args, **options) -> None:
        try:
            refuse_in_production()  # before anything touches the database
        except DemoRefusedError as error:
            raise CommandError(str(error)) from None
        with transaction.atomic():
            result = demo_load()
            # Other apps add their part of the demo (tracking: progress and measurements).
            for loader in demo_loaders():
                line = loader(plan=result.plan, users=result.users)
                if line:
                    self.stdout.write(line)
        for account, created in result.accounts:
            if created:
                self.stdout.write(f"Created the demo account {account.email} ({account.name}).")
        if result.plan_created:
            version = result.plan.versions.latest_first().first()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the demo plan {result.plan.slug!r}, published as version {version.number}, "
                    "with unpublished draft changes."
                )
            )
        else:
            self.stdout.write(f"The demo plan {result.plan.slug!r} already exists; left it as it is.")
        self.stdout.write(result.sign_ins())
        if settings.REQUIRE_MFA:
            self.stdout.write(
                "Two-factor sign-in is required here (DJANGO_REQUIRE_MFA is on): the admin, editor and "
                "publisher will be asked to set up an authenticator app at their first sign-in."
            )
        else:
            self.stdout.write(
                "Two-factor sign-in is not required here (DJANGO_REQUIRE_MFA=false), so the demo accounts "
                "sign in with the password alone. Production always requires it for admins and editors."
            )
