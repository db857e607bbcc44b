"""Forms of the committee workspace. They validate; the services in plans.services write."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.models import model_to_dict

from .kinds import ALLOWED_CHILDREN, get_kind
from .models import MESSAGE_MAX_LENGTH, REFERENCE_FIELDS, Node, Plan, PlanVersion, Reference


def add_service_errors(form: forms.BaseForm, error: Exception) -> None:
    """Show a service's refusal on the form, next to the field it names if the form has it."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


def one_line_ending(value):
    """Text as the database keeps it: browsers send textarea lines ending in CRLF."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


class ChangeMessageMixin(forms.Form):
    """The optional message a change leaves in the history; `message_label` asks for it."""

    message_label = "What did you change, and why? (optional)"
    message = forms.CharField(
        max_length=MESSAGE_MAX_LENGTH, required=False, help_text="Shown in the section's history."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = self.message_label


def _form_field(field: models.Field, **kwargs) -> forms.Field | None:
    if isinstance(field, models.DateField):  # whichever kind it belongs to: the browser's date picker
        kwargs["widget"] = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    return field.formfield(**kwargs)


class NodeForm(ChangeMessageMixin, forms.ModelForm):
    """The fields of one kind of node (see `node_form_class`)."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # One value per form shown: the same "Add" form sent twice adds one section, not two.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = Node
        fields = ["title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}
        formfield_callback = _form_field

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = get_kind(kind)
        for name in self.kind.fields:
            self.fields[name].label = self.kind.field_label(name)
            self.fields[name].help_text = self.kind.field_help(name)
        for name in self.kind.required:
            self.fields[name].required = True
        self.fields["body"].widget.attrs["aria-describedby"] = "id_body_helptext"
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)
        # The message and the hidden fields come last.
        self.order_fields([*self._meta.fields, "message", "base_revision", "submission"])

    def content(self) -> dict:
        """The node's content fields from cleaned_data, ready for node_create/node_update."""
        return {name: one_line_ending(self.cleaned_data.get(name)) for name in self.kind.fields}


_FORM_CLASSES: dict[str, type[NodeForm]] = {}


def node_form_class(kind: str) -> type[NodeForm]:
    """A NodeForm class with exactly the fields of `kind`."""
    if kind not in _FORM_CLASSES:
        meta = type("Meta", (NodeForm.Meta,), {"fields": list(get_kind(kind).fields)})
        _FORM_CLASSES[kind] = type(f"{kind.capitalize()}NodeForm", (NodeForm,), {"Meta": meta})
    return _FORM_CLASSES[kind]


def node_form(data, *, kind: str, node: Node | None = None, parent: Node | None = None, plan=None) -> NodeForm:
    """The edit form for `node` (or an add form for a new node of `kind` under `parent`).

    The form works on a throwaway instance, so validating it never touches the node the
    services will compare and update.
    """
    plan = plan if plan is not None else node.plan
    scratch = Node(plan=plan, parent=parent if node is None else node.parent, kind=kind)
    initial = None
    if node is not None:
        initial = {**model_to_dict(node, fields=get_kind(kind).fields), "base_revision": node.revision}
    return node_form_class(kind)(data, instance=scratch, initial=initial, kind=kind)


class DeleteForm(ChangeMessageMixin):
    message_label = "Why is it deleted? (optional)"
    # What the confirmation page showed (see node_subtree_state); a stale confirmation is refused.
    base_state = forms.CharField(widget=forms.HiddenInput, required=False)


class MoveForm(forms.Form):
    """Move a node under another parent; the choices are the places its kind may go."""

    TOP = "top"

    parent = forms.ChoiceField(label="Put it under")
    place = forms.IntegerField(
        label="Place among its new neighbours (optional)",
        min_value=1,
        required=False,
        help_text="1 puts it first. Leave empty to put it last.",
    )
    message = ChangeMessageMixin.base_fields["message"]
    # Where the node was when the page was shown (see node_place_state).
    base_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, node: Node, candidates: list[tuple[Node, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if node.kind in ALLOWED_CHILDREN[None]:
            choices.append((self.TOP, "The top level of the plan"))
        choices += [(str(parent.pk), label) for parent, label in candidates]
        self.fields["parent"].choices = choices
        self.fields["parent"].initial = str(node.parent_id) if node.parent_id else self.TOP
        self.candidates = {str(parent.pk): parent for parent, _ in candidates}

    def new_parent(self) -> Node | None:
        value = self.cleaned_data["parent"]
        return None if value == self.TOP else self.candidates[value]


class ReferenceForm(ChangeMessageMixin, forms.ModelForm):
    url = forms.URLField(label="Web address (optional)", max_length=500, required=False, assume_scheme="https")
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Reference
        fields = list(REFERENCE_FIELDS)
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def content(self) -> dict:
        return {name: one_line_ending(self.cleaned_data.get(name) or "") for name in REFERENCE_FIELDS}


class ChangeKindForm(ChangeMessageMixin):
    """Confirm that a section becomes another kind (see plans.services.node_change_kind)."""

    message_label = "Why does its kind change? (optional)"
    kind = forms.CharField(widget=forms.HiddenInput)
    base_revision = forms.IntegerField(widget=forms.HiddenInput)


class RevertForm(ChangeMessageMixin):
    """Confirm a revert; `base_revision` is the revision the page compared with."""

    message_label = "Why revert? (optional)"
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PublishForm(forms.Form):
    notes = forms.CharField(
        label="Release notes",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What changed in this version and why, in plain words. Readers see this.",
    )
    kind = forms.ChoiceField(label="Kind of version", initial="minor", widget=forms.RadioSelect)
    # The draft as the publisher saw it (snapshot_hash); publishing a draft changed since is refused.
    draft_hash = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, latest: PlanVersion | None, numbers: dict[str, str], **kwargs):
        """`numbers`: the number each kind of version would get ("minor" and "major")."""
        super().__init__(*args, **kwargs)
        if latest is None:
            steps = {kind: f"the first version is {number}" for kind, number in numbers.items()}
        else:
            steps = {kind: f"{latest.number} → {number}" for kind, number in numbers.items()}
        self.fields["kind"].choices = [
            ("minor", f"Minor: corrections and updates ({steps['minor']})"),
            ("major", f"Major: a new edition of the plan ({steps['major']})"),
        ]


class PlanSettingsForm(ChangeMessageMixin, forms.ModelForm):
    """The plan's settings (plans.services.settings); `base_revision` is the revision the page showed."""

    message_label = "Why do the settings change? (optional)"
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Plan
        fields = ["title", "description", "visibility", "small_count_threshold"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "visibility": forms.RadioSelect}
        help_texts = {
            "title": "Part of the draft: readers see the new title once the next version is published.",
            "description": "Part of the draft too: shown in the list of plans once published.",
            "visibility": "Takes effect at once, for every published version.",
            "small_count_threshold": "Takes effect at once on every public page: measurements of groups "
            "smaller than this are never shown.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].help_text = "Shown in the plan's history."

    def content(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}
