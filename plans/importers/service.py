"""Read a plan file (text, Markdown or JSON export) and create the plan's working draft."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max
from simple_history.utils import bulk_create_with_history

from audit.models import AuditAction
from audit.services import audit_record

from ..kinds import ALLOWED_CHILDREN, KINDS, Kind, allowed_children, empty_value, get_kind
from ..models import Node, Plan, Reference, Visibility
from ..services.guarded import plan_lock
from ..services.nodes import set_history
from .base import (
    NO_HEADINGS,
    ParsedPlan,
    ParsedReference,
    ParsedSection,
    PlanImportError,
    decode_source,
    recording_repairs,
)
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
    with recording_repairs() as repairs:
        parsed = _parse_text_of(text)
    parsed.repairs = repairs
    return parsed


def _parse_text_of(text: str) -> ParsedPlan:
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


def _create_sections(plan: Plan, sections: list[ParsedSection], user, *, start: int = 0) -> int:
    """Create the sections, one level of the tree at a time (a few queries per level, whatever its size).

    The top-level sections take positions from `start` on (after a draft's own, when appending).
    """
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
                    position=position + start if parent is None else position,
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


def _create_references(
    plan: Plan, parsed: ParsedPlan, user, *, items: list[ParsedReference] | None = None, start: int = 0
) -> None:
    for position, item in enumerate(parsed.references if items is None else items, start=start):
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
    kinds: dict[str, str] | None = None,
) -> Plan:
    """Create a plan and its working draft (sections and references) from a plan file.

    The title is `title` if given, else the document's own (a JSON export's
    plan title, a Markdown title heading, the text before the first heading),
    else the slug in words. All or nothing: on PlanImportError nothing is created.
    History records of the new rows name `user`, when given; so does the audit log entry
    (or `actor_label`, e.g. "command line"). `kinds` sets sections' kinds by number (see kinds_apply).
    """
    slug = (slug or "").strip()
    try:
        parsed = plan_parse(source)
        kinds_apply(parsed, kinds or {})
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


# Importing into an existing plan, from the browser ------------------------------------------------


def numbered_sections(
    parsed: ParsedPlan, *, start: int = 0
) -> Iterator[tuple[str, ParsedSection, ParsedSection | None]]:
    """(number, section, parent) of every section, depth first; top-level numbers count from `start` + 1.

    The numbers are the ones the sections get in a new plan (start 0), or appended after `start`
    top-level sections; with start 0 they are also the keys of `kinds_apply`.
    """

    def visit(sections, prefix: str, parent, offset: int):
        for index, section in enumerate(sections, start=offset + 1):
            number = f"{prefix}{index}"
            yield number, section, parent
            yield from visit(section.children, f"{number}.", section, 0)

    yield from visit(parsed.sections, "", None, start)


def _filled(name: str, value: Any) -> bool:
    return value != empty_value(Node._meta.get_field(name))


def kind_choices(section: ParsedSection, parent_kind: str | None) -> list[Kind]:
    """The kinds `section` may take: allowed under its parent, able to hold its subsections as they
    are, and having every field the section fills in (so that nothing of it is dropped)."""
    filled = {name for name, value in section.fields.items() if _filled(name, value)}
    return [
        kind
        for kind in allowed_children(parent_kind)
        if all(child.kind in kind.children for child in section.children) and filled <= set(kind.facts)
    ]


def kinds_apply(parsed: ParsedPlan, kinds: dict[str, str]) -> None:
    """Give the sections the kinds chosen in the preview, by number ("2.1": "definition").

    Checks the whole tree afterwards: each kind where its parent allows it, and no field the
    section fills in that its new kind lacks. A section that becomes an action gets the
    action's initial status. Raises PlanImportError, changing nothing it has not already
    checked, on an unknown number or kind, or a kind that does not fit.
    """
    if not kinds:
        return
    by_number = {number: section for number, section, _ in numbered_sections(parsed)}
    for number, value in kinds.items():
        if number not in by_number:
            raise PlanImportError(f"There is no section {number} in the text.")
        if value not in KINDS:
            raise PlanImportError(f"Section {number}: {value!r} is not a kind of section.")
    for number, value in kinds.items():
        by_number[number].kind = value
    for number, section, parent in numbered_sections(parsed):
        kind = get_kind(section.kind)
        parent_kind = parent.kind if parent is not None else None
        if section.kind not in ALLOWED_CHILDREN[parent_kind]:
            where = f"under {get_kind(parent_kind).with_article}" if parent_kind else "at the top level"
            raise PlanImportError(f"Section {number}: {kind.with_article} cannot go {where}.")
        for name, value in list(section.fields.items()):
            if name in kind.facts:
                continue
            if _filled(name, value):
                raise PlanImportError(
                    f"Section {number} fills in “{kind.field_label(name)}”, which {kind.with_article} "
                    "does not have; keep its kind, so that nothing is lost."
                )
            del section.fields[name]
        for name, initial in kind.initial:
            if not _filled(name, section.fields.get(name, empty_value(Node._meta.get_field(name)))):
                section.fields[name] = initial


def references_to_add(plan: Plan, parsed: ParsedPlan) -> tuple[list[ParsedReference], list[str]]:
    """(the parsed references the plan lacks, the labels it has already) for appending to `plan`.

    A label the plan has already is kept as it is when the text brings no citation text of its
    own, or the same; other text under the same label is refused (PlanImportError), since one
    of the two would be lost.
    """
    existing = {ref.label: ref for ref in Reference.objects.filter(plan=plan)}
    new, kept = [], []
    for item in parsed.references:
        old = existing.get(item.label)
        if old is None:
            new.append(item)
        elif (not item.text.strip() and not item.url) or (item.text.strip(), item.url) == (old.text.strip(), old.url):
            kept.append(item.label)
        else:
            raise PlanImportError(
                f"Reference [{item.label}] is in the plan's reference list already, with other text; "
                f"give it another label in the text, or change the plan's reference [{item.label}] first."
            )
    return new, kept


def append_check(parsed: ParsedPlan) -> None:
    """Refuse (PlanImportError) a file whose text before the first heading would have no place when
    its sections are appended to a draft: a new plan keeps that text as its description, a draft
    has nowhere to put it. The document's title alone is not text readers would miss."""
    if parsed.description.strip():
        start = " ".join(parsed.description.split())[:80]
        raise PlanImportError(
            f"The text before the first heading (“{start}…”) would have no place in the draft: "
            "put it under a heading of its own, or leave it out, then preview again."
        )


