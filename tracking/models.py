"""Live follow-through data of a plan: progress updates on actions, measurements of indicators.

Unlike the plan text, these are not frozen into published versions: they are joined to
a version's sections by node id and shown "as of" a date. Every change is kept by
django-simple-history.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from plans.constraints import PlainConstraintErrors
from plans.models import ActionStatus, Node, NodeKind


class ProgressUpdate(PlainConstraintErrors, models.Model):
    """A dated note on an action, with its status then. The latest one gives the action's status."""

    node = models.ForeignKey(
        Node,
        on_delete=models.CASCADE,
        related_name="progress_updates",
        limit_choices_to={"kind": NodeKind.ACTION},
        help_text="The action this update is about.",
    )
    date = models.DateField(help_text="The day this update describes; never in the future.")
    status = models.CharField(max_length=12, choices=ActionStatus.choices)
    percent_complete = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Optional, from 0 to 100.",
    )
    note = models.TextField(blank=True, help_text="What happened, in plain words.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-created_at", "-id"]
        indexes = [models.Index(fields=["node", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent_complete=None) | Q(percent_complete__gte=0, percent_complete__lte=100),
                name="progress_percent_between_0_and_100",
                violation_error_message="Give a percentage from 0 to 100, or leave it empty.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node} on {self.date.isoformat()}: {self.get_status_display()}"


class Measurement(PlainConstraintErrors, models.Model):
    """One value of an indicator for a date or a period, optionally for one group (a breakdown)."""

    node = models.ForeignKey(
        Node,
        on_delete=models.CASCADE,
        related_name="measurements",
        limit_choices_to={"kind": NodeKind.INDICATOR},
        help_text="The indicator measured.",
    )
    period_start = models.DateField(
        null=True, blank=True, help_text="First day of the period measured; empty for a single date."
    )
    period_end = models.DateField(
        help_text="The date of the measurement, or the last day of the period it covers; never in the future."
    )
    value = models.DecimalField(max_digits=14, decimal_places=4, help_text="In the indicator's unit.")
    numerator = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many of the group counted (e.g. 45 women); needs the denominator."
    )
    denominator = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many people the share is of (e.g. 200 postdocs); never below the numerator.",
    )
    group_size = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="How many people the group measured holds. Groups smaller than the plan's "
        "threshold are never shown publicly.",
    )
    breakdown = models.JSONField(
        default=dict,
        blank=True,
        help_text='The group measured, e.g. {"career stage": "postdoc"}; empty for everyone.',
    )
    source = models.CharField(max_length=300, blank=True)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["period_end", "id"]
        indexes = [models.Index(fields=["node", "period_end"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start=None) | Q(period_start__lte=models.F("period_end")),
                name="measurement_period_start_not_after_end",
                violation_error_message="The period must start on or before its last day.",
            ),
            models.CheckConstraint(
                condition=Q(denominator=None) | Q(denominator__gt=0),
                name="measurement_denominator_positive",
                violation_error_message="The denominator cannot be zero.",
            ),
            models.CheckConstraint(
                condition=Q(numerator=None) | Q(denominator__gte=models.F("numerator")),
                name="measurement_numerator_part_of_denominator",
                violation_error_message="The numerator is a part of the denominator: it cannot be larger.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.node} on {self.period_end.isoformat()}: {self.value}"

    @property
    def breakdown_label(self) -> str:
        return breakdown_label(self.breakdown)


def breakdown_label(breakdown: dict | None) -> str:
    """ "career stage: postdoc; gender: woman", or "" for everyone."""
    if not breakdown:
        return ""
    return "; ".join(f"{key}: {value}" for key, value in sorted(breakdown.items()))
