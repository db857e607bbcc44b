"""Workspace pages for the tree: outline, add, edit (with preview and conflicts), move, delete, restore."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from ...access import get_node, workspace_view
from ...diff import Status, diff_snapshots
from ...editing import edit_conflict, rebuilt_form
from ...forms import DeleteForm, MoveForm, NodeForm, add_service_errors, node_form
from ...kinds import allowed_children, get_kind
from ...markdown import render_markdown
from ...models import Node, Plan, Reference
from ...services import (
    EditConflict,
    NodeError,
    StaleForm,
    allowed_kinds,
    node_create,
    node_delete,
    node_descendants,
    node_move,
    node_place_state,
    node_restore,
    node_subtree_state,
    node_update,
)
from ...snapshot import iter_sections, serialize_node
from ...tree import TreeNode, build_tree, walk


def outline_url(plan: Plan, node: Node | None = None) -> str:
    """The outline at `node`'s anchor, with the subtree holding it unfolded (`?open=<parent id>`)."""
    url = reverse("plans:workspace", kwargs={"slug": plan.slug})
    if node is None:
        return url
    opened = f"?open={node.parent_id}" if node.parent_id is not None else ""
    return f"{url}{opened}#node-{node.pk}"


def mark_changes(forest: list[TreeNode], snapshot: dict[str, Any] | None) -> None:
    """Set `status` on every tree node compared with the published `snapshot`.

    "new", "changed", "moved" (to another parent or out of order), "renumbered" (only its
    number shifted) or "". Computed by the same serializer and differ as the "unpublished
    changes" page (plans.diff.diff_snapshots), so the two pages always agree.
    """
    for item in walk(forest):
        item.status = ""
    if snapshot is None:
        return
    draft = {"sections": [serialize_node(item) for item in forest]}
    changes = {c.new_id: c for c in diff_snapshots({"sections": snapshot["sections"]}, draft).sections if c.new_id}
    published_numbers = {s["id"]: s["number"] for s in iter_sections(snapshot["sections"])}
    for item in walk(forest):
        change = changes.get(item.node.pk)
        if change is None:
            before = published_numbers.get(item.node.pk)
            item.status = "renumbered" if before is not None and before != item.number else ""
        elif change.status == Status.ADDED:
            item.status = "new"
        elif change.status == Status.CHANGED:
            item.status = "changed"
        elif change.moved:
            item.status = "moved"


# The outline shows about this many sections at once; deeper subtrees fold behind a "Show the N
# sections under 3.2" control (loaded on demand), so a 5,000-section plan stays a light page.
OUTLINE_BUDGET = 120
OUTLINE_MAX_OPEN = 20  # ?open=<id> values read from one address


def _opened(request: HttpRequest) -> list[int]:
    """The ids in ?open=..., in order, without repeats (anything not a number is ignored)."""
    ids = [int(value) for value in request.GET.getlist("open") if value.isdecimal() and len(value) < 12]
    return list(dict.fromkeys(ids))[:OUTLINE_MAX_OPEN]


def fold_outline(items: list[TreeNode], *, budget: int = OUTLINE_BUDGET, opened: set[int] = frozenset()) -> None:
    """Decide which subtrees of `items` (and below) the outline shows unfolded.

    Every item gets `size` (how many sections are under it) and `folded`. `items` themselves are
    always shown; then, level by level in document order, a section's children are shown while
    the sections shown stay within `budget`. A section in `opened`, or above one, is always
    unfolded, so an address with ?open=<id> shows that section's children.
    """
    parents: dict[int, TreeNode] = {}
    every = []
    for item in walk(items):
        every.append(item)
        for child in item.children:
            parents[child.node.pk] = item
    for item in reversed(every):  # children before their parents
        item.size = sum(1 + child.size for child in item.children)
        item.folded = bool(item.children)
    forced: set[int] = set()
    for pk in opened:
        current: int | None = pk
        while current is not None and current not in forced:
            forced.add(current)
            parent = parents.get(current)
            current = parent.node.pk if parent is not None else None
    shown = len(items)
    level = items
    while level:
        below = []
        for item in level:
            if item.children and (item.node.pk in forced or shown + len(item.children) <= budget):
                item.folded = False
                shown += len(item.children)
                below.extend(item.children)
        level = below


