"""Forms of the notifications pages. They validate; the services write."""

from __future__ import annotations

from django import forms

from .models import CommitteePreference


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        help_text="We send a link to this address; nothing happens until you open it and confirm.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class CommitteePreferenceForm(forms.ModelForm):
    class Meta:
        model = CommitteePreference
        fields = ["consultations", "comments", "reviews"]
