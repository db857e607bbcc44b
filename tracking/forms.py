"""Forms of the editor pages. They check types; the services check the rules."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from plans.models import ActionStatus

from .services import MEASUREMENT_FIELDS, parse_breakdown

MAX_UPLOAD_BYTES = 1024 * 1024


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProgressUpdateForm(forms.Form):
    date = forms.DateField(widget=DateInput(), initial=timezone.localdate, help_text="The day this update describes.")
    status = forms.ChoiceField(choices=ActionStatus.choices, help_text="The action's status as of that day.")
    percent_complete = forms.IntegerField(
        label="Percent complete (optional)", min_value=0, max_value=100, required=False
    )
    note = forms.CharField(
        label="Note (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What happened since the last update, in plain words. Shown publicly.",
    )
    # The action's revision when the page was shown: an update posted from a page that showed
    # another status than the action has now is refused, so no one overrides it unseen.
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MeasurementForm(forms.Form):
    field_order = MEASUREMENT_FIELDS
    period_end = forms.DateField(
        label="Date",
        widget=DateInput(),
        help_text="The day measured, or the last day of the period the value covers.",
    )
    period_start = forms.DateField(
        label="Start of the period (optional)",
        widget=DateInput(),
        required=False,
        help_text="Only if the value covers a period, such as a year.",
    )
    value = forms.DecimalField(
        max_digits=14,
        decimal_places=4,
        help_text="In the indicator's unit. When the indicator counts people, a value under the plan's "
        "threshold is never shown publicly.",
    )
    numerator = forms.IntegerField(
        label="Numerator (optional)",
        min_value=0,
        required=False,
        help_text="How many of the group are counted: “2 of 20” is hidden, since the 2 are a small group; "
        "so is “19 of 20” (the one not counted). Give it whenever the value is a share, so it can be checked.",
    )
    denominator = forms.IntegerField(label="Denominator (optional)", min_value=1, required=False)
    group_size = forms.IntegerField(
        label="People in the group (optional)",
        min_value=0,
        required=False,
        help_text="If the group has fewer people than the plan's threshold, the value is never shown publicly, "
        "and neither is any other value from which it could be worked out by adding or subtracting.",
    )
    breakdown = forms.CharField(
        label="Group (optional)",
        required=False,
        help_text="Leave empty for everyone; for one group write e.g. “career stage=postdoc; gender=woman”. "
        "Names are compared without regard to capitals and spaces; values for the same period (dates that "
        "overlap) are checked together with their total.",
    )
    source = forms.CharField(label="Source (optional)", max_length=300, required=False)
    note = forms.CharField(label="Note (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def values(self) -> dict:
        """The cleaned values, ready for measurement_record."""
        return {name: self.cleaned_data[name] for name in MEASUREMENT_FIELDS}

    def clean_breakdown(self) -> dict[str, str]:
        try:
            return parse_breakdown(self.cleaned_data["breakdown"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class MeasurementUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="UTF-8 text with a header row. Nothing is saved until you confirm the preview.",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB; split it into smaller files.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.") from error


class MeasurementConfirmForm(forms.Form):
    csv_text = forms.CharField(widget=forms.HiddenInput, max_length=MAX_UPLOAD_BYTES, strip=False)
