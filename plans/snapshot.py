"""The one canonical serialization of a plan: used to publish, export, and compare.

A snapshot is plain JSON data. Its `schema` number changes whenever its shape
does, so that old versions can still be read.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from decimal import Decimal
from typing import Any

from .kinds import KINDS, get_kind
from .models import REFERENCE_FIELDS, Plan, PlanVersion, Reference
from .tree import TreeNode, plan_tree, section_anchor

SCHEMA_VERSION = 1

# The keys a section of each kind has besides title and body (plans.kinds declares them).
KIND_FIELDS: dict[str, tuple[str, ...]] = {value: kind.facts for value, kind in KINDS.items() if kind.facts}


def _json_value(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, Decimal):
        # Canonical form: no exponent, no trailing zeros ("12.5", not "12.5000").
        text = format(value.normalize(), "f")
        return text
    if isinstance(value, date):
        return value.isoformat()
    return value


def serialize_node(item: TreeNode) -> dict[str, Any]:
    """One section and its subsections: structure, kind, then the kind's fields in declared order."""
    node = item.node
    data: dict[str, Any] = {"id": node.id, "number": item.number, "anchor": item.anchor, "kind": node.kind}
    for name in get_kind(node.kind).fields:
        data[name] = _json_value(getattr(node, name))
    data["children"] = [serialize_node(child) for child in item.children]
    return data


def serialize_reference(reference: Reference) -> dict[str, Any]:
    return {name: getattr(reference, name) for name in REFERENCE_FIELDS}


def plan_snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's working draft as a snapshot (two queries, whatever the plan's size)."""
    return {
        "schema": SCHEMA_VERSION,
        "plan": {
            "slug": plan.slug,
            "title": plan.title,
            "description": plan.description,
            "visibility": plan.visibility,
        },
        "sections": [serialize_node(item) for item in plan_tree(plan)],
        "references": [serialize_reference(r) for r in Reference.objects.filter(plan=plan)],
    }


def _without_ids(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**{k: v for k, v in s.items() if k not in ("id", "children")}, "children": _without_ids(s["children"])}
        for s in sections
    ]


def snapshot_content(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What readers see of a snapshot: everything but internal row ids."""
    return {
        "plan": {"title": snapshot["plan"]["title"], "description": snapshot["plan"].get("description", "")},
        "sections": _without_ids(snapshot["sections"]),
        "references": snapshot["references"],
    }


def snapshot_hash(snapshot: dict[str, Any]) -> str:
    """SHA-256 of the snapshot's content, independent of key order and row ids."""
    canonical = json.dumps(snapshot_content(snapshot), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def iter_sections(sections: list[dict[str, Any]]):
    """Every section of a snapshot, depth first, in document order."""
    for section in sections:
        yield section
        yield from iter_sections(section["children"])


def version_export(version: PlanVersion) -> dict[str, Any]:
    """The JSON export of a published version (the shape in DESIGN.md)."""
    snapshot = version.snapshot
    return {
        "schema": snapshot.get("schema", SCHEMA_VERSION),
        "plan": {
            "slug": version.plan.slug,
            "title": snapshot["plan"]["title"],
            "description": snapshot["plan"].get("description", ""),
        },
        "version": version.number,
        "published_at": version.published_at.isoformat(),
        "notes": version.notes,
        "sections": snapshot["sections"],
        "references": snapshot["references"],
    }


def _markdown_value(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def version_markdown(version: PlanVersion) -> str:
    """The published version as one Markdown document, with numbered headings."""
    snapshot = version.snapshot
    lines = [
        f"# {snapshot['plan']['title']}",
        "",
        f"Version {version.number}, published {version.published_at.date().isoformat()}.",
        "",
    ]
    if version.notes:
        lines += [f"> {line}" if line else ">" for line in version.notes.splitlines()] + [""]

    def emit(section: dict[str, Any], depth: int) -> None:
        lines.extend([f"{'#' * min(depth + 1, 6)} {section['number']} {section['title']}", ""])
        kind = get_kind(section["kind"])
        facts = [
            f"- **{kind.field_label(name)}:** {_markdown_value(section[name])}"
            for name in kind.facts
            if section.get(name) not in (None, "")
        ]
        if facts:
            lines.extend([*facts, ""])
        if section["body"].strip():
            lines.extend([section["body"].strip(), ""])
        for child in section["children"]:
            emit(child, depth + 1)

    for section in snapshot["sections"]:
        emit(section, 1)
    if snapshot["references"]:
        lines += ["## References", ""]
        for ref in snapshot["references"]:
            text = ref["text"] or "(citation to be added)"
            lines += [f"[{ref['label']}] {text}" + (f", {ref['url']}" if ref["url"] else ""), ""]
    return "\n".join(lines)


__all__ = [
    "SCHEMA_VERSION",
    "iter_sections",
    "plan_snapshot",
    "section_anchor",
    "snapshot_content",
    "snapshot_hash",
    "version_export",
    "version_markdown",
]
