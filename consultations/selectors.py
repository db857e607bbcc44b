"""Reads of consultations that several views need."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch

from plans.models import Plan

from .models import AnswerStatus, Comment, Consultation


def current_consultation(plan: Plan) -> Consultation | None:
    """The plan's open consultation, or else its last one; None if it never had one."""
    consultations = Consultation.objects.filter(plan=plan).select_related("plan")
    return consultations.filter(closed_at=None).first() or consultations.first()


def open_consultation(plan: Plan) -> Consultation | None:
    """The plan's consultation that people may comment on now, or None."""
    consultation = Consultation.objects.filter(plan=plan, closed_at=None).select_related("plan").first()
    return consultation if consultation is not None and consultation.is_open else None


def items(consultation: Consultation):
    """Every top-level comment and amendment, with support counts, replies and people (a fixed number of queries)."""
    replies = Comment.objects.select_related("author").annotate(support_count=Count("supports"))
    return (
        consultation.comments.filter(parent=None)
        .select_related("author", "hidden_by", "answered_by")
        .annotate(support_count=Count("supports", distinct=True))
        .prefetch_related(Prefetch("replies", queryset=replies))
    )


@dataclass
class SectionItems:
    section: dict[str, Any]
    items: list[Comment] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "comments": sum(1 for i in self.items if i.kind == "comment"),
            "amendments": sum(1 for i in self.items if i.kind == "amendment"),
            "unanswered": sum(1 for i in self.items if not i.answer_status),
        }


def items_by_section(consultation: Consultation, queryset=None) -> list[SectionItems]:
    """Each section of the candidate, in document order, with its items (`queryset`, default every item)."""
    by_id: dict[int, list[Comment]] = defaultdict(list)
    for item in items(consultation) if queryset is None else queryset:
        by_id[item.section_id].append(item)
    return [SectionItems(section=section, items=by_id.get(section["id"], [])) for section in consultation.sections()]


@dataclass
class HeardSection:
    section: dict[str, Any]
    counts: dict[str, int]
    answered: list[Comment]


def what_we_heard(consultation: Consultation) -> list[HeardSection]:
    """Per section of the candidate that was commented on: counts, and the items the committee answered."""
    result = []
    for entry in items_by_section(consultation):
        if not entry.items:
            continue
        everything = [*entry.items, *(reply for item in entry.items for reply in item.replies.all())]
        counts = {
            **entry.counts,
            "replies": len(everything) - len(entry.items),
            "supports": sum(item.support_count for item in entry.items),
            "hidden": sum(1 for item in everything if item.is_hidden),
            **{status: sum(1 for i in entry.items if i.answer_status == status) for status in AnswerStatus.values},
        }
        answered = [item for item in entry.items if item.answer_status and not item.is_hidden]
        result.append(HeardSection(section=entry.section, counts=counts, answered=answered))
    return result
