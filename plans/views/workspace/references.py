"""Workspace pages for the plan's reference list: list, add, edit (no lost updates), delete."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ...access import workspace_view
from ...diff import default_label
from ...editing import edit_conflict, rebuilt_form
from ...forms import DeleteForm, ReferenceForm, add_service_errors
from ...markdown import cited_labels
from ...models import REFERENCE_FIELDS, Node, Plan, Reference
from ...services import EditConflict, StaleForm, reference_create, reference_delete, reference_update


def _list_url(plan: Plan):
    return redirect("plans:workspace_references", slug=plan.slug)


@workspace_view()
def reference_list(request: HttpRequest, plan: Plan) -> HttpResponse:
    references = Reference.objects.filter(plan=plan)
    return render(request, "plans/workspace/references.html", {"plan": plan, "references": references})


@workspace_view()
def reference_add(request: HttpRequest, plan: Plan) -> HttpResponse:
    form = ReferenceForm(request.POST or None, instance=Reference(plan=plan))
    if request.method == "POST" and form.is_valid():
        try:
            reference = reference_create(
                plan=plan, data=form.content(), user=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Added reference [{reference.label}].")
            return _list_url(plan)
    return render(request, "plans/workspace/reference_form.html", {"plan": plan, "form": form, "reference": None})


def _deleted_meanwhile(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The reference was deleted while it was being edited: keep the typed text, offer to add it again."""
    form = ReferenceForm(request.POST, instance=Reference(plan=plan))
    form.is_valid()
    form.add_error(
        None, "Someone deleted this reference while you were editing it. Your text is below: add it again, or cancel."
    )
    return render(
        request,
        "plans/workspace/reference_form.html",
        {"plan": plan, "form": form, "reference": None, "action": reverse("plans:reference_add", args=[plan.slug])},
    )


@workspace_view()
def reference_edit(request: HttpRequest, plan: Plan, reference_id: int) -> HttpResponse:
    reference = Reference.objects.filter(plan=plan, pk=reference_id).first()
    if reference is None:
        if request.method == "POST":
            return _deleted_meanwhile(request, plan)
        raise Http404("No such reference.")
    initial = {**{name: getattr(reference, name) for name in REFERENCE_FIELDS}, "base_revision": reference.revision}
    form = ReferenceForm(request.POST or None, instance=Reference(plan=plan), initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        base_revision = form.cleaned_data["base_revision"]
        try:
            saved = reference_update(
                reference=reference,
                base_revision=base_revision if base_revision is not None else 0,
                data=form.content(),
                user=request.user,
                message=form.cleaned_data["message"],
            )
        except EditConflict as error:
            current = error.current
            if current is None:
                return _deleted_meanwhile(request, plan)
            conflict = edit_conflict(
                current=current, yours=form.content(), fields=REFERENCE_FIELDS, label=default_label, what="reference"
            )
            form = rebuilt_form(
                lambda data: ReferenceForm(data, instance=Reference(plan=plan), initial=initial),
                request.POST,
                current={"base_revision": current.revision},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved reference [{saved.label}].")
            return _list_url(plan)
    return render(
        request,
        "plans/workspace/reference_form.html",
        {"plan": plan, "form": form, "reference": reference, "conflict": conflict},
    )


@workspace_view()
def reference_delete_view(request: HttpRequest, plan: Plan, reference_id: int) -> HttpResponse:
    reference = get_object_or_404(Reference, plan=plan, pk=reference_id)
    known = {reference.label}
    citing = [
        n
        for n in Node.objects.filter(plan=plan).live().only("id", "title", "body")
        if reference.label in cited_labels(n.body, known)
    ]
    initial = {"base_state": str(reference.revision)}
    form = DeleteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        base_state = form.cleaned_data["base_state"]
        try:
            reference_delete(
                reference=reference,
                user=request.user,
                message=form.cleaned_data["message"],
                base_revision=int(base_state) if base_state.isdecimal() else None,
            )
        except StaleForm as error:
            current = Reference.objects.filter(pk=reference.pk).first()
            if current is None:
                messages.error(request, "Someone deleted this reference already.")
                return _list_url(plan)
            reference = current
            form = rebuilt_form(DeleteForm, request.POST, current={"base_state": current.revision}, error=str(error))
        else:
            messages.success(request, f"Deleted reference [{reference.label}].")
            return _list_url(plan)
    return render(
        request,
        "plans/workspace/reference_delete.html",
        {"plan": plan, "reference": reference, "citing": citing, "form": form},
    )
