"""Importing a plan file in the browser: into the draft (editors) or as a new plan (admins).

Two steps, one page each. Preview: the pasted text or uploaded file is parsed by the same code as
`manage.py import_plan` (plans.importers.plan_parse) and shown as a tree, with its references and
what the parser repaired; nothing is written. Confirm: the source comes back in a hidden field with
a signed digest of it, so what is written is exactly what was previewed, and it is parsed again
(never trusted as a tree from the browser); then plans.importers writes it in one transaction.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ...access import workspace_view
from ...importers import (
    ParsedPlan,
    PlanImportError,
    append_check,
    check_size,
    decode_source,
    kind_choices,
    kinds_apply,
    max_import_bytes,
    numbered_sections,
    plan_import,
    plan_import_into,
    plan_parse,
    references_to_add,
)
from ...kinds import get_kind
from ...models import Node, Plan, Visibility
from ...permissions import can_create_plans

_SIGNER = signing.TimestampSigner(salt="plans.import.preview")
PREVIEW_MAX_AGE = 24 * 60 * 60  # seconds a preview may be confirmed after
# Above this many sections the preview offers no kind menus: each is a form field, and Django
# refuses a request with more than DATA_UPLOAD_MAX_NUMBER_FIELDS (2000) fields.
MAX_KIND_MENUS = 1500
FORMATS = {"text": "Plain text", "markdown": "Markdown", "json": "JSON export of this portal"}
KIND_FIELD_PREFIX = "kind-"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


class ImportSourceForm(forms.Form):
    """Pasted text or an uploaded file: `cleaned_data["source"]` is its text."""

    text = forms.CharField(
        label="Paste the plan's text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "spellcheck": "false"}),
        help_text="Numbered headings (1 Introduction, 2.1 Diversity), Markdown # headings or bold numbered lines.",
    )
    file = forms.FileField(
        label="Or upload a file",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.md,.markdown,.json,text/plain,text/markdown"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"Plain text (.txt), Markdown (.md) or a JSON export of this portal (.json), "
            f"at most {_megabytes(max_import_bytes())}."
        )

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text") or ""
        if upload and text.strip():
            raise forms.ValidationError("Paste the text or upload a file, not both.")
        if not upload and not text.strip():
            raise forms.ValidationError("Paste the plan's text or choose a file to upload.")
        try:
            if upload:
                check_size(upload.size)  # before reading it into memory
                cleaned["source"] = decode_source(upload.read())
            else:
                cleaned["source"] = decode_source(text)
        except PlanImportError as error:
            raise forms.ValidationError(str(error)) from None
        return cleaned


class NewPlanForm(ImportSourceForm):
    slug = forms.SlugField(
        label="Address",
        max_length=Plan._meta.get_field("slug").max_length,
        help_text="The plan's address: /plans/<address>/. Letters, digits, hyphens and underscores.",
    )
    title = forms.CharField(
        label="Title",
        required=False,
        max_length=Plan._meta.get_field("title").max_length,
        help_text="Leave empty to take the document's own title.",
    )
    visibility = forms.ChoiceField(label="Who may read it once published", choices=Visibility.choices)

    field_order = ["slug", "title", "visibility", "text", "file"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Plan.objects.filter(slug=slug).exists():
            raise forms.ValidationError("A plan with this address exists already; choose another.")
        return slug


class ConfirmForm(forms.Form):
    """What the preview page sends back: the source and a signed digest of it."""

    source = forms.CharField(widget=forms.HiddenInput, strip=False)
    token = forms.CharField(widget=forms.HiddenInput)
    # Only for a new plan; carried as previewed.
    slug = forms.CharField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(widget=forms.HiddenInput, required=False)
    visibility = forms.CharField(widget=forms.HiddenInput, required=False)


def _lines(source: str) -> str:
    # Browsers send every line break of a form field as CRLF; the source was previewed with LF.
    return source.replace("\r\n", "\n").replace("\r", "\n")


def _digest(scope: str, source: str) -> str:
    return hashlib.sha256(f"{scope}\n{_lines(source)}".encode("utf-8", "surrogatepass")).hexdigest()


def _sign(scope: str, source: str) -> str:
    return _SIGNER.sign(_digest(scope, source))


def _signed_ok(scope: str, source: str, token: str) -> bool:
    try:
        return _SIGNER.unsign(token, max_age=PREVIEW_MAX_AGE) == _digest(scope, source)
    except signing.BadSignature:
        return False


def _chosen_kinds(post) -> dict[str, str]:
    return {
        key.removeprefix(KIND_FIELD_PREFIX): value for key, value in post.items() if key.startswith(KIND_FIELD_PREFIX)
    }


def _preview_context(parsed: ParsedPlan, *, plan: Plan | None, kept: list[str]) -> dict[str, Any]:
    start = Node.objects.filter(plan=plan, parent=None).live().count() if plan is not None else 0
    menus = sum(1 for _ in parsed.walk()) <= MAX_KIND_MENUS
    rows = []
    for (key, section, parent), (number, _, _) in zip(
        numbered_sections(parsed), numbered_sections(parsed, start=start), strict=True
    ):
        choices = kind_choices(section, parent.kind if parent is not None else None) if menus else []
        rows.append(
            {
                "key": key,
                "field": f"{KIND_FIELD_PREFIX}{key}",
                "number": number,
                "depth": key.count("."),
                "title": section.title,
                "kind": get_kind(section.kind),
                "choices": choices if len(choices) > 1 else [],
                "words": len(section.body.split()),
                "excerpt": " ".join(section.body.split()[:24]),
            }
        )
    return {
        "parsed": parsed,
        "format_label": FORMATS.get(parsed.format, parsed.format),
        "rows": rows,
        "menus": menus,
        "references": parsed.references,
        "missing_text": [ref.label for ref in parsed.references if not ref.text.strip()],
        "kept": kept,
        "repairs": parsed.repairs[:100],
        "more_repairs": max(0, len(parsed.repairs) - 100),
    }


def _preview(
    request, *, plan: Plan | None, source: str, kinds: dict[str, str], target: dict[str, str], error: str = ""
) -> HttpResponse:
    """Parse the source (kinds applied) for the preview page; raises PlanImportError."""
    parsed = plan_parse(source)
    kinds_apply(parsed, kinds)
    kept: list[str] = []
    if plan is not None:
        append_check(parsed)
        _, kept = references_to_add(plan, parsed)
    scope = plan.slug if plan is not None else "new"
    confirm = ConfirmForm(initial={"source": source, "token": _sign(scope, source), **target})
    context = {"plan": plan, "confirm": confirm, "target": target, "error": error}
    context.update(_preview_context(parsed, plan=plan, kept=kept))
    return render(request, "plans/workspace/import_preview.html", context)


def _source_page(request, *, plan: Plan | None, form) -> HttpResponse:
    return render(request, "plans/workspace/import.html", {"plan": plan, "form": form})


def _handle(request: HttpRequest, *, plan: Plan | None) -> HttpResponse:
    """The import page's two steps, for a draft (`plan`) or a new plan (None)."""
    form_class = ImportSourceForm if plan is not None else NewPlanForm
    if request.method != "POST":
        return _source_page(request, plan=plan, form=form_class())
    if request.POST.get("step") != "confirm":
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            return _source_page(request, plan=plan, form=form)
        target = {}
        if plan is None:
            target = {name: form.cleaned_data[name] for name in ("slug", "title", "visibility")}
        try:
            return _preview(request, plan=plan, source=form.cleaned_data["source"], kinds={}, target=target)
        except PlanImportError as error:
            form.add_error(None, str(error))
            return _source_page(request, plan=plan, form=form)

    confirm = ConfirmForm(request.POST)
    scope = plan.slug if plan is not None else "new"
    if not confirm.is_valid() or not _signed_ok(scope, confirm.cleaned_data["source"], confirm.cleaned_data["token"]):
        messages.error(request, "This preview is out of date or incomplete; nothing was imported. Start again.")
        return redirect(request.path)
    source, kinds = _lines(confirm.cleaned_data["source"]), _chosen_kinds(request.POST)
    target = {name: confirm.cleaned_data[name] for name in ("slug", "title", "visibility")} if plan is None else {}
    try:
        if plan is not None:
            count = plan_import_into(plan=plan, source=source, user=request.user, kinds=kinds)
        else:
            new_plan = plan_import(
                source=source,
                slug=target["slug"],
                title=target["title"] or None,
                visibility=target["visibility"],
                user=request.user,
                kinds=kinds,
            )
    except PlanImportError as error:
        # Shown again with the kinds chosen, when they fit, else as parsed; the page says why.
        for chosen in (kinds, {}):
            try:
                return _preview(request, plan=plan, source=source, kinds=chosen, target=target, error=str(error))
            except PlanImportError:
                continue
        messages.error(request, f"Nothing was imported: {error}")
        return _source_page(request, plan=plan, form=form_class(initial={"text": source, **target}))
    if plan is not None:
        messages.success(request, f"Added {count} section{'s' if count != 1 else ''} at the end of the draft.")
        return redirect("plans:workspace", slug=plan.slug)
    messages.success(
        request,
        f"Imported “{new_plan.title}” as a new plan with a working draft. Give its committee their roles here.",
    )
    return redirect(reverse("accounts:plan_people", kwargs={"slug": new_plan.slug}))


@workspace_view()
def import_into_draft(request: HttpRequest, plan: Plan) -> HttpResponse:
    """/plans/<slug>/edit/import/: append a plan file's sections to the draft (editors)."""
    return _handle(request, plan=plan)


def import_new_plan(request: HttpRequest) -> HttpResponse:
    """/manage/import/: create a plan from a plan file (admins, who manage plans)."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not can_create_plans(request.user):
        raise PermissionDenied("Only admins create plans.")
    return _handle(request, plan=None)
