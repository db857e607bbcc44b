"""Forms of the accounts pages."""

from __future__ import annotations

from django import forms
from django.contrib.auth import password_validation

from plans.models import Plan, Role

from .models import Invitation, InvitationRole, User
from .services import AccountError, account_for_email, clean_name

# "none" is an explicit choice: a form that lost its field must not remove anyone's role.
NO_ROLE = "none"
ROLE_OR_NONE = [(Role.EDITOR, "Editor"), (Role.PUBLISHER, "Publisher"), (NO_ROLE, "No role (remove from this plan)")]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=Invitation._meta.get_field("email").max_length,
        help_text="The invitation link is sent to this address.",
    )
    plan = forms.ModelChoiceField(queryset=Plan.objects.all(), label="Plan", empty_label=None)
    role = forms.ChoiceField(
        choices=InvitationRole.choices,
        initial=InvitationRole.EDITOR,
        label="Role",
        help_text="Editors change the working draft; publishers also publish versions; collaborators only "
        "read members-only plans. Editors and publishers must set up two-factor authentication.",
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_OR_NONE, label="Role")

    def clean_role(self) -> str | None:
        """The role to give, or None to remove the person's role."""
        role = self.cleaned_data["role"]
        return None if role == NO_ROLE else role


def _name_field(**kwargs) -> forms.CharField:
    return forms.CharField(
        label="Your name",
        max_length=User._meta.get_field("name").max_length,
        help_text="How the portal names you to others, for example on the versions you publish. "
        "Your email address is never shown to readers.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        **kwargs,
    )


class NameForm(forms.Form):
    """The name the portal shows for someone (their own "Your name" page)."""

    name = _name_field()

    def clean_name(self) -> str:
        try:
            return clean_name(self.cleaned_data["name"])
        except AccountError as error:
            raise forms.ValidationError(str(error)) from error


class SignupForm(NameForm):
    """allauth's open sign-up (ACCOUNT_SIGNUP_FORM_CLASS) asks for the name too; the adapter stores it."""

    def signup(self, request, user) -> None:
        """Nothing more to do: AccountAdapter.save_user has stored the name with the account."""


class NewAccountForm(NameForm):
    """Give your name and choose a password for an account created from an invitation.
    Django's password validators apply."""

    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password (again)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ. Type the same password twice.")
        elif first:
            user = User(email=self.email, name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(first, user=user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search by name or email")


class AdminAccountCreationForm(forms.ModelForm):
    """The Django admin's "Add account": email and name; a password, or none (they set it by email)."""

    password1 = forms.CharField(
        label="Password",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Leave empty to let the person choose one through “Forgot password”. "
        + password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password (again)",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["email", "name"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if account_for_email(email) is not None:
            raise forms.ValidationError("An account with this email address already exists.")
        return email

    def clean_name(self) -> str:
        try:
            return clean_name(self.cleaned_data["name"])
        except AccountError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first != second:
            self.add_error("password2", "The two passwords differ. Type the same password twice.")
        elif first:
            try:
                password_validation.validate_password(
                    first, user=User(email=cleaned.get("email", ""), name=cleaned.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
