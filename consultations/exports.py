"""Every comment, amendment and answer of a consultation as flat rows (the CSV and JSON exports).

An anonymous item's author is "Anonymous": the row holds no name, email, id or hash of them.
"""

from __future__ import annotations

from typing import Any

from .models import Comment, Consultation

COLUMNS = (
    "id",
    "reply_to",
    "section_number",
    "section_title",
    "kind",
    "author",
    "created_at",
    "body",
    "proposed_text",
    "supports",
    "hidden_reason",
    "answer",
    "answer_reason",
    "answered_by",
)


def export_rows(consultation: Consultation) -> list[dict[str, Any]]:
    sections = {s["id"]: s for s in consultation.sections()}
    rows = []
    comments = (
        Comment.objects.filter(consultation=consultation)
        .select_related("author", "answered_by")
        .prefetch_related("supports")
        .order_by("created_at", "id")
    )
    for comment in comments:
        section = sections.get(comment.section_id, {})
        rows.append(
            {
                "id": comment.pk,
                "reply_to": comment.parent_id or "",
                "section_number": section.get("number", ""),
                "section_title": section.get("title", ""),
                "kind": comment.kind,
                "author": comment.author_label,
                "created_at": comment.created_at.isoformat(),
                "body": comment.body,
                "proposed_text": comment.proposed_text,
                "supports": len(comment.supports.all()),
                "hidden_reason": comment.hidden_reason,
                "answer": comment.get_answer_status_display() if comment.answer_status else "",
                "answer_reason": comment.answer_reason,
                "answered_by": comment.answered_by.display_name if comment.answered_by else "",
            }
        )
    return rows