def plan_import_into(*, plan: Plan, source: str | bytes, user, kinds: dict[str, str] | None = None) -> int:
    """Append the sections of a plan file at the end of `plan`'s draft (top level), with the
    references the plan lacks; returns how many sections were created.

    The same parsing as plan_import (plan_parse), `kinds` as in kinds_apply. All or nothing, in
    one transaction under the plan's lock; history records name `user`, and so does the audit entry.
    """
    try:
        parsed = plan_parse(source)
        kinds_apply(parsed, kinds or {})
        append_check(parsed)
        with transaction.atomic():
            plan_lock(plan.pk)
            new_references, _kept = references_to_add(plan, parsed)
            top = Node.objects.filter(plan=plan, parent=None).live().aggregate(last=Max("position"))["last"]
            sections = _create_sections(plan, parsed.sections, user, start=0 if top is None else top + 1)
            last_reference = Reference.objects.filter(plan=plan).aggregate(last=Max("position"))["last"]
            _create_references(
                plan,
                parsed,
                user,
                items=new_references,
                start=0 if last_reference is None else last_reference + 1,
            )
            audit_record(
                action=AuditAction.PLAN_IMPORTED,
                actor=user,
                plan=plan,
                details={"to": f"appended {sections} sections, {len(new_references)} references"},
            )
    except DatabaseError as error:
        first_line = str(error).strip().split("\n", 1)[0]
        logger.warning("Import into %r failed in the database: %s", plan.slug, first_line)
        raise PlanImportError(f"The sections could not be saved: {first_line}") from None
    except PlanImportError as error:
        logger.info("Import into %r refused: %s", plan.slug, error)
        raise
    logger.info("Appended %d sections to plan %r", sections, plan.slug)
    return sections
