"""Read a plan file (text, Markdown or JSON export) and create the plan's working draft."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DatabaseError, IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from audit.models import AuditAction
from audit.services import audit_record

from ..models import Node, Plan, Reference, Visibility
from ..services.nodes import set_history
from .base import NO_HEADINGS, ParsedPlan, ParsedSection, PlanImportError, decode_source
from .json_export import parse_json
from .markdown_doc import has_markdown_headings, parse_markdown
from .plain_text import parse_text

_SLUG_MAX = Plan._meta.get_field("slug").max_length
_TITLE_MAX = Plan._meta.get_field("title").max_length
HISTORY_MESSAGE = "Imported"

logger = logging.getLogger(__name__)


def plan_parse(source: str | bytes) -> ParsedPlan:
    """Parse a plan file without touching the database, detecting its format.

    JSON when it starts with `{`; Markdown when it has `#` headings (or only
    underlined ones); plain text with numbered headings otherwise.
    Raises PlanImportError on anything it cannot read, including a file larger
    than settings.PLAN_IMPORT_MAX_BYTES (5 MB by default).
    """
    text = decode_source(source)
    if text.lstrip().startswith("{"):
        return parse_json(text)
    if has_markdown_headings(text, atx_only=True):
        return parse_markdown(text)
    try:
        return parse_text(text)
    except PlanImportError as error:
        if str(error) == NO_HEADINGS and has_markdown_headings(text, atx_only=False):
            return parse_markdown(text)
        raise


def _check_target(*, slug: str, title: str, visibility: str) -> None:
    try:
        validate_slug(slug)
    except ValidationError:
        raise PlanImportError(
            f"{slug!r} is not a valid slug: use only letters, digits, hyphens and underscores."
        ) from None
    if len(slug) > _SLUG_MAX:
        raise PlanImportError(f"The slug is longer than {_SLUG_MAX} characters.")
    if visibility not in Visibility.values:
        raise PlanImportError(f"Visibility must be one of {', '.join(Visibility.values)}, not {visibility!r}.")
    if not title.strip():
        raise PlanImportError("The plan needs a title.")
    if len(title) > _TITLE_MAX:
        raise PlanImportError(f"The title is longer than {_TITLE_MAX} characters; give a shorter one.")


def _check_fields(row: Node | Reference, where: str) -> None:
    # The parsers check every field already; this guards the database from anything they miss.
    try:
        row.clean_fields(exclude=["plan", "parent", "deletion_batch"])
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise PlanImportError(f"{where}: {name}: {' '.join(messages)}") from None


def _create_sections(plan: Plan, sections: list[ParsedSection], user) -> int:
    """Create the sections, one level of the tree at a time (a few queries per level, whatever its size)."""
    author = user if user is not None and getattr(user, "is_authenticated", False) else None
    level: list[tuple[Node | None, list[ParsedSection]]] = [(None, sections)]
    count = 0
    while level:
        nodes: list[Node] = []
        below: list[tuple[Node, list[ParsedSection]]] = []
        for parent, items in level:
            for position, section in enumerate(items):
                node = Node(
                    plan=plan,
                    parent=parent,
                    position=position,
                    kind=section.kind,
                    title=section.title,
                    body=section.body,
                    **section.fields,
                )
                _check_fields(node, f"Section {section.title[:60]!r}")
                nodes.append(node)
                if section.children:
                    below.append((node, section.children))
        created = bulk_create_with_history(
            nodes, Node, batch_size=500, default_user=author, default_change_reason=HISTORY_MESSAGE
        )
        if any(node.pk is None for node in created):  # a database that cannot return the new ids
            raise PlanImportError("The plan could not be saved: the database did not return the new sections' ids.")
        count += len(created)
        level = below
    return count


def _create_references(plan: Plan, parsed: ParsedPlan, user) -> None:
    for position, item in enumerate(parsed.references):
        reference = Reference(plan=plan, label=item.label, text=item.text, url=item.url, position=position)
        _check_fields(reference, f"Reference [{item.label}]")
        set_history(reference, user, HISTORY_MESSAGE)
        reference.save()


def plan_import(
    *,
    source: str | bytes,
    slug: str,
    title: str | None = None,
    visibility: str = Visibility.PUBLIC,
    user=None,
    actor_label: str = "",
) -> Plan:
    """Create a plan and its working draft (sections and references) from a plan file.

    The title is `title` if given, else the document's own (a JSON export's
    plan title, a Markdown title heading, the text before the first heading),
    else the slug in words. All or nothing: on PlanImportError nothing is created.
    History records of the new rows name `user`, when given; so does the audit log entry
    (or `actor_label`, e.g. "command line").
    """
    slug = (slug or "").strip()
    try:
        parsed = plan_parse(source)
        title = (title or "").strip() or parsed.title or slug.replace("-", " ").replace("_", " ").strip().title()
        _check_target(slug=slug, title=title, visibility=visibility)
    except PlanImportError as error:
        logger.info("Import into %r refused: %s", slug, error)
        raise
    try:
        with transaction.atomic():
            if Plan.objects.filter(slug=slug).exists():
                raise PlanImportError(f"A plan with the slug {slug!r} already exists; choose another slug.")
            plan = Plan.objects.create(slug=slug, title=title, description=parsed.description, visibility=visibility)
            sections = _create_sections(plan, parsed.sections, user)
            _create_references(plan, parsed, user)
            audit_record(
                action=AuditAction.PLAN_IMPORTED,
                actor=user,
                actor_label=actor_label,
                plan=plan,
                details={"to": f"{sections} sections, {len(parsed.references)} references"},
            )
    except IntegrityError as error:
        if Plan.objects.filter(slug=slug).exists():
            # Another import took the slug between the check and the insert.
            raise PlanImportError(f"A plan with the slug {slug!r} already exists; choose another slug.") from None
        first_line = str(error).strip().split("\n", 1)[0]
        logger.warning("Import into %r failed in the database: %s", slug, first_line)
        raise PlanImportError(f"The plan could not be saved: {first_line}") from None
    except DatabaseError as error:
        # Whatever the parsers missed and the database refuses (the transaction rolled back).
        first_line = str(error).strip().split("\n", 1)[0]
        logger.warning("Import into %r failed in the database: %s", slug, first_line)
        raise PlanImportError(f"The plan could not be saved: {first_line}") from None
    except PlanImportError as error:
        logger.info("Import into %r refused: %s", slug, error)
        raise
    logger.info("Imported plan %r: %d sections, %d references", slug, sections, len(parsed.references))
    return plan
