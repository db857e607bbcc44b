"""Permanent links to sections: /plans/<slug>/s/<id>/ follows a section across versions."""

from __future__ import annotations

from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from ..access import get_readable_plan
from ..permalinks import section_location
from .public import mark_cacheable_by


@require_safe
def section_permalink(request: HttpRequest, slug: str, node_id: int) -> HttpResponse:
    """Redirect (302) to the section's anchor in the latest version, which follows it through moves.

    A section removed since: a page that says so, with a link to the last version that had
    it (410 Gone). A section that was never published: 404, as for a plan the requester may
    not read or one with no published version.
    """
    plan = get_readable_plan(request, slug)
    location = section_location(plan, node_id)
    if location is None:
        raise Http404("No published version of this plan has that section.")
    if location.in_latest:
        response: HttpResponse = HttpResponseRedirect(f"{plan.get_absolute_url()}#{location.anchor}")
    else:
        response = render(
            request,
            "plans/section_removed.html",
            {"plan": plan, "location": location, "latest": location.latest},
            status=HTTPStatus.GONE,
        )
    # The latest version moves when a new one is published: ask again each time.
    patch_cache_control(response, max_age=0, must_revalidate=True)
    mark_cacheable_by(response, request, plan)
    return response
