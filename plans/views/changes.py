"""What changed: two published versions compared (public), and the draft's unpublished changes (committee).

Both pages show the same structured diff (plans.diff.diff_snapshots) through the same
include, templates/plans/includes/_snapshot_diff.html.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe

from ..access import get_published_plan, get_readable_plan, workspace_view
from ..caching import cached_page
from ..diff import diff_snapshots
from ..diff.rendered import rendered_snapshot_diff
from ..models import Plan, PlanVersion
from ..selectors import latest_version, plan_versions
from ..snapshot import plan_snapshot
from ..version_numbers import VersionNumber, parse_version_number
from .public import canonical_version_urls, set_last_modified

# Bump when the diff's HTML changes, so that cached comparisons are rendered again.
DIFF_HTML_VERSION = 2


@dataclass
class _Comparison:
    plan: Plan
    versions: list[PlanVersion]  # every version of the plan, newest first, without snapshots
    old: PlanVersion
    new: PlanVersion


def _resolve(request: HttpRequest, slug: str, from_number: VersionNumber, to_number: VersionNumber) -> _Comparison:
    """The plan and both versions.

    Two queries whatever the plan's size or number of versions: the plan, and its versions
    without their snapshots. 404 for a plan the requester may not read or a missing version.
    """
    plan = get_readable_plan(request, slug)
    versions = plan_versions(plan)
    by_number = {(v.major, v.minor): v for v in versions}
    old = by_number.get((from_number.major, from_number.minor))
    new = by_number.get((to_number.major, to_number.minor))
    if old is None or new is None:
        raise Http404("No such version.")
    return _Comparison(plan=plan, versions=versions, old=old, new=new)


def render_snapshot_diff(
    old: dict,
    new: dict,
    *,
    old_url: str | None = None,
    new_url: str | None = None,
    old_label: str = "",
    new_label: str = "",
    rendered: bool = False,
) -> SafeString:
    """The structured diff of two snapshots as HTML (the _snapshot_diff.html include).

    `old_url` / `new_url`: pages where the old / new sections can be read, named by
    `old_label` / `new_label` ("version 1.0"); each change links to its section there
    by anchor. Headings start at <h2>. `rendered`: Markdown text shown as readers see it
    (plans.diff.rendered), not as source.
    """
    context = {
        "diff": rendered_snapshot_diff(old, new) if rendered else diff_snapshots(old, new),
        "old_url": old_url,
        "new_url": new_url,
        "old_label": old_label,
        "new_label": new_label,
    }
    # A rendered template: every value in it is autoescaped.
    return mark_safe(render_to_string("plans/includes/_snapshot_diff.html", context))  # noqa: S308


def _render_version_diff(plan: Plan, old: PlanVersion, new: PlanVersion) -> SafeString:
    """The diff of two published versions; they never change, so it is cached once rendered."""
    key = f"plans:compare-html:{DIFF_HTML_VERSION}:{old.pk}:{old.content_hash}:{new.pk}:{new.content_hash}"
    html = cache.get(key)
    if html is None:
        snapshots = dict(PlanVersion.objects.filter(pk__in={old.pk, new.pk}).values_list("pk", "snapshot"))
        html = render_snapshot_diff(
            snapshots[old.pk],
            snapshots[new.pk],
            old_url=reverse("plans:version_detail", kwargs={"slug": plan.slug, "number": old.number}),
            new_url=reverse("plans:version_detail", kwargs={"slug": plan.slug, "number": new.number}),
            old_label=f"version {old.number}",
            new_label=f"version {new.number}",
            rendered=True,
        )
        cache.set(key, str(html), timeout=None)
    return mark_safe(html)  # noqa: S308 -- rendered by render_snapshot_diff above, autoescaped


# Both versions are immutable, so the comparison never changes either.
@require_safe
@canonical_version_urls
@cached_page(immutable=True)
def compare(request: HttpRequest, slug: str, from_number: VersionNumber, to_number: VersionNumber) -> HttpResponse:
    """What changed between two published versions of a plan (public, for readers of the plan)."""
    found = _resolve(request, slug, from_number, to_number)
    plan, old, new = found.plan, found.old, found.new
    response = render(
        request,
        "plans/compare.html",
        {
            "plan": plan,
            "old": old,
            "new": new,
            "versions": found.versions,
            "backwards": (old.major, old.minor) > (new.major, new.minor),
            "same": old.pk == new.pk,
            "diff_html": _render_version_diff(plan, old, new),
        },
    )
    return set_last_modified(response, old, new)


@require_safe
def compare_pick(request: HttpRequest, slug: str) -> HttpResponse:
    """The form that picks two versions (?from=1.0&to=1.1): sends to their comparison page."""
    plan = get_published_plan(request, slug)
    from_number, to_number = request.GET.get("from", "").strip(), request.GET.get("to", "").strip()
    # "01.0" or "1.00" typed into the form means version 1.0.
    from_number, to_number = (
        str(number) if (number := parse_version_number(value[:20])) else value for value in (from_number, to_number)
    )
    versions = plan_versions(plan)
    numbers = {v.number for v in versions}
    if from_number in numbers and to_number in numbers:
        return redirect("plans:compare", slug=plan.slug, from_number=from_number, to_number=to_number)
    if len(versions) >= 2 and not (from_number or to_number):
        # No choice yet: the latest version against the one before it.
        return redirect("plans:compare", slug=plan.slug, from_number=versions[1].number, to_number=versions[0].number)
    response = render(
        request,
        "plans/compare.html",
        {"plan": plan, "versions": versions, "invalid": bool(from_number or to_number)},
    )
    if from_number or to_number:
        response.status_code = 404
    return response


@require_safe
@workspace_view()
def unpublished_changes(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The working draft compared with the latest published version (committee members only)."""
    latest = latest_version(plan)
    if latest is None:
        old = {"plan": {"title": plan.title, "description": plan.description}, "sections": [], "references": []}
        old_url = None
    else:
        old = latest.snapshot
        old_url = reverse("plans:version_detail", kwargs={"slug": plan.slug, "number": latest.number})
    response = render(
        request,
        "plans/unpublished_changes.html",
        {
            "plan": plan,
            "latest": latest,
            "diff": diff_snapshots(old, plan_snapshot(plan)),
            "old_url": old_url,
            "old_label": f"version {latest.number}" if latest else "",
            "can_publish": request.can_publish,
        },
    )
    patch_cache_control(response, private=True, no_cache=True)
    return response
