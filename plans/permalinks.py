"""Permanent links to a section: where the section with a given id is in the published versions.

A read (a selector), kept apart from `plans.selectors` because it has its own cache: each
published version's map of section id to (number, anchor, title). Versions never change, so a
map is built once per version (from its snapshot) and kept in the cache without expiry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from .models import Plan, PlanVersion
from .selectors import plan_versions
from .snapshot import iter_sections

SectionIndex = dict[int, tuple[str, str, str]]  # id -> (number, anchor, title)


@dataclass(frozen=True)
class SectionLocation:
    """Where a section is: the latest published version that contains it, and its place there."""

    version: PlanVersion  # without its snapshot
    latest: PlanVersion
    number: str
    anchor: str
    title: str

    @property
    def in_latest(self) -> bool:
        """False when the section was removed after `version`."""
        return self.version.pk == self.latest.pk


def _index_key(version: PlanVersion) -> str:
    return f"plans:section-index:{version.pk}:{version.content_hash}"


def section_index(snapshot: dict[str, Any]) -> SectionIndex:
    """Every section of a snapshot that has an id: id -> (number, anchor, title)."""
    return {
        section["id"]: (section["number"], section["anchor"], section["title"])
        for section in iter_sections(snapshot.get("sections") or [])
        if section.get("id") is not None
    }


def _load_indexes(versions: list[PlanVersion]) -> dict[int, SectionIndex]:
    """Build and cache the maps of these versions, reading their snapshots in one query."""
    built: dict[int, SectionIndex] = {}
    by_pk = {version.pk: version for version in versions}
    rows = PlanVersion.objects.filter(pk__in=by_pk).values_list("pk", "snapshot")
    for pk, snapshot in rows.iterator(chunk_size=8):  # one snapshot in memory at a time, or nearly
        built[pk] = section_index(snapshot)
    cache.set_many({_index_key(by_pk[pk]): index for pk, index in built.items()}, timeout=None)
    return built


def section_location(plan: Plan, node_id: int, *, versions: list[PlanVersion] | None = None) -> SectionLocation | None:
    """The latest published version containing section `node_id`, and its number and anchor there.

    None if no published version ever had it (or the plan has none). Versions are read
    newest first. Queries: the list of versions (unless given), and only on a cold cache
    the snapshots: first the latest's alone, then, if it lacks the section, every other
    uncached one in a single query.
    """
    versions = plan_versions(plan) if versions is None else versions
    if not versions:
        return None
    latest = versions[0]
    keys = {version.pk: _index_key(version) for version in versions}
    cached = cache.get_many(list(keys.values()))
    indexes: dict[int, SectionIndex] = {pk: cached[key] for pk, key in keys.items() if key in cached}

    def find(candidates: list[PlanVersion]) -> SectionLocation | None:
        for version in candidates:
            place = indexes[version.pk].get(node_id)
            if place is not None:
                return SectionLocation(version, latest, *place)
        return None

    if latest.pk not in indexes:
        indexes.update(_load_indexes([latest]))
    if (found := find([latest])) is not None:
        return found
    missing = [version for version in versions[1:] if version.pk not in indexes]
    if missing:
        indexes.update(_load_indexes(missing))
    return find(versions[1:])
