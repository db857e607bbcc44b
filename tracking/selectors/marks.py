"""What the page cache reads to know whether a plan's follow-through data changed."""

from __future__ import annotations

from django.db.models import Expression, Max, OuterRef, Subquery

from ..models import Measurement, ProgressUpdate


def _last_change(model) -> Subquery:
    # Every write to these rows (add, delete, import) leaves a history record with a new id.
    return Subquery(
        model.history.filter(node__plan_id=OuterRef("pk"))
        .order_by()
        .values("node__plan_id")
        .annotate(last=Max("history_id"))
        .values("last")[:1]
    )


def data_marks() -> dict[str, Expression]:
    """Annotations of a Plan query that change with every write to the plan's progress
    updates and measurements (plans.caching reads them with the plan, in one query)."""
    return {
        "tracking_progress_mark": _last_change(ProgressUpdate),
        "tracking_measurement_mark": _last_change(Measurement),
    }
