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
from ...diff import content_fields, diff_fields
from ...editing import rebuilt_form
from ...forms import RevertForm, add_service_errors
from ...kinds import get_kind
from ...models import Node, Plan, Reference
from ...services import EditConflict, NodeError, node_revert

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
        if previous.kind != record.kind:
            return f"Changed from {get_kind(previous.kind).with_article} to {get_kind(record.kind).with_article}"
        changed = {change.field for change in record.diff_against(previous).changes}
        if changed and changed <= set(PLACE_FIELDS) | {"parent"}:
            return "Moved"
    return "Edited"


def _fields(node: Node, *records) -> list[str]:
    """The content fields to compare: the kind's, plus those of the other kinds the records had."""
    return content_fields(node.kind, *(record.kind for record in records))


def _label(node: Node, name: str) -> str:
    return get_kind(node.kind).field_label(name)


def _content(record, names: list[str]) -> dict[str, Any]:
    return {name: getattr(record, name) for name in names}


def _changes(node: Node, old, new) -> list:
    """What changed from `old` to `new` (revisions of `node`, or the node itself), field by field."""
    names = _fields(node, old, new)
    labels = {name: _label(node, name) for name in names}
    return diff_fields(_content(old, names), _content(new, names), labels, fields=names)


@require_safe
@workspace_view()
def node_history(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    node = get_node(plan, node_id, live=None)
    records = list(node.history.select_related("history_user").order_by("-history_date", "-history_id"))
    names = _fields(node, *records)
    current = _content(node, names)
    rows = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changed = []
        if previous is not None:
            changed = [_label(node, n) for n in names if n != "kind" and getattr(record, n) != getattr(previous, n)]
        rows.append(
            {
                "record": record,
                "action": describe(record, previous),
                "changed": changed,
                "is_current": index == 0,
                "same_as_current": _content(record, names) == current,
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
    changes = _changes(node, old, new)
    return render(
        request,
        "plans/workspace/node_compare.html",
        {"plan": plan, "node": node, "old": old, "new": new, "changes": changes},
    )


@workspace_view()
def node_revert_view(request: HttpRequest, plan: Plan, node_id: int, history_id: int) -> HttpResponse:
    node = get_node(plan, node_id)
    record = _record(node, history_id)
    form = RevertForm(request.POST or None, initial={"base_revision": node.revision})
    if request.method == "POST" and form.is_valid():
        base_revision = form.cleaned_data["base_revision"]
        try:
            node_revert(
                node=node,
                history_id=record.history_id,
                user=request.user,
                base_revision=base_revision if base_revision is not None else 0,
                message=form.cleaned_data["message"],
            )
        except EditConflict as conflict:
            if conflict.current is None or conflict.current.deleted_at is not None:
                messages.error(request, "Someone deleted this section after you opened the revert page.")
                return redirect("plans:node_history", slug=plan.slug, node_id=node.pk)
            # Ask again, against the section as it is now: the changes below are recomputed from it.
            node = conflict.current
            form = rebuilt_form(
                RevertForm,
                request.POST,
                current={"base_revision": node.revision},
                error="Someone saved this section after you opened this page, so nothing was reverted. "
                "The changes below are against the section as it is now: check them and revert again.",
            )
        except NodeError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Reverted “{node.title}”; the old content is now its newest revision.")
            return redirect("plans:node_history", slug=plan.slug, node_id=node.pk)
    return render(
        request,
        "plans/workspace/node_revert.html",
        {"plan": plan, "node": node, "record": record, "changes": _changes(node, node, record), "form": form},
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
