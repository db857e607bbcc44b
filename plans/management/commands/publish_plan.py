"""publish_plan SLUG --notes N [--major]: publish the plan's working draft as a new version."""

from django.core.management.base import BaseCommand, CommandError

from audit.services import COMMAND_LINE
from plans.models import Plan
from plans.services import PublishError, plan_publish


class Command(BaseCommand):
    help = "Publish the working draft of a plan as a new numbered version (minor unless --major)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The plan's slug, as in /plans/<slug>/.")
        parser.add_argument("--notes", required=True, help="Release notes: what changed in this version.")
        parser.add_argument("--major", action="store_true", help="Bump the major number (1.3 -> 2.0).")

    def handle(self, *args, slug: str, notes: str, major: bool, **options):
        plan = Plan.objects.filter(slug=slug).first()
        if plan is None:
            raise CommandError(f"No plan with the slug '{slug}'.")
        try:
            version = plan_publish(plan=plan, user=None, notes=notes, major=major, actor_label=COMMAND_LINE)
        except PublishError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Published {plan.slug} version {version.number}: {version.get_absolute_url()}")
