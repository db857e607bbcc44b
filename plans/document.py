"""A published version's document as HTML: every section, numbered, with the reference list.

Rendered once per version (its Markdown through plans.markdown) and kept in the cache for
good: a published version never changes. The version pages embed it; publishing renders it
at once (plans.caching.warm), so the first reader does not wait for it.
"""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from .markdown import render_markdown
from .models import ActionStatus, Direction, PlanVersion
from .snapshot import iter_sections

# Bump when _document.html changes, so that cached documents are rendered again.
DOCUMENT_HTML_VERSION = 2


def version_document_html(version: PlanVersion) -> SafeString:
    """The version's document body (templates/plans/includes/_document.html), from the cache once rendered.

    Live facts (an action's progress) are not in it: each section carries a mark that
    `plans.hooks.fill_section_extras` fills when the page is built.
    """
    key = f"plans:version-html:{DOCUMENT_HTML_VERSION}:{version.pk}:{version.content_hash}"
    html = cache.get(key)
    if html is None:
        snapshot = version.snapshot
        references = {ref["label"] for ref in snapshot["references"]}
        sections = list(iter_sections(snapshot["sections"]))
        for section in sections:
            section["html"] = render_markdown(section["body"], references)
            section["depth"] = section["number"].count(".") + 1
            section["heading_level"] = min(section["depth"] + 1, 6)
            if section.get("status"):
                section["status_label"] = ActionStatus(section["status"]).label
            if section.get("direction"):
                section["direction_label"] = Direction(section["direction"]).label
        html = render_to_string(
            "plans/includes/_document.html",
            {
                "snapshot": snapshot,
                "sections": sections,
                "references": snapshot["references"],
                "plan_slug": version.plan.slug,
            },
        )
        cache.set(key, str(html), timeout=None)
    return mark_safe(html)  # noqa: S308 -- rendered above from a template, autoescaped, Markdown sanitised
