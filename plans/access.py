"""Who may open which page of a plan: the access checks every view of every app uses.

`get_readable_plan` guards the public pages (plans and tracking alike), `workspace_view`
the committee's pages under /plans/<slug>/edit/. The rules themselves are in
`plans.permissions`; this module turns them into 404s, 403s and sign-in redirects.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from .models import Node, Plan
from .permissions import can_edit, can_publish, can_read
from .selectors import as_published, with_published_identity


def get_readable_plan(request: HttpRequest, slug: str) -> Plan:
    """The plan, if this requester may read it; otherwise 404, so its existence is not revealed.

    It comes as readers see it: its title and description are the latest published version's
    (`selectors.as_published`), so no public page can show the draft's.
    """
    plan = get_object_or_404(with_published_identity(Plan.objects.all()), slug=slug)
    if not can_read(request.user, plan):
        raise Http404("No plan here.")
    return as_published(plan)


def get_published_plan(request: HttpRequest, slug: str) -> Plan:
    """The plan, if this requester may read it and it has a published version; otherwise 404.

    Every public page of a plan uses it: a plan that was never published does not exist
    for readers, whatever its visibility, so not even its title shows.
    """
    plan = get_readable_plan(request, slug)
    if not plan.versions.exists():
        raise Http404("This plan has no published version yet.")
    return plan


def get_workspace_plan(request: HttpRequest, slug: str, *, publish: bool = False) -> Plan:
    """The plan whose draft this signed-in user may work on; 404 or 403 otherwise.

    Signed in without a role on this plan: 404 if they may not even read it, otherwise
    403. With `publish`, editors who are not publishers get 403 too. Sets
    `request.can_publish` for the workspace navigation.
    """
    plan = get_object_or_404(Plan, slug=slug)
    if not can_edit(request.user, plan):
        if not can_read(request.user, plan):
            raise Http404("No plan here.")
        raise PermissionDenied("Only the plan's committee members may work on its draft.")
    request.can_publish = can_publish(request.user, plan)
    if publish and not request.can_publish:
        raise PermissionDenied("Only the plan's publishers may publish it.")
    return plan


def workspace_view(*, publish: bool = False) -> Callable:
    """Decorate a view `view(request, plan, **kwargs)` of /plans/<slug>/edit/...

    Anonymous: the sign-in page (before looking the plan up, so its existence is not
    revealed); then the checks of `get_workspace_plan`.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            plan = get_workspace_plan(request, slug, publish=publish)
            return view(request, plan, *args, **kwargs)

        return wrapped

    return decorator


def get_node(plan: Plan, node_id: int, *, live: bool | None = True) -> Node:
    """A node of this plan (404 otherwise): live only by default, deleted only with live=False, any with None."""
    nodes = Node.objects.filter(plan=plan)
    if live is True:
        nodes = nodes.live()
    elif live is False:
        nodes = nodes.deleted()
    node = get_object_or_404(nodes, pk=node_id)
    node.plan = plan  # already loaded; spares a query
    return node
