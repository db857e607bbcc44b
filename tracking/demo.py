"""Demo follow-through data: progress updates and measurements for a demo plan.

`demo_tracking_load(plan=..., user=...)` is meant to be called by the demo loader after it
publishes the demo plan. It only posts updates whose status equals the action's own, so
it leaves no unpublished change in the draft, and it does nothing if the plan already has
progress or measurements.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from plans.models import ActionStatus, Node, NodeKind, Plan

from .models import Measurement, ProgressUpdate
from .services import measurement_record, progress_post

NOTES = {
    ActionStatus.IN_PROGRESS: "Work is under way; the committee reviews it at its monthly meeting.",
    ActionStatus.DONE: "Completed, as reported to the committee.",
    ActionStatus.DEFERRED: "Put off for now; the description says why.",
}


def _percent(numerator: int, denominator: int) -> Decimal:
    return (Decimal(numerator) * 100 / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def demo_tracking_loader(*, plan: Plan, users: dict) -> str:
    """The tracking part of `load_demo` (registered in TrackingConfig.ready): posted by the demo editor."""
    if demo_tracking_load(plan=plan, user=users["editor@example.org"]):
        return "Added demo progress updates and measurements."
    return ""


def demo_tracking_load(*, plan: Plan, user) -> bool:
    """Add demo progress and measurements to the plan, unless it has some. True if added."""
    today = timezone.localdate()
    with transaction.atomic():
        if (
            ProgressUpdate.objects.filter(node__plan=plan).exists()
            or Measurement.objects.filter(node__plan=plan).exists()
        ):
            return False
        nodes = list(Node.objects.live().filter(plan=plan, kind__in=[NodeKind.ACTION, NodeKind.INDICATOR]))
        for node in nodes:
            if node.kind == NodeKind.ACTION and node.status in NOTES:
                done = node.status == ActionStatus.DONE
                day = min(node.target_date or today, today) if done else today - dt.timedelta(days=21)
                progress_post(
                    node=node,
                    user=user,
                    date=day,
                    status=node.status,
                    percent_complete=100 if done else (35 if node.status == ActionStatus.IN_PROGRESS else None),
                    note=NOTES[node.status],
                )
        with_breakdown = False
        for node in nodes:
            if node.kind != NodeKind.INDICATOR or node.baseline_value is None or node.target_value is None:
                continue
            start = node.baseline_date or today - dt.timedelta(days=365)
            days = [start + dt.timedelta(days=91 * k) for k in range(1, 40)]
            days = [day for day in days if day < today][-4:]
            for k, day in enumerate(days, start=1):
                share = min(Decimal("0.15") * k + (Decimal("0.03") if k % 2 else Decimal("-0.02")), Decimal("0.8"))
                value = node.baseline_value + share * (node.target_value - node.baseline_value)
                fields = {}
                if node.unit.strip() == "%":
                    denominator = 150 + 5 * k
                    numerator = int((value * denominator / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                    value = _percent(numerator, denominator)
                    fields = {"numerator": numerator, "denominator": denominator}
                measurement_record(
                    indicator=node,
                    user=user,
                    period_end=day,
                    value=value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                    source=node.data_source,
                    **fields,
                )
            if days and node.unit.strip() == "%" and not with_breakdown:
                # One breakdown, with a group too small to show (and so one more value hidden).
                with_breakdown = True
                for stage, numerator, denominator in (
                    ("postdoc", 21, 62),
                    ("senior scientist", 1, 4),
                    ("student", 30, 84),
                ):
                    measurement_record(
                        indicator=node,
                        user=user,
                        period_end=days[-1],
                        value=_percent(numerator, denominator),
                        numerator=numerator,
                        denominator=denominator,
                        breakdown={"career stage": stage},
                        source=node.data_source,
                    )
        return True