def _outline_tree(plan: Plan) -> tuple[list[TreeNode], Any, int]:
    """The draft's numbered forest marked against the latest version, the version, and the deleted count."""
    # Live and deleted, in one query; the timestamps are not shown, and parsing them is a third of
    # the time on a large plan.
    nodes = list(Node.objects.filter(plan=plan).defer("created_at", "updated_at"))
    live = [n for n in nodes if n.deleted_at is None]
    forest = build_tree(live)
    latest = plan.versions.latest_first().first()
    mark_changes(forest, latest.snapshot if latest else None)
    for item in walk(forest):
        item.can_add = get_kind(item.node.kind).can_hold_children
    return forest, latest, len(nodes) - len(live)


def _fold_links(plan: Plan, forest: list[TreeNode], opened: list[int]) -> None:
    """Give each folded section the address that shows it unfolded without JavaScript."""
    base = reverse("plans:workspace", kwargs={"slug": plan.slug})
    for item in walk(forest):
        if getattr(item, "folded", False):
            query = urlencode({"open": [*opened, item.node.pk]}, doseq=True)
            item.open_url = f"{base}?{query}#node-{item.node.pk}"


@require_safe
@workspace_view()
def outline(request: HttpRequest, plan: Plan) -> HttpResponse:
    forest, latest, deleted_count = _outline_tree(plan)
    opened = _opened(request)
    fold_outline(forest, opened=set(opened))
    _fold_links(plan, forest, opened)
    return render(
        request,
        "plans/workspace/outline.html",
        {
            "plan": plan,
            "forest": forest,
            "latest": latest,
            "deleted_count": deleted_count,
            "node_count": sum(1 + item.size for item in forest),
        },
    )


