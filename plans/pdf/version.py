"""A published version as a formal document, from its snapshot alone (like the web page).

Title page (title, version, date, description, release notes), numbered contents with
page numbers, the sections under the same numbers as the web page, the reference list.
Other apps add to a section through `plans.hooks.register_pdf_section_provider`
(tracking: each indicator's chart and table of public values).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils import timezone

from .. import hooks
from ..models import ActionStatus, Direction, NodeKind, PlanVersion
from .blocks import absolute_url, content, document, facts, heading, join, kind_label, link, long_date, plain_text
from .escape import Markup, markup, string
from .markdown import markdown_to_typst

_NUMBER = re.compile(r"\d+(\.\d+)*")


def section_label(number: str) -> str | None:
    """The document label of a section: the web page's anchor (2.1 -> s-2-1)."""
    return "s-" + number.replace(".", "-") if _NUMBER.fullmatch(number or "") else None


def reference_label(index: int) -> str:
    return f"ref-{index}"


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else (value or "")


def _with_unit(value: Any, unit: str) -> str:
    return f"{value} {unit}" if unit else str(value)


def section_facts(section: dict[str, Any]) -> Markup:
    """What the web page lists under an action or indicator heading, in the same words."""
    kind = section["kind"]
    if kind == NodeKind.ACTION:
        return facts(
            [
                ("Status", _label(ActionStatus, section.get("status") or "")),
                ("Owner", section.get("owner") or ""),
                ("Leads", section.get("leads") or ""),
                ("Start", section.get("start_date") or ""),
                ("Target date", section.get("target_date") or ""),
            ]
        )
    if kind == NodeKind.INDICATOR:
        unit = section.get("unit") or ""
        baseline = target = ""
        if section.get("baseline_value") is not None:
            baseline = _with_unit(section["baseline_value"], unit)
            if section.get("baseline_date"):
                baseline += f" ({section['baseline_date']})"
        if section.get("target_value") is not None:
            target = _with_unit(section["target_value"], unit)
            if section.get("target_date"):
                target += f" by {section['target_date']}"
        return facts(
            [
                ("Unit", unit),
                ("Aim", _label(Direction, section.get("direction") or "")),
                ("Data source", section.get("data_source") or ""),
                ("Baseline", baseline),
                ("Target", target),
            ]
        )
    return Markup("")


def _kind_label(kind: str) -> Markup:
    if kind == NodeKind.NARRATIVE or kind not in NodeKind.values:
        return Markup("")
    return kind_label(NodeKind(kind).label)


def _anchors(sections: list[dict[str, Any]]) -> set[str]:
    found = set()
    for section in sections:
        name = section_label(section["number"])
        if name:
            found.add(name)
        found |= _anchors(section["children"])
    return found


def _references(references: list[dict[str, Any]]) -> Markup:
    if not references:
        return Markup("")
    entries = []
    for index, ref in enumerate(references, start=1):
        text = markup(ref["text"]) if ref["text"] else markup("Citation text not yet added.")
        if ref["url"]:
            text = Markup(f"{text} {link(ref['url'])}")
        entries.append(Markup(f"#reference-entry({string(ref['label'])}, [{text}])<{reference_label(index)}>"))
    return join([heading("References", level=1, anchor="references"), *entries])


def version_source(version: PlanVersion) -> str:
    """The Typst source of the version's document."""
    snapshot = version.snapshot
    title = snapshot["plan"]["title"]
    published = timezone.localdate(version.published_at)
    references = snapshot["references"]
    citations = {ref["label"]: reference_label(index) for index, ref in enumerate(references, start=1)}
    anchors = _anchors(snapshot["sections"])
    extras = hooks.pdf_section_extras(version=version, as_of=published)

    def emit(section: dict[str, Any], level: int) -> list[Markup]:
        parts = [
            heading(f"{section['number']} {section['title']}", level=level, anchor=section_label(section["number"])),
            _kind_label(section["kind"]),
            section_facts(section),
            markdown_to_typst(section["body"], citations=citations, anchors=anchors, level=level),
            *extras.get(section.get("id"), []),
        ]
        for child in section["children"]:
            parts.extend(emit(child, level + 1))
        return parts

    body = [part for section in snapshot["sections"] for part in emit(section, 1)]
    body.append(_references(references))
    address = absolute_url(version.get_absolute_url())
    description = snapshot["plan"].get("description") or ""
    notes = plain_text(version.notes) or markup("No release notes.")
    front = Markup(
        f"#title-page(version: {string(version.number)}, published: {string(long_date(published))}, "
        f"description: {content(plain_text(description))}, notes: {content(notes)}, address: {string(address)})"
    )
    return document(
        title=title,
        header=title,
        footer=f"Version {version.number}, published {long_date(published)}",
        day=published,
        front=front,
        contents=True,
        body=body,
    )
