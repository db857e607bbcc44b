"""What the page cache reads to know whether a plan's consultation banner changed."""

from __future__ import annotations

from django.db.models import Expression, Max, OuterRef, Subquery

from .models import Consultation


def _latest(field: str) -> Subquery:
    return Subquery(
        Consultation.objects.filter(plan_id=OuterRef("pk"))
        .order_by()
        .values("plan_id")
        .annotate(last=Max(field))
        .values("last")[:1]
    )


def data_marks() -> dict[str, Expression]:
    """Annotations of a Plan query that change when a consultation opens, is extended or closes
    (plans.caching reads them with the plan, in one query; the version pages show the banner)."""
    return {
        "consultation_opened_mark": _latest("pk"),
        "consultation_closes_mark": _latest("closes_at"),
        "consultation_closed_mark": _latest("closed_at"),
    }
