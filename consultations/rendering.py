"""How a candidate is shown: each section as readers see a published version, and what it would change."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from plans.diff.rendered import diff_rendered, rendered_snapshot_diff
from plans.markdown import render_markdown
from plans.models import ActionStatus, Direction
from plans.selectors import latest_version
from plans.snapshot import iter_sections

from .models import Consultation

EMPTY_SNAPSHOT = {"plan": {"title": "", "description": ""}, "sections": [], "references": []}


def _labels(consultation: Consultation) -> set[str]:
    return {ref["label"] for ref in consultation.snapshot["references"]}


def section_html(consultation: Consultation, section: dict[str, Any]) -> SafeString:
    """One section of the candidate, through the same include that renders a published version."""
    return _section_html(consultation.plan.slug, _labels(consultation), section)


def _section_html(plan_slug: str, labels: set[str], section: dict[str, Any]) -> SafeString:
    prepared = {k: v for k, v in section.items() if k != "children"}
    prepared["children"] = []
    prepared["html"] = render_markdown(section.get("body") or "", labels)
    prepared["depth"] = section["number"].count(".") + 1
    prepared["heading_level"] = min(prepared["depth"] + 1, 6)
    if section.get("status"):
        prepared["status_label"] = ActionStatus(section["status"]).label
    if section.get("direction"):
        prepared["direction_label"] = Direction(section["direction"]).label
    prepared.pop("id", None)  # the candidate's sections have no permanent public link yet
    html = render_to_string(
        "plans/includes/_document.html",
        {"sections": [prepared], "references": [], "plan_slug": plan_slug},
    )
    return mark_safe(html)  # noqa: S308 -- a rendered, autoescaped template


def references_html(consultation: Consultation) -> SafeString:
    return _references_html(consultation.plan.slug, consultation.snapshot)


def _references_html(plan_slug: str, snapshot: dict[str, Any]) -> SafeString:
    html = render_to_string(
        "plans/includes/_document.html",
        {"sections": [], "references": snapshot["references"], "plan_slug": plan_slug},
    )
    return mark_safe(html)  # noqa: S308 -- a rendered, autoescaped template


def candidate_sections(plan, snapshot: dict[str, Any]) -> dict[str, Any]:
    """A frozen snapshot as readers see a version: `sections_html` (one per section) and `references_html`."""
    labels = {ref["label"] for ref in snapshot["references"]}
    return {
        "title": snapshot["plan"]["title"],
        "sections_html": [_section_html(plan.slug, labels, s) for s in iter_sections(snapshot["sections"])],
        "references_html": _references_html(plan.slug, snapshot),
    }


def what_would_change(consultation: Consultation) -> dict[str, Any]:
    """Context for plans/includes/_snapshot_diff.html and its heading.

    While the consultation is open (or closed, before a version follows it): the latest version
    against the candidate, "what would change". Once a version follows it: the candidate against
    that version, what the committee changed after hearing the collaboration.
    """
    if consultation.version_id is not None:
        version = consultation.version
        return {
            "diff": rendered_snapshot_diff(consultation.snapshot, version.snapshot),
            "old_label": consultation.label,
            "new_label": f"version {version.number}",
            "title": f"What changed between this draft and version {version.number}",
        }
    latest = latest_version(consultation.plan)
    old = latest.snapshot if latest is not None else EMPTY_SNAPSHOT
    return {
        "diff": rendered_snapshot_diff(old, consultation.snapshot),
        "old_label": f"version {latest.number}" if latest is not None else "",
        "new_label": consultation.label,
        "title": f"What would change compared with version {latest.number}" if latest else "What would change",
    }


def amendment_diff(consultation: Consultation, section_id: int, proposed_text: str) -> SafeString:
    """The suggested wording against the candidate's, word by word, as readers see it."""
    section = consultation.section(section_id) or {}
    return diff_rendered(section.get("body") or "", proposed_text)
