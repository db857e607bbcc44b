"""python manage.py import_plan FILE --slug S [--title T] [--visibility public|members]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import COMMAND_LINE
from plans.importers import PlanImportError, check_size, plan_import
from plans.models import Node, Reference, Visibility


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


class Command(BaseCommand):
    help = (
        "Create a plan's working draft from a file: plain text or Markdown with numbered or '#' "
        "headings and an optional 'References' list, or a JSON export of this portal."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The plan file (.txt, .md or .json).")
        parser.add_argument("--slug", required=True, help="The new plan's address: /plans/<slug>/.")
        parser.add_argument("--title", help="The plan's title (default: the document's own title).")
        parser.add_argument(
            "--visibility",
            choices=Visibility.values,
            default=Visibility.PUBLIC,
            help="public: anyone can read published versions; members: only signed-in users.",
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            # Before reading it: a file over the limit is refused without loading it into memory.
            check_size(path.stat().st_size)
            source = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror or error}") from None
        except PlanImportError as error:
            raise CommandError(f"{path}: {error}") from None
        try:
            plan = plan_import(
                source=source,
                slug=options["slug"],
                title=options["title"],
                visibility=options["visibility"],
                actor_label=COMMAND_LINE,
            )
        except PlanImportError as error:
            raise CommandError(f"{path}: {error}") from None
        sections = Node.objects.filter(plan=plan).count()
        references = list(Reference.objects.filter(plan=plan).values_list("text", flat=True))
        missing = sum(1 for text in references if not text.strip())
        summary = f"Imported {plan.title!r} as {plan.get_absolute_url()}: {_count(sections, 'section', 'sections')}, "
        summary += _count(len(references), "reference", "references")
        if missing:
            summary += f" ({missing} missing {'its' if missing == 1 else 'their'} citation text)"
        self.stdout.write(summary + ".")
