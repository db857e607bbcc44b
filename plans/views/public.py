"""Public pages: the published plan, its versions and exports. Rendered from snapshots only."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import condition, require_safe

from ..access import get_readable_plan
from ..hooks import fill_section_extras, section_extras_stamp
from ..markdown import render_markdown
from ..models import ActionStatus, Direction, Plan, PlanVersion, Visibility
from ..permissions import can_edit
from ..selectors import plan_versions, readable_plans_with_latest, roles_of, version_by_number
from ..snapshot import iter_sections, version_export, version_markdown
from ..version_numbers import VersionNumber


def mark_cacheable_by(response: HttpResponse, request: HttpRequest, plan: Plan) -> None:
    """Shared caches may keep a public plan's page served to an anonymous reader; any other stays private."""
    if plan.visibility == Visibility.PUBLIC and not request.user.is_authenticated:
        patch_cache_control(response, public=True)
    else:
        patch_cache_control(response, private=True)


def canonical_version_urls(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a version URL spelled another way (/v/01.0/, /v/1.00/) to its canonical URL (/v/1.0/).

    The URL pattern accepts leading zeros; without this, one version would be served (and
    cached, and indexed) under many addresses.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, **numbers: VersionNumber) -> HttpResponse:
        if not all(number.is_canonical for number in numbers.values()):
            url = reverse(request.resolver_match.view_name, kwargs={"slug": slug, **numbers})
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
        return view(request, slug, **numbers)

    return wrapped


def get_version(plan: Plan, number: VersionNumber) -> PlanVersion:
    """The plan's published version `number` (with its snapshot), or 404."""
    version = version_by_number(plan, number.major, number.minor)
    if version is None:
        raise Http404("No such version.")
    return version


@require_safe
def plan_list(request: HttpRequest) -> HttpResponse:
    # Committee members also need a way to plans that are not published yet: their roles.
    context = {"plans": readable_plans_with_latest(request.user), "roles": roles_of(request.user)}
    return render(request, "plans/plan_list.html", context)


# Bump when _document.html changes, so that cached documents are rendered again.
DOCUMENT_HTML_VERSION = 2


def _render_document(version: PlanVersion) -> str:
    """The version's document body; published versions never change, so it is cached once rendered.

    Live facts (an action's progress) are not in it: each section carries a mark that
    `plans.hooks.fill_section_extras` fills on every request.
    """
    key = f"plans:version-html:{DOCUMENT_HTML_VERSION}:{version.pk}:{version.content_hash}"
    html = cache.get(key)
    if html is None:
        snapshot = version.snapshot
        references = {ref["label"] for ref in snapshot["references"]}
        sections = list(iter_sections(snapshot["sections"]))
        for section in sections:
            section["html"] = render_markdown(section["body"], references)
            section["depth"] = section["number"].count(".") + 1
            section["heading_level"] = min(section["depth"] + 1, 6)
            if section.get("status"):
                section["status_label"] = ActionStatus(section["status"]).label
            if section.get("direction"):
                section["direction_label"] = Direction(section["direction"]).label
        html = render_to_string(
            "plans/includes/_document.html",
            {
                "snapshot": snapshot,
                "sections": sections,
                "references": snapshot["references"],
                "plan_slug": version.plan.slug,
            },
        )
        cache.set(key, html, timeout=None)
    return html


def _resolve_version(
    request: HttpRequest, slug: str, number: VersionNumber | None
) -> tuple[Plan, PlanVersion, PlanVersion, PlanVersion | None]:
    """(plan, requested version, latest, the one before the requested), once per request.

    The ETag check and the view share it.

    Three queries whatever the plan's size: the plan, its version numbers, the one snapshot.
    """
    memo = request.__dict__.setdefault("_plan_versions", {})
    if (slug, number) not in memo:
        plan = get_readable_plan(request, slug)
        versions = plan_versions(plan)
        if not versions:
            raise Http404("This plan has no published version yet.")
        latest = versions[0]
        if number is None:
            wanted = latest
        else:
            wanted = next((v for v in versions if (v.major, v.minor) == (number.major, number.minor)), None)
            if wanted is None:
                raise Http404("No such version.")
        index = versions.index(wanted)
        previous = versions[index + 1] if index + 1 < len(versions) else None
        version = PlanVersion.objects.get(pk=wanted.pk)
        version.plan = plan
        memo[(slug, number)] = (plan, version, latest, previous)
    return memo[(slug, number)]