@require_safe
@workspace_view()
def outline_subtree(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    """The sections under one folded section, as a fragment htmx puts in place of its "Show" control.

    Deeper subtrees fold again by the same rule. Without htmx: the outline with that section open.
    """
    forest, latest, _deleted = _outline_tree(plan)
    item = next((item for item in walk(forest) if item.node.pk == node_id), None)
    if item is None:
        raise Http404("No such section in the working draft.")
    if not request.htmx:
        return redirect(f"{reverse('plans:workspace', kwargs={'slug': plan.slug})}?open={node_id}#node-{node_id}")
    fold_outline(item.children)
    _fold_links(plan, item.children, [node_id])
    context = {"plan": plan, "latest": latest, "parent": item, "items": item.children}
    return render(request, "plans/workspace/outline.html#subtree", context)


def _preview_html(plan: Plan, body: str):
    labels = set(Reference.objects.filter(plan=plan).values_list("label", flat=True))
    return render_markdown(body or "", labels)


@require_POST
@workspace_view()
def preview(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The body rendered exactly as the public page renders it (htmx swaps it into the form)."""
    return render(
        request, "plans/workspace/includes/_preview.html", {"preview": _preview_html(plan, request.POST.get("body"))}
    )


def _form_page(request, plan, *, form: NodeForm, kind: str, node=None, parent=None, preview=None, **extra):
    context = {
        "plan": plan,
        "form": form,
        "kind": get_kind(kind),
        "node": node,
        "parent": parent,
        "preview": preview,
        "back_url": outline_url(plan, node),
        **extra,
    }
    return render(request, "plans/workspace/node_form.html", context)


def _already_added(plan: Plan, submission: str) -> Node | None:
    """The node an earlier sending of this same "Add" form created (a quick look before the
    form is checked against the tree; node_create holds the rule under concurrency)."""
    return Node.objects.filter(plan=plan, submission_key=submission).first() if submission else None


def _added_twice(request: HttpRequest, plan: Plan, node: Node) -> HttpResponse:
    messages.info(request, f"“{node.title}” was already added: the form was sent twice, so it was added once.")
    return redirect(outline_url(plan, node))


@workspace_view()
def node_add(request: HttpRequest, plan: Plan) -> HttpResponse:
    parent_id = request.GET.get("parent")
    # On a POST the parent may have been deleted since the form was shown: the service then
    # refuses with a message on the form, which keeps the typed text (a 404 would lose it).
    live = True if request.method != "POST" else None
    parent = get_node(plan, int(parent_id), live=live) if parent_id and parent_id.isdecimal() else None
    kind = request.GET.get("kind")
    if kind not in allowed_kinds(parent):
        choices = [(k.value, k.label) for k in allowed_children(parent.kind if parent is not None else None)]
        context = {"plan": plan, "parent": parent, "parent_kind": get_kind(parent.kind) if parent else None}
        return render(request, "plans/workspace/kind_choice.html", {**context, "choices": choices})
    form = node_form(request.POST or None, kind=kind, parent=parent, plan=plan)
    preview_html = None
    if request.method == "POST":
        if "preview" in request.POST:
            preview_html = _preview_html(plan, request.POST.get("body"))
        elif form.is_valid() and (done := _already_added(plan, form.cleaned_data["submission"])):
            return _added_twice(request, plan, done)
        elif form.is_valid():
            try:
                node = node_create(
                    plan=plan,
                    parent=parent,
                    kind=kind,
                    data=form.content(),
                    user=request.user,
                    message=form.cleaned_data["message"],
                    submission_key=form.cleaned_data["submission"],
                )
            except (NodeError, ValidationError) as error:
                add_service_errors(form, error)
            else:
                if node.already_added:
                    return _added_twice(request, plan, node)
                messages.success(request, f"Added “{node.title}”.")
                return redirect(outline_url(plan, node))
    return _form_page(request, plan, form=form, kind=kind, parent=parent, preview=preview_html)


@workspace_view()
def node_edit(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    node = get_node(plan, node_id, live=None)
    form = node_form(request.POST or None, kind=node.kind, node=node)
    if node.deleted_at is not None:
        if request.method != "POST":
            raise Http404("This section is deleted.")
        # Deleted while this form was open: keep the typed text on the conflict page.
        form.is_valid()
        return _conflict_page(request, plan, node, form, node)
    preview_html = None
    if request.method == "POST":
        if "preview" in request.POST:
            preview_html = _preview_html(plan, request.POST.get("body"))
        elif form.is_valid():
            base_revision = form.cleaned_data["base_revision"]
            try:
                saved = node_update(
                    node=node,
                    base_revision=base_revision if base_revision is not None else 0,
                    data=form.content(),
                    user=request.user,
                    message=form.cleaned_data["message"],
                )
            except EditConflict as conflict:
                return _conflict_page(request, plan, node, form, conflict.current)
            except (NodeError, ValidationError) as error:
                add_service_errors(form, error)
            else:
                if saved is node:  # the content equals the current one
                    messages.info(request, f"Nothing changed in “{saved.title}”, so nothing was saved.")
                else:
                    messages.success(request, f"Saved “{saved.title}”.")
                return redirect(outline_url(plan, saved))
    return _form_page(request, plan, form=form, kind=node.kind, node=node, parent=node.parent, preview=preview_html)


def _conflict_page(request, plan: Plan, node: Node, form: NodeForm, current: Node | None) -> HttpResponse:
    """Their version and yours, in full, with a diff; the form keeps your text, now based on their revision."""
    kind = get_kind(node.kind)
    conflict = edit_conflict(
        current=current, yours=form.content(), fields=kind.fields, label=kind.field_label, what="section"
    )
    current_state = {"base_revision": current.revision} if current is not None else {}
    make = lambda data: node_form(data, kind=node.kind, node=current or node)  # noqa: E731
    merge_form = rebuilt_form(make, request.POST, current=current_state)
    return _form_page(
        request, plan, form=merge_form, kind=node.kind, node=current or node, parent=node.parent, conflict=conflict
    )


def _parent_candidates(plan: Plan, node: Node) -> list[tuple[Node, str]]:
    """The live nodes `node` may move under: kinds that may hold it, not itself or its descendants."""
    excluded = {node.pk, *(d.pk for d in node_descendants(node))}
    forest = build_tree(list(Node.objects.filter(plan=plan).live()))
    return [
        (item.node, f"{item.number} {item.node.title}")
        for item in walk(forest)
        if item.node.pk not in excluded and node.kind in get_kind(item.node.kind).children
    ]


@workspace_view()
def node_move_view(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    node = get_node(plan, node_id)
    if request.method == "POST" and request.POST.get("direction"):
        direction = request.POST["direction"]
        try:
            node_move(node=node, direction=direction, user=request.user, base_state=request.POST.get("base_state"))
        except NodeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Moved “{node.title}” {direction}.")
        return redirect(outline_url(plan, node))
    initial = {"base_state": node_place_state(node, with_position=False)}
    form = MoveForm(request.POST or None, node=node, candidates=_parent_candidates(plan, node), initial=initial)
    if request.method == "POST" and form.is_valid():
        place = form.cleaned_data["place"]
        try:
            node_move(
                node=node,
                new_parent=form.new_parent(),
                new_position=place - 1 if place else None,
                user=request.user,
                message=form.cleaned_data["message"],
                base_state=form.cleaned_data["base_state"] or None,
            )
        except NodeError as error:
            if isinstance(error, StaleForm):
                # Show the page as it is now (current parent preselected), keeping the message typed.
                node = get_node(plan, node_id)
                current = {
                    "parent": node.parent_id or MoveForm.TOP,
                    "base_state": node_place_state(node, with_position=False),
                }
                candidates = _parent_candidates(plan, node)
                make = lambda data: MoveForm(data, node=node, candidates=candidates)  # noqa: E731
                form = rebuilt_form(make, request.POST, current=current, error=str(error))
            else:
                form.add_error(None, str(error))
        else:
            messages.success(request, f"Moved “{node.title}”.")
            return redirect(outline_url(plan, node))
    context = {
        "plan": plan,
        "node": node,
        "kind": get_kind(node.kind),
        "form": form,
        "back_url": outline_url(plan, node),
    }
    return render(request, "plans/workspace/node_move.html", context)


@workspace_view()
def node_delete_view(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    node = get_node(plan, node_id)
    descendants = node_descendants(node)
    initial = {"base_state": node_subtree_state(node)}
    form = DeleteForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            deleted = node_delete(
                node=node,
                user=request.user,
                message=form.cleaned_data["message"],
                base_state=form.cleaned_data["base_state"] or None,
            )
        except NodeError as error:
            if isinstance(error, StaleForm):
                # Confirm again against what is there now; the list above shows it.
                form = rebuilt_form(DeleteForm, request.POST, current=initial, error=str(error))
            else:
                form.add_error(None, str(error))
        else:
            extra = _under_it("and {count} section under it", "and {count} sections under it", len(deleted) - 1)
            messages.success(request, f"Deleted “{node.title}”{extra}. You can restore it from Deleted sections.")
            return redirect(outline_url(plan))
    return render(
        request,
        "plans/workspace/node_delete.html",
        {"plan": plan, "node": node, "descendants": descendants, "form": form, "back_url": outline_url(plan, node)},
    )


def _under_it(singular: str, plural: str, count: int) -> str:
    """ " and 1 section under it", " and 3 sections under it", or "" for none."""
    return " " + ngettext(singular, plural, count).format(count=count) if count else ""


@require_safe
@workspace_view()
def deleted_nodes(request: HttpRequest, plan: Plan) -> HttpResponse:
    """Every deletion batch that can be restored: its top node, how many went with it, who and when."""
    deleted = list(Node.objects.filter(plan=plan).deleted().order_by("-deleted_at", "pk"))
    by_batch: dict[Any, list[Node]] = {}
    for item in deleted:
        by_batch.setdefault(item.deletion_batch, []).append(item)
    batches = []
    for items in by_batch.values():
        ids = {n.pk for n in items}
        root = next((n for n in items if n.parent_id not in ids), items[0])
        batches.append({"root": root, "count": len(items) - 1})
    records = Node.history.filter(id__in=[b["root"].pk for b in batches]).exclude(deleted_at=None)
    who: dict[int, Any] = {}
    for record in records.select_related("history_user").order_by("history_date"):
        who[record.id] = record  # the last record that shows it deleted: the deletion
    for batch in batches:
        batch["record"] = who.get(batch["root"].pk)
    return render(request, "plans/workspace/deleted.html", {"plan": plan, "batches": batches})


@workspace_view()
def node_restore_view(request: HttpRequest, plan: Plan, node_id: int) -> HttpResponse:
    node = get_node(plan, node_id, live=False)
    if request.method == "POST":
        try:
            restored = node_restore(node=node, user=request.user)
        except NodeError as error:
            messages.error(request, str(error))
            return redirect("plans:deleted_nodes", slug=plan.slug)
        extra = _under_it("with {count} section under it", "with {count} sections under it", len(restored) - 1)
        messages.success(request, f"Restored “{restored[0].title}”{extra}.")
        return redirect(outline_url(plan, restored[0]))
    batch = list(Node.objects.filter(plan=plan, deletion_batch=node.deletion_batch))
    return render(request, "plans/workspace/node_restore.html", {"plan": plan, "node": node, "batch": batch})
