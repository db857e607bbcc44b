"""Database check constraints, reported to people in plain words on the field they concern.

Each CheckConstraint of the project carries its sentence as `violation_error_message`.
Django cannot know which form field a check on several columns is about, so this module
says it, in one mapping: `start_not_after_target` is shown on the target date, not above
the form. Models that mix in `PlainConstraintErrors` put each violation on that field;
a constraint not in the mapping is reported above the form, still in its own words.
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router

# Which field a check constraint's violation is shown on, by constraint name.
CONSTRAINT_FIELDS: dict[str, str] = {
    # plans
    "action_has_status": "status",
    "start_not_after_target": "target_date",
    "version_major_from_one": "major",
    # tracking
    "progress_percent_between_0_and_100": "percent_complete",
    "measurement_period_start_not_after_end": "period_start",
    "measurement_denominator_positive": "denominator",
    "measurement_numerator_part_of_denominator": "numerator",
    # accounts
    "invitation_expires_later": "expires_at",
    "invitation_not_both_accepted_and_revoked": "revoked_at",
}


def constraint_field(constraint: models.BaseConstraint, error: ValidationError) -> str:
    """The field a violation of `constraint` belongs on, or NON_FIELD_ERRORS."""
    if constraint.name in CONSTRAINT_FIELDS:
        return CONSTRAINT_FIELDS[constraint.name]
    fields = getattr(constraint, "fields", ())
    if getattr(error, "code", None) == "unique" and len(fields) == 1:
        return fields[0]  # what Django itself does for a one-field unique constraint
    return NON_FIELD_ERRORS


class PlainConstraintErrors:
    """Model mixin: full_clean() reports each violated constraint on the field it concerns."""

    def validate_constraints(self, exclude=None):
        errors: dict[str, list[ValidationError]] = {}
        using = router.db_for_write(type(self), instance=self)
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    errors.setdefault(constraint_field(constraint, error), []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)
