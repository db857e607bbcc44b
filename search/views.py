"""Search pages: one plan (its latest version, or one chosen with ?v=) and every readable plan."""

from __future__ import annotations

from http import HTTPStatus

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from plans.access import get_readable_plan
from plans.selectors import plan_versions
from plans.version_numbers import parse_version_number

from .query import MAX_QUERY_LENGTH, parse_query
from .selectors import HIT_LIMIT, indexed_plan_title, search_readable_plans, search_version


def _private(response: HttpResponse) -> HttpResponse:
    # What a search finds depends on who asks and on what was published last: never share it.
    patch_cache_control(response, private=True, max_age=0)
    return response


@require_safe
def plan_search(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    versions = plan_versions(plan)
    if not versions:
        raise Http404("This plan has no published version yet.")
    latest = versions[0]
    version, status = latest, HTTPStatus.OK
    requested = request.GET.get("v", "")
    if requested:
        number = parse_version_number(requested[:20])
        version = next((v for v in versions if number and (v.major, v.minor) == (number.major, number.minor)), None)
        if version is None:
            status = HTTPStatus.NOT_FOUND
    query = parse_query(request.GET.get("q"))
    context = {
        "plan": plan,
        "versions": versions,
        "latest": latest,
        "version": version,
        "is_latest": not requested,
        "unknown_version": requested[:20] if version is None else "",
        "query": query,
        "max_length": MAX_QUERY_LENGTH,
        "hit_limit": HIT_LIMIT,
    }
    if version is not None:
        context["plan_title"] = indexed_plan_title(version) or plan.title
        context["results"] = search_version(query, version, versioned=bool(requested))
    return _private(render(request, "search/plan_search.html", context, status=status))


@require_safe
def search_all(request: HttpRequest) -> HttpResponse:
    query = parse_query(request.GET.get("q"))
    context = {
        "query": query,
        "results": search_readable_plans(query, request.user),
        "max_length": MAX_QUERY_LENGTH,
        "hit_limit": HIT_LIMIT,
    }
    return _private(render(request, "search/search_all.html", context))
