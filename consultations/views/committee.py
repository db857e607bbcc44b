"""The committee's side: /plans/<slug>/edit/consultation/ (open, extend, close; answer, hide, accept; export)."""

from __future__ import annotations

import csv
from http import HTTPStatus

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST

from plans.access import workspace_view
from plans.diff.rendered import diff_rendered
from plans.editing import edit_conflict
from plans.models import Plan

from ..exports import COLUMNS, export_rows
from ..forms import AcceptForm, AnswerForm, ExtendForm, HideForm, OpenForm
from ..models import AnswerStatus, Comment, Kind
from ..rendering import amendment_diff
from ..selectors import current_consultation, items, items_by_section
from ..services import (
    ConsultationError,
    EditConflict,
    amendment_accept,
    amendment_section,
    comment_answer,
    comment_hide,
    consultation_close,
    consultation_extend,
    consultation_open,
)

FILTERS = {
    "unanswered": "Not answered yet",
    "comment": "Comments only",
    "amendment": "Amendments only",
    "hidden": "Hidden",
    "link": "Sent through review links",
}


def _private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_cache=True)
    return response


@workspace_view()
def committee(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Every item by section, with counts and filters; the publishers' open / extend / close forms."""
    consultation = current_consultation(plan)
    context = {"plan": plan, "consultation": consultation, "filters": FILTERS}
    if consultation is not None:
        queryset = items(consultation)
        chosen = request.GET.get("show", "")
        if chosen == "unanswered":
            queryset = queryset.filter(answer_status="")
        elif chosen in Kind.values:
            queryset = queryset.filter(kind=chosen)
        elif chosen == "hidden":
            queryset = queryset.exclude(hidden_at=None)
        elif chosen == "link":
            queryset = queryset.exclude(link_label="")
        else:
            chosen = ""
        section = request.GET.get("section", "")
        sections = items_by_section(consultation, queryset)
        if section.isdigit():
            sections = [s for s in sections if s.section["id"] == int(section)]
        everything = list(items(consultation))
        context.update(
            sections=sections,
            all_sections=consultation.sections(),
            chosen=chosen,
            chosen_section=section,
            totals={
                "comments": sum(1 for i in everything if i.kind == Kind.COMMENT),
                "amendments": sum(1 for i in everything if i.kind == Kind.AMENDMENT),
                "unanswered": sum(1 for i in everything if not i.answer_status),
                "supports": sum(i.support_count for i in everything),
            },
            extend_form=ExtendForm(),
        )
    if request.can_publish and (consultation is None or not consultation.is_open):
        context["open_form"] = OpenForm()
    return _private(render(request, "consultations/committee.html", context))


@workspace_view(publish=True)
def consultation_open_view(request: HttpRequest, plan: Plan) -> HttpResponse:
    form = OpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation_open(plan=plan, user=request.user, **form.cleaned_data)
        except ConsultationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The consultation is open; followers are being told by email.")
            return redirect("consultations:committee", slug=plan.slug)
    status = HTTPStatus.BAD_REQUEST if request.method == "POST" else HTTPStatus.OK
    return _private(render(request, "consultations/open.html", {"plan": plan, "form": form}, status=status))


def _open_or_back(request: HttpRequest, plan: Plan):
    consultation = current_consultation(plan)
    if consultation is None or not consultation.is_open:
        messages.info(request, "There is no open consultation.")
        return None
    return consultation


@workspace_view(publish=True)
def consultation_extend_view(request: HttpRequest, plan: Plan) -> HttpResponse:
    consultation = _open_or_back(request, plan)
    if consultation is None or request.method != "POST":
        return redirect("consultations:committee", slug=plan.slug)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            consultation_extend(consultation=consultation, user=request.user, closes_at=form.cleaned_data["closes_at"])
        except ConsultationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "The closing date is moved.")
    else:
        messages.error(request, "Give a valid new closing date.")
    return redirect("consultations:committee", slug=plan.slug)


@workspace_view(publish=True)
def consultation_close_view(request: HttpRequest, plan: Plan) -> HttpResponse:
    consultation = _open_or_back(request, plan)
    if consultation is None or request.method != "POST":
        return redirect("consultations:committee", slug=plan.slug)
    try:
        consultation_close(consultation=consultation, user=request.user)
    except ConsultationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The consultation is closed. Its page stays readable, with your answers.")
    return redirect("consultations:committee", slug=plan.slug)


def _item(plan: Plan, comment_id: int) -> Comment:
    return get_object_or_404(
        Comment.objects.select_related("consultation__plan", "parent"), consultation__plan=plan, pk=comment_id
    )