def _etag(version: PlanVersion, request: HttpRequest) -> str:
    # The page shows who is signed in, so signed-in and anonymous copies differ; and the live
    # facts in its sections (progress), so their stamp is part of it.
    audience = f"u{request.user.pk}" if request.user.is_authenticated else "anon"
    live = section_extras_stamp(version.plan)
    return f'"{version.content_hash[:20]}-{version.pk}-{audience}-{live}"'


def _version_etag(request: HttpRequest, slug: str, number: VersionNumber | None = None) -> str | None:
    try:
        version = _resolve_version(request, slug, number)[1]
    except Http404:
        return None
    return _etag(version, request)


def _version_last_modified(request: HttpRequest, slug: str, number: VersionNumber | None = None):
    try:
        return _resolve_version(request, slug, number)[1].published_at
    except Http404:
        return None


def _version_page(request: HttpRequest, slug: str, number: VersionNumber | None) -> HttpResponse:
    plan, version, latest, previous = _resolve_version(request, slug, number)
    response = render(
        request,
        "plans/version_detail.html",
        {
            "plan": plan,
            "version": version,
            "latest": latest,
            "previous": previous,
            "is_latest": latest.pk == version.pk,
            "can_edit": can_edit(request.user, plan),
            "document": fill_section_extras(_render_document(version), plan=plan, version=version),
            "toc": version.snapshot["sections"],
        },
    )
    if number is not None:
        # A numbered version never changes: caches may keep it a long time.
        patch_cache_control(response, max_age=settings.PUBLISHED_VERSION_MAX_AGE)
    else:
        # The latest version moves when a new one is published: revalidate each time.
        patch_cache_control(response, max_age=0, must_revalidate=True)
    mark_cacheable_by(response, request, plan)
    return response


@require_safe
@condition(etag_func=_version_etag, last_modified_func=_version_last_modified)
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _version_page(request, slug, None)


@require_safe
@canonical_version_urls
@condition(etag_func=_version_etag, last_modified_func=_version_last_modified)
def version_detail(request: HttpRequest, slug: str, number: VersionNumber) -> HttpResponse:
    return _version_page(request, slug, number)


@require_safe
def version_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    versions = list(plan.versions.latest_first().select_related("published_by").defer("snapshot"))
    if not versions:
        raise Http404("This plan has no published version yet.")
    return render(request, "plans/version_list.html", {"plan": plan, "versions": versions})


def _export_headers(request: HttpRequest, response: HttpResponse, version: PlanVersion, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Last-Modified"] = http_date(version.published_at.timestamp())
    response["ETag"] = f'"{version.content_hash[:20]}-{version.pk}"'
    patch_cache_control(response, max_age=settings.PUBLISHED_VERSION_MAX_AGE)
    mark_cacheable_by(response, request, version.plan)
    return response


@require_safe
@canonical_version_urls
def version_json(request: HttpRequest, slug: str, number: VersionNumber) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    version = get_version(plan, number)
    response = JsonResponse(version_export(version), json_dumps_params={"indent": 2, "ensure_ascii": False})
    return _export_headers(request, response, version, f"{plan.slug}-{version.number}.json")


@require_safe
@canonical_version_urls
def version_md(request: HttpRequest, slug: str, number: VersionNumber) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    version = get_version(plan, number)
    response = HttpResponse(version_markdown(version), content_type="text/markdown; charset=utf-8")
    return _export_headers(request, response, version, f"{plan.slug}-{version.number}.md")
