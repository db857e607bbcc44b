"""search_index [--plan SLUG] [--rebuild]: index published versions that the search index lacks."""

from django.core.management.base import BaseCommand, CommandError

from plans.models import Plan
from search.services import search_index_update


class Command(BaseCommand):
    help = (
        "Add the published versions that are not in the search index yet (every version is indexed "
        "when it is published; this catches up on older ones). --rebuild indexes every version again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", metavar="SLUG", help="Only this plan's versions.")
        parser.add_argument("--rebuild", action="store_true", help="Index every version again, not only missing ones.")

    def handle(self, *args, plan: str | None, rebuild: bool, **options):
        chosen = None
        if plan is not None:
            chosen = Plan.objects.filter(slug=plan).first()
            if chosen is None:
                raise CommandError(f"No plan with the slug '{plan}'.")
        versions, sections = search_index_update(plan=chosen, rebuild=rebuild)
        if versions:
            self.stdout.write(f"Indexed {versions} version{'s' if versions != 1 else ''} ({sections} sections).")
        else:
            self.stdout.write("The search index already holds every published version.")
