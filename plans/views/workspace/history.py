"""Workspace pages for history: per-node history, compare two revisions, revert, plan-wide recent changes."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import CharField, DateTimeField, F, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from ...access import get_node, workspace_view
from ...diff import diff_fields
from ...forms import KIND_LABELS
from ...models import Node, Plan, Reference
from ...services import EditConflict, NodeError, node_revert
from ...services.nodes import KIND_CONTENT_FIELDS

PLACE_FIELDS = ("parent_id", "position")


def describe(record, previous) -> str:
    """What a history record did, in plain words: Added, Removed, Deleted, Restored, Moved or Edited."""
    if record.history_type == "+":
        return "Added"
    if record.history_type == "-":
        return "Removed"
    if getattr(record, "deleted_at", None) is not None and (previous is None or previous.deleted_at is None):
        return "Deleted"
    if previous is not None and getattr(previous, "deleted_at", None) is not None and record.deleted_at is None:
        return "Restored"
    if previous is not None:
        changed = {change.field for change in record.diff_against(previous).changes}
        if changed and changed <= set(PLACE_FIELDS) | {"parent"}:
            return "Moved"
    return "Edited"


def _content(record, kind: str) -> dict[str, Any]:
    return {name: getattr(record, name) for name in KIND_CONTENT_FIELDS[kind]}


@require_safe
@workspace_view()
def node_history(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    node = get_node(plan, node_id, live=None)
    records = list(node.history.select_related("history_user").order_by("-history_date", "-history_id"))
    names, labels = KIND_CONTENT_FIELDS[node.kind], KIND_LABELS[node.kind]
    current = _content(node, node.kind)
    rows = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if previous is not None:
            changed = [labels.get(n, n.replace("_", " ")) for n in names if getattr(record, n) != getattr(previous, n)]
        rows.append(
            {
                "record": record,
                "action": describe(record, previous),
                "changed": changed,
                "is_current": index == 0,
                "same_as_current": _content(record, node.kind) == current,
            }
        )
    return render(request, "plans/workspace/node_history.html", {"plan": plan, "node": node, "rows": rows})


def _record(node: Node, history_id: str | int | None):
    try:
        history_id = int(history_id)
    except (TypeError, ValueError):
        raise Http404("No such revision.") from None
    record = node.history.select_related("history_user").filter(history_id=history_id).first()
    if record is None:
        raise Http404("No such revision of this section.")
    return record


@require_safe
@workspace_view()
def node_compare(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    """Two revisions of a node side by side: word-level for text, field by field for the rest."""
    node = get_node(plan, node_id, live=None)
    first = _record(node, request.GET.get("from"))
    second = _record(node, request.GET.get("to"))
    old, new = sorted([first, second], key=lambda r: (r.history_date, r.history_id))
    changes = diff_fields(
        _content(old, node.kind),
        _content(new, node.kind),
        KIND_LABELS[node.kind],
        fields=KIND_CONTENT_FIELDS[node.kind],
    )
    return render(
        request,
        "plans/workspace/node_compare.html",
        {"plan": plan, "node": node, "old": old, "new": new, "changes": changes},
    )


@workspace_view()
def node_revert_view(request: HttpRequest, plan: Plan, node_id: int, history_id: int) -> HttpResponse:
    node = get_node(plan, node_id)
    record = _record(node, history_id)
    history_url = redirect("plans:node_history", slug=plan.slug, node_id=node.pk)
    if request.method == "POST":
        try:
            base_revision = int(request.POST.get("base_revision", ""))
        except ValueError:
            base_revision = 0
        try:
            node_revert(node=node, history_id=record.history_id, user=request.user, base_revision=base_revision)
        except EditConflict:
            messages.error(
                request,
                "Someone saved this section after you opened the revert page. Check its history and try again.",
            )
            return history_url
        except NodeError as error:
            messages.error(request, str(error))
            return history_url
        messages.success(request, f"Reverted “{node.title}”; the old content is now its newest revision.")
        return history_url
    changes = diff_fields(
        _content(node, node.kind),
        _content(record, node.kind),
        KIND_LABELS[node.kind],
        fields=KIND_CONTENT_FIELDS[node.kind],
    )
    return render(
        request,
        "plans/workspace/node_revert.html",
        {"plan": plan, "node": node, "record": record, "changes": changes},
    )


@require_safe
@workspace_view()
def recent_changes(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Every recorded change to the plan's sections and references, newest first."""
    columns = ("history_id", "history_date", "history_type", "history_change_reason", "history_user_id", "id")
    nodes = (
        Node.history.filter(plan_id=plan.pk)
        .annotate(item=Value("node", CharField()), name=F("title"), gone=F("deleted_at"))
        .values(*columns, "item", "name", "gone")
        .order_by()
    )
    references = (
        Reference.history.filter(plan_id=plan.pk)
        .annotate(item=Value("reference", CharField()), name=F("label"), gone=Value(None, DateTimeField()))
        .values(*columns, "item", "name", "gone")
        .order_by()
    )
    changes = nodes.union(references, all=True).order_by("-history_date", "-history_id")
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    users = get_user_model().objects.in_bulk({row["history_user_id"] for row in page if row["history_user_id"]})
    rows = []
    for row in page:
        if row["history_type"] == "+":
            action = "Added"
        elif row["history_type"] == "-":
            action = "Removed"
        elif row["gone"] is not None:
            action = "Deleted"
        else:
            action = "Changed"
        rows.append({**row, "action": action, "user": users.get(row["history_user_id"])})
    return render(request, "plans/workspace/recent.html", {"plan": plan, "page": page, "rows": rows})
