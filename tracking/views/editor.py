"""Editor pages: post progress updates and record measurements. Committee members only."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from plans.access import workspace_view
from plans.editing import rebuilt_form
from plans.forms import add_service_errors
from plans.models import Node, NodeKind, Plan
from plans.services import StaleForm
from plans.tree import plan_tree, walk

from ..forms import MeasurementConfirmForm, MeasurementForm, MeasurementUploadForm, ProgressUpdateForm
from ..models import Measurement, ProgressUpdate
from ..selectors import action_state, latest_updates, today
from ..services import (
    CSV_COLUMNS,
    MeasurementImportError,
    measurement_delete,
    measurement_record,
    measurements_csv_parse,
    measurements_csv_template,
    measurements_import_csv,
    progress_delete,
    progress_post,
)
from ..suppression import format_number, hidden_reasons


def _live_node(plan: Plan, node_id: int, kind: str) -> Node:
    return get_object_or_404(Node.objects.live(), plan=plan, pk=node_id, kind=kind)


def _numbers(plan: Plan) -> dict[int, str]:
    return {item.node.pk: item.number for item in walk(plan_tree(plan))}


@workspace_view()
@require_safe
def progress_list(request: HttpRequest, plan: Plan) -> HttpResponse:
    as_of = today()
    updates = latest_updates(plan, as_of=as_of)
    actions = []
    for item in walk(plan_tree(plan)):
        node = item.node
        if node.kind != NodeKind.ACTION:
            continue
        update = updates.get(node.pk)
        actions.append(
            {
                "node": node,
                "number": item.number,
                "update": update,
                "state": action_state(status=node.status, target_date=node.target_date, as_of=as_of),
            }
        )
    return render(request, "tracking/editor/progress_list.html", {"plan": plan, "actions": actions})


@workspace_view()
@require_http_methods(["GET", "HEAD", "POST"])
def progress_post_view(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    node = _live_node(plan, node_id, NodeKind.ACTION)
    form = ProgressUpdateForm(request.POST or None, initial={"status": node.status, "base_revision": node.revision})
    if request.method == "POST" and form.is_valid():
        try:
            progress_post(node=node, user=request.user, **form.cleaned_data)
        except StaleForm as error:
            # The page again, showing the action as it is now; what was typed is kept.
            node = _live_node(plan, node_id, NodeKind.ACTION)
            form = rebuilt_form(
                ProgressUpdateForm, request.POST, current={"base_revision": node.revision}, error=str(error)
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Progress update on “{node.title}” posted.")
            return redirect("tracking:progress_post", slug=plan.slug, node_id=node.pk)
    history = node.progress_updates.select_related("author").order_by("-date", "-created_at", "-id")
    return render(
        request,
        "tracking/editor/progress_form.html",
        {
            "plan": plan,
            "node": node,
            "number": _numbers(plan).get(node.pk, ""),
            "form": form,
            "history": history,
            "state": action_state(status=node.status, target_date=node.target_date, as_of=today()),
        },
    )


@workspace_view()
@require_safe
def measurement_list(request: HttpRequest, plan: Plan) -> HttpResponse:
    stats = {
        row["node_id"]: row
        for row in Measurement.objects.filter(node__plan=plan)
        .values("node_id")
        .annotate(count=Count("id"), last=Max("period_end"))
    }
    indicators = [
        {"node": item.node, "number": item.number, "stats": stats.get(item.node.pk)}
        for item in walk(plan_tree(plan))
        if item.node.kind == NodeKind.INDICATOR
    ]
    return render(request, "tracking/editor/measurement_list.html", {"plan": plan, "indicators": indicators})


@workspace_view()
@require_http_methods(["GET", "HEAD", "POST"])
def measurement_record_view(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    node = _live_node(plan, node_id, NodeKind.INDICATOR)
    form = MeasurementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            measurement_record(indicator=node, user=request.user, **form.values())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Measurement of “{node.title}” recorded.")
            return redirect("tracking:measurement_record", slug=plan.slug, node_id=node.pk)
    measurements = list(node.measurements.select_related("recorded_by").order_by("-period_end", "-id"))
    reasons = hidden_reasons(
        measurements,
        threshold=plan.small_count_threshold,
        counts_people=node.counts_people,
        baseline_value=node.baseline_value,
        baseline_date=node.baseline_date,
    )
    for measurement, reason in zip(measurements, reasons, strict=True):
        measurement.hidden_publicly = reason
        measurement.value_display = format_number(measurement.value)  # 40, never "4E+1"
    return render(
        request,
        "tracking/editor/measurement_form.html",
        {
            "plan": plan,
            "node": node,
            "number": _numbers(plan).get(node.pk, ""),
            "form": form,
            "measurements": measurements,
            "target_display": format_number(node.target_value),
        },
    )


@workspace_view()
@require_http_methods(["GET", "HEAD", "POST"])
def measurement_import(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Upload a CSV file, see every row checked, then confirm: all rows are saved, or none."""
    context = {"plan": plan, "columns": CSV_COLUMNS, "threshold": plan.small_count_threshold}
    if request.method == "POST" and "confirm" in request.POST:
        confirm = MeasurementConfirmForm(request.POST)
        if confirm.is_valid():
            try:
                created = measurements_import_csv(plan=plan, user=request.user, text=confirm.cleaned_data["csv_text"])
            except MeasurementImportError as error:
                context.update(preview=error.preview, confirm=confirm, upload=MeasurementUploadForm())
                return render(request, "tracking/editor/measurement_import.html", context)
            count = len(created)
            done = ngettext("%(count)d measurement imported.", "%(count)d measurements imported.", count)
            messages.success(request, done % {"count": count})
            return redirect("tracking:measurement_list", slug=plan.slug)
        messages.error(request, "The file to import was lost; upload it again.")
        upload = MeasurementUploadForm()
    else:
        upload = MeasurementUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and upload.is_valid():
            text = upload.cleaned_data["file"]
            context["preview"] = measurements_csv_parse(plan=plan, text=text)
            context["confirm"] = MeasurementConfirmForm(initial={"csv_text": text})
            upload = MeasurementUploadForm()
    context["upload"] = upload
    return render(request, "tracking/editor/measurement_import.html", context)


