"""Public pages: the published plan, its versions and exports. Rendered from snapshots only.

Every page here is served from the page cache (plans.caching) once built: `cached_page`
stores it per audience and sets its Cache-Control; the views only build it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from ..access import get_readable_plan
from ..caching import DATA, cached_page
from ..document import version_document_html
from ..hooks import fill_section_extras
from ..models import Plan, PlanVersion, Visibility
from ..permissions import can_edit
from ..selectors import plan_versions, readable_plans_with_latest, roles_of, version_by_number
from ..snapshot import version_export, version_markdown
from ..version_numbers import VersionNumber


def set_last_modified(response: HttpResponse, *versions: PlanVersion) -> HttpResponse:
    """Last-Modified: when the latest of these versions was published (the page cache keeps it)."""
    response["Last-Modified"] = http_date(max(v.published_at for v in versions).timestamp())
    return response


def mark_cacheable_by(response: HttpResponse, request: HttpRequest, plan: Plan) -> None:
    """Shared caches may keep a public plan's answer to an anonymous reader; any other stays private.

    For the views the page cache does not store (the PDF, permanent-link redirects).
    """
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


def _resolve_version(
    request: HttpRequest, slug: str, number: VersionNumber | None
) -> tuple[Plan, PlanVersion, PlanVersion, PlanVersion | None]:
    """(plan, requested version, latest, the one before the requested).

    Three queries whatever the plan's size: the plan, its version numbers, the one snapshot.
    """
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
    return plan, version, latest, previous


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
            "document": fill_section_extras(version_document_html(version), plan=plan, version=version),
            "toc": version.snapshot["sections"],
        },
    )
    return set_last_modified(response, version)


# The latest version moves when a new one is published: revalidated every time.
@require_safe
@cached_page(kind=DATA)  # the sections show live progress (plans.hooks.fill_section_extras)
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _version_page(request, slug, None)


# A numbered version never changes (its banner "a newer version exists" aside).
@require_safe
@canonical_version_urls
@cached_page(kind=DATA)  # the text never changes, the progress shown in it does
def version_detail(request: HttpRequest, slug: str, number: VersionNumber) -> HttpResponse:
    return _version_page(request, slug, number)


@require_safe
@cached_page()
def version_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    versions = list(plan.versions.latest_first().select_related("published_by").defer("snapshot"))
    if not versions:
        raise Http404("This plan has no published version yet.")
    return render(request, "plans/version_list.html", {"plan": plan, "versions": versions})


def _export(response: HttpResponse, version: PlanVersion, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return set_last_modified(response, version)


@require_safe
@canonical_version_urls
@cached_page(immutable=True)
def version_json(request: HttpRequest, slug: str, number: VersionNumber) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    version = get_version(plan, number)
    response = JsonResponse(version_export(version), json_dumps_params={"indent": 2, "ensure_ascii": False})
    return _export(response, version, f"{plan.slug}-{version.number}.json")


@require_safe
@canonical_version_urls
@cached_page(immutable=True)
def version_md(request: HttpRequest, slug: str, number: VersionNumber) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    version = get_version(plan, number)
    response = HttpResponse(version_markdown(version), content_type="text/markdown; charset=utf-8")
    return _export(response, version, f"{plan.slug}-{version.number}.md")
