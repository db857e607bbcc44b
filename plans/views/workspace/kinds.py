"""Workspace page to change a section's kind: choose a kind, see what would be dropped, confirm."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from ...access import get_node, workspace_view
from ...editing import rebuilt_form
from ...forms import ChangeKindForm, add_service_errors
from ...kinds import get_kind
from ...models import Plan
from ...services import EditConflict, NodeError, kind_changes, node_change_kind
from .nodes import outline_url

STALE = (
    "This section changed after you opened this page, so its kind was not changed. "
    "What would change is shown again below, as the section is now: check it and confirm again."
)


def _page(request: HttpRequest, plan: Plan, node, *, kind: str | None = None, form=None) -> HttpResponse:
    """The list of kinds the section may become at its place or, for `kind`, the confirmation."""
    changes = {change.kind.value: change for change in kind_changes(node)}
    context = {"plan": plan, "node": node, "current": get_kind(node.kind), "changes": list(changes.values())}
    if kind is not None:
        context.update(change=changes[kind], form=form)
    return render(request, "plans/workspace/node_kind.html", context)


@workspace_view()
def node_change_kind_view(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    """Without a kind: the kinds the section may become at its place. With one: confirm the change."""
    node = get_node(plan, node_id)
    kind = (request.POST if request.method == "POST" else request.GET).get("kind")
    if kind not in {change.kind.value for change in kind_changes(node)}:
        if request.method == "POST":
            messages.error(request, "That kind is not possible here any more; choose again.")
        return _page(request, plan, node)
    form = ChangeKindForm(request.POST or None, initial={"kind": kind, "base_revision": node.revision})
    if request.method == "POST" and form.is_valid():
        try:
            saved = node_change_kind(
                node=node,
                kind=kind,
                user=request.user,
                base_revision=form.cleaned_data["base_revision"],
                message=form.cleaned_data["message"],
            )
        except EditConflict as conflict:
            if conflict.current is None or conflict.current.deleted_at is not None:
                messages.error(request, "Someone deleted this section after you opened the page.")
                return redirect(outline_url(plan))
            # Ask again, computed from the section as it is now, keeping the message typed.
            node = get_node(plan, node_id)
            if kind not in {change.kind.value for change in kind_changes(node)}:
                messages.error(request, STALE)
                return _page(request, plan, node)
            form = rebuilt_form(ChangeKindForm, request.POST, current={"base_revision": node.revision}, error=STALE)
        except NodeError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"“{saved.title}” is now {get_kind(saved.kind).with_article}.")
            return redirect(outline_url(plan, saved))
    return _page(request, plan, node, kind=kind, form=form)
