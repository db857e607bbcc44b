"""Forms of the committee workspace. They validate; the services in plans.services write."""

from __future__ import annotations

import uuid

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from .models import ALLOWED_CHILDREN, Node, NodeKind, Reference
from .services.nodes import KIND_CONTENT_FIELDS, MESSAGE_MAX_LENGTH, NodeError

# What the title and body mean for each kind, in the committee's words.
KIND_LABELS: dict[str, dict[str, str]] = {
    NodeKind.NARRATIVE: {"title": "Heading", "body": "Text"},
    NodeKind.DEFINITION: {"title": "Term", "body": "Definition"},
    NodeKind.AREA: {"title": "Name of the area", "body": "Description"},
    NodeKind.GOAL: {"title": "Goal statement", "body": "Rationale"},
    NodeKind.ACTION: {"title": "Action", "body": "Description"},
    NodeKind.INDICATOR: {"title": "Indicator", "body": "Definition"},
}
TITLE_HELP: dict[str, str] = {
    NodeKind.NARRATIVE: "The section's heading. Its number comes from its place in the plan.",
    NodeKind.DEFINITION: "The term being defined, e.g. Equity.",
    NodeKind.AREA: "For example: Career advancement.",
    NodeKind.GOAL: "What the committee wants to achieve, in one sentence.",
    NodeKind.ACTION: "What will be done, in a few words.",
    NodeKind.INDICATOR: "What is measured, e.g. Share of women among postdocs.",
}
MARKDOWN_HELP = "Markdown: *emphasis*, **bold**, lists with -, links; cite a reference as [1]."


def add_service_errors(form: forms.BaseForm, error: ValidationError | NodeError) -> None:
    """Show a service's refusal on the form, next to the field it names if the form has it."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


def _no_form_tag() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template writes the <form>, its buttons and the preview
    helper.disable_csrf = True
    return helper


class ChangeMessageMixin(forms.Form):
    message = forms.CharField(
        label="What did you change, and why? (optional)",
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        help_text="Shown in the section's history.",
    )


class NodeForm(ChangeMessageMixin, forms.ModelForm):
    """The fields of one kind of node (see `node_form_class`)."""

    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # One value per form shown: the same "Add" form sent twice adds one section, not two.
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = Node
        fields = ["title", "body"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 12}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "baseline_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        for name, label in KIND_LABELS[kind].items():
            self.fields[name].label = label
        self.fields["title"].help_text = TITLE_HELP[kind]
        self.fields["body"].help_text = MARKDOWN_HELP
        self.fields["body"].widget.attrs["aria-describedby"] = "id_body_helptext"
        if "status" in self.fields:
            self.fields["status"].required = True
            self.fields["status"].help_text = (
                "The status the plan states. To report how the action is going over time, post a "
                "progress update instead: the progress dashboard shows the latest update."
            )
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4().hex)
        # The message and the hidden fields come last.
        self.order_fields([*self._meta.fields, "message", "base_revision", "submission"])
        self.helper = _no_form_tag()

    def content(self) -> dict:
        """The node's content fields from cleaned_data, ready for node_create/node_update."""
        return {name: self.cleaned_data.get(name) for name in KIND_CONTENT_FIELDS[self.kind]}


_FORM_CLASSES: dict[str, type[NodeForm]] = {}


def node_form_class(kind: str) -> type[NodeForm]:
    """A NodeForm class with exactly the fields of `kind`."""
    if kind not in _FORM_CLASSES:
        meta = type("Meta", (NodeForm.Meta,), {"fields": list(KIND_CONTENT_FIELDS[kind])})
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
        initial = {**model_to_dict(node, fields=KIND_CONTENT_FIELDS[kind]), "base_revision": node.revision}
    return node_form_class(kind)(data, instance=scratch, initial=initial, kind=kind)


class DeleteForm(ChangeMessageMixin):
    # What the confirmation page showed (see node_subtree_state); a stale confirmation is refused.
    base_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = "Why is it deleted? (optional)"
        self.helper = _no_form_tag()


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
        self.helper = _no_form_tag()

    def new_parent(self) -> Node | None:
        value = self.cleaned_data["parent"]
        return None if value == self.TOP else self.candidates[value]


class ReferenceForm(ChangeMessageMixin, forms.ModelForm):
    url = forms.URLField(label="Web address (optional)", max_length=500, required=False, assume_scheme="https")
    base_revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Reference
        fields = ["label", "text", "url"]
        labels = {"label": "Label", "text": "Citation"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["label"].help_text = "What the text cites: 3 for [3]."
        self.helper = _no_form_tag()

    def content(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in ("label", "text", "url")}


class PublishForm(forms.Form):
    notes = forms.CharField(
        label="Release notes",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What changed in this version and why, in plain words. Readers see this.",
    )
    kind = forms.ChoiceField(
        label="Kind of version",
        choices=[
            ("minor", "Minor: corrections and updates (1.0 → 1.1)"),
            ("major", "Major: a new edition of the plan (1.1 → 2.0)"),
        ],
        initial="minor",
        widget=forms.RadioSelect,
    )
    # The draft as the publisher saw it (snapshot_hash); publishing a draft changed since is refused.
    draft_hash = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _no_form_tag()
