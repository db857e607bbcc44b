"""The forms of consultation pages. Limits come from the models; services make the final checks."""

from __future__ import annotations

from django import forms

from .models import BODY_MAX_LENGTH, LABEL_MAX_LENGTH, PROPOSED_MAX_LENGTH, REASON_MAX_LENGTH, AnswerStatus, Audience

ANONYMITY_HELP = (
    "If you tick this, your name is not stored with this comment at all: nobody on the committee, "
    "and no administrator of the portal, can see who wrote it, and you cannot edit it later. "
    "The portal keeps only a scrambled code, different in each consultation, so that you cannot "
    "support your own comment."
)
BODY_HELP = f"Plain text or Markdown, up to {BODY_MAX_LENGTH} characters."


class _LengthMessage:
    """A too-long text gets one plain message with both numbers (not Django's generic one)."""

    @staticmethod
    def limited(limit: int, **kwargs) -> forms.CharField:
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}),
            max_length=limit,
            error_messages={
                "max_length": f"This is limited to {limit} characters (you wrote %(show_value)d). "
                "Shorten it and send it again."
            },
            **kwargs,
        )


class _AnonymityOptional:
    """`anonymity=False` (a review link: the link's label stands for its holder) drops the choice."""

    def __init__(self, *args, anonymity: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymity:
            del self.fields["anonymous"]


class CommentForm(_AnonymityOptional, forms.Form):
    section_id = forms.IntegerField(widget=forms.HiddenInput)
    parent_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = _LengthMessage.limited(BODY_MAX_LENGTH, label="Your comment", help_text=BODY_HELP)
    anonymous = forms.BooleanField(
        required=False, label="Do not show my name to anyone, not even the committee", help_text=ANONYMITY_HELP
    )


class AmendmentForm(_AnonymityOptional, forms.Form):
    section_id = forms.IntegerField(widget=forms.HiddenInput)
    proposed_text = _LengthMessage.limited(
        PROPOSED_MAX_LENGTH,
        label="The wording you suggest for this section",
        help_text="The whole new text (Markdown).",
    )
    body = _LengthMessage.limited(BODY_MAX_LENGTH, label="Why", help_text=BODY_HELP)
    anonymous = forms.BooleanField(
        required=False, label="Do not show my name to anyone, not even the committee", help_text=ANONYMITY_HELP
    )


class OpenForm(forms.Form):
    label = forms.CharField(
        max_length=LABEL_MAX_LENGTH, label="Name of the candidate", initial="Draft for consultation"
    )
    closes_at = forms.DateTimeField(
        label="Closes at", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), help_text="Your local time."
    )
    audience = forms.ChoiceField(choices=Audience.choices, label="Who may take part")


class ExtendForm(forms.Form):
    closes_at = forms.DateTimeField(
        label="New closing date", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class AnswerForm(forms.Form):
    status = forms.ChoiceField(choices=AnswerStatus.choices, label="Answer")
    reason = _LengthMessage.limited(REASON_MAX_LENGTH, label="Reason (readers see it)")


class HideForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH, label="Reason for hiding (readers see “hidden by the committee: reason”)"
    )


class AcceptForm(forms.Form):
    base_revision = forms.IntegerField(widget=forms.HiddenInput)
