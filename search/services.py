"""Writes of the search index: the only code that adds or removes its rows."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection, transaction

from plans.models import Plan, PlanVersion

from .models import IndexedSection
from .text import snapshot_sections, snapshot_title


def search_vector() -> SearchVector:
    """What PostgreSQL stores per row: the title's words above the text's, stemmed in English."""
    return SearchVector("title", weight="A", config="english") + SearchVector("text", weight="B", config="english")


def version_index(*, version: PlanVersion, replace: bool = False) -> int:
    """Index every section of a published version; returns how many rows were written.

    Three queries whatever the version's size (two on SQLite, whose FTS table is filled by
    triggers): the rows in one insert, then PostgreSQL's search vectors in one update. With
    `replace`, the version's earlier rows are removed first (to rebuild the index).
    """
    snapshot = version.snapshot
    plan_title = snapshot_title(snapshot)
    rows = [
        IndexedSection(
            plan_id=version.plan_id,
            version=version,
            position=section.position,
            section_id=section.section_id,
            number=section.number,
            anchor=section.anchor,
            kind=section.kind,
            title=section.title,
            text=section.text,
            plan_title=plan_title,
        )
        for section in snapshot_sections(snapshot)
    ]
    with transaction.atomic():
        if replace:
            IndexedSection.objects.filter(version=version).delete()
        IndexedSection.objects.bulk_create(rows, batch_size=500)
        if connection.vendor == "postgresql":
            IndexedSection.objects.filter(version=version).update(search_vector=search_vector())
    return len(rows)


def index_published_version(version: PlanVersion) -> None:
    """The publish listener (plans.hooks): runs inside the publishing transaction."""
    version_index(version=version)


def search_index_update(*, plan: Plan | None = None, rebuild: bool = False) -> tuple[int, int]:
    """Index the published versions that are not indexed yet (all of them with `rebuild`),
    of one plan or of every plan; returns (versions indexed, sections written).

    Each version is indexed in its own transaction, so a long rebuild holds no lock for long.
    """
    versions = PlanVersion.objects.order_by("plan_id", "major", "minor")
    if plan is not None:
        versions = versions.filter(plan=plan)
    if not rebuild:
        versions = versions.filter(indexed_sections__isnull=True)
    count = sections = 0
    for pk in list(versions.values_list("pk", flat=True)):
        version = PlanVersion.objects.get(pk=pk)
        sections += version_index(version=version, replace=rebuild)
        count += 1
    return count, sections