def _item_page(request, plan, comment, *, answer_form=None, hide_form=None, conflict=None, status=HTTPStatus.OK):
    node = amendment_section(comment) if comment.kind == Kind.AMENDMENT else None
    context = {
        "plan": plan,
        "item": comment,
        "section": comment.consultation.section(comment.section_id),
        "answer_form": answer_form
        or AnswerForm(
            initial={"status": comment.answer_status or AnswerStatus.ACCEPTED, "reason": comment.answer_reason}
        ),
        "hide_form": hide_form or HideForm(),
        "node": node,
        "conflict": conflict,
    }
    if node is not None:
        context["accept_form"] = AcceptForm(initial={"base_revision": node.revision})
        context["draft_diff"] = amendment_diff(comment.consultation, comment.section_id, comment.proposed_text)
        context["draft_now_diff"] = diff_rendered(node.body, comment.proposed_text)
    return _private(render(request, "consultations/item.html", context, status=status))


@workspace_view()
def item(request: HttpRequest, plan: Plan, comment_id: int) -> HttpResponse:
    return _item_page(request, plan, _item(plan, comment_id))


def _moderate(request: HttpRequest, plan: Plan, comment_id: int, *, form_class, act, done: str, form_name: str):
    """Validate the item's answer or hide form, call `act(comment, cleaned_data)`, redirect with `done`;
    on a refusal, the item's page again with the form and its errors."""
    comment = _item(plan, comment_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(comment, form.cleaned_data)
        except ConsultationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, done.format(pk=comment.pk))
            return redirect("consultations:committee", slug=plan.slug)
    return _item_page(request, plan, comment, **{form_name: form}, status=HTTPStatus.BAD_REQUEST)


@require_POST
@workspace_view()
def item_answer(request: HttpRequest, plan: Plan, comment_id: int) -> HttpResponse:
    return _moderate(
        request,
        plan,
        comment_id,
        form_class=AnswerForm,
        act=lambda comment, data: comment_answer(comment=comment, user=request.user, **data),
        done="Item #{pk} is answered.",
        form_name="answer_form",
    )


@require_POST
@workspace_view()
def item_hide(request: HttpRequest, plan: Plan, comment_id: int) -> HttpResponse:
    return _moderate(
        request,
        plan,
        comment_id,
        form_class=HideForm,
        act=lambda comment, data: comment_hide(comment=comment, user=request.user, reason=data["reason"]),
        done="Item #{pk} is hidden from readers.",
        form_name="hide_form",
    )


@require_POST
@workspace_view()
def item_accept(request: HttpRequest, plan: Plan, comment_id: int) -> HttpResponse:
    comment = _item(plan, comment_id)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date; here it is again.")
        return redirect("consultations:item", slug=plan.slug, comment_id=comment.pk)
    try:
        amendment_accept(comment=comment, user=request.user, base_revision=form.cleaned_data["base_revision"])
    except EditConflict as error:
        conflict = edit_conflict(
            current=error.current,
            yours={"body": comment.proposed_text},
            fields=["body"],
            label=lambda name: "Text",
            what="section",
        )
        return _item_page(request, plan, comment, conflict=conflict, status=HTTPStatus.CONFLICT)
    except ConsultationError as error:
        messages.error(request, str(error))
        return redirect("consultations:item", slug=plan.slug, comment_id=comment.pk)
    messages.success(request, f"The wording of amendment #{comment.pk} is now in the draft.")
    return redirect("consultations:committee", slug=plan.slug)


def _export(plan: Plan) -> tuple[str, dict, list[dict]]:
    """(file name, the consultation's facts, its rows); empty when the plan has had no consultation."""
    consultation = current_consultation(plan)
    if consultation is None:
        return f"{plan.slug}-consultation", {}, []
    facts = {
        "label": consultation.label,
        "opens_at": consultation.opens_at.isoformat(),
        "closes_at": consultation.closes_at.isoformat(),
        "closed_at": consultation.closed_at.isoformat() if consultation.closed_at else None,
    }
    return f"{plan.slug}-consultation-{consultation.pk}", facts, export_rows(consultation)


@workspace_view()
def export_csv(request: HttpRequest, plan: Plan) -> HttpResponse:
    name, _facts, rows = _export(plan)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.DictWriter(response, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return _private(response)


@workspace_view()
def export_json(request: HttpRequest, plan: Plan) -> HttpResponse:
    name, facts, rows = _export(plan)
    data = {"plan": plan.slug, "consultation": facts or None, "items": rows}
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return _private(response)