@workspace_view()
@require_safe
def measurement_template(request: HttpRequest, plan: Plan) -> HttpResponse:
    response = HttpResponse(measurements_csv_template(plan=plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-measurements-template.csv"'
    return response


@workspace_view()
@require_http_methods(["GET", "HEAD", "POST"])
def progress_delete_view(request: HttpRequest, plan: Plan, node_id: int, pk: int) -> HttpResponse:
    """Ask, then delete a progress update posted by mistake."""
    node = _live_node(plan, node_id, NodeKind.ACTION)
    update = get_object_or_404(ProgressUpdate, pk=pk, node=node)
    if request.method == "POST":
        progress_delete(update=update, user=request.user)
        messages.success(request, f"The update of {date_format(update.date, 'j F Y')} was deleted.")
        return redirect("tracking:progress_post", slug=plan.slug, node_id=node.pk)
    return render(
        request,
        "tracking/editor/confirm_delete.html",
        {
            "plan": plan,
            "node": node,
            "what": f"the progress update of {date_format(update.date, 'j F Y')} "
            f"({update.get_status_display().lower()})",
            "back": reverse("tracking:progress_post", kwargs={"slug": plan.slug, "node_id": node.pk}),
        },
    )


@workspace_view()
@require_http_methods(["GET", "HEAD", "POST"])
def measurement_delete_view(request: HttpRequest, plan: Plan, node_id: int, pk: int) -> HttpResponse:
    """Ask, then delete a measurement recorded by mistake."""
    node = _live_node(plan, node_id, NodeKind.INDICATOR)
    measurement = get_object_or_404(Measurement, pk=pk, node=node)
    if request.method == "POST":
        measurement_delete(measurement=measurement, user=request.user)
        messages.success(request, "The measurement was deleted.")
        return redirect("tracking:measurement_record", slug=plan.slug, node_id=node.pk)
    group = measurement.breakdown_label or "everyone"
    return render(
        request,
        "tracking/editor/confirm_delete.html",
        {
            "plan": plan,
            "node": node,
            "what": f"the measurement of {date_format(measurement.period_end, 'j F Y')} for {group}: "
            f"{format_number(measurement.value)}",
            "back": reverse("tracking:measurement_record", kwargs={"slug": plan.slug, "node_id": node.pk}),
        },
    )
