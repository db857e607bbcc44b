"""Atom feeds of published versions: one per public plan (/plans/<slug>/feed/), one for all (/feed/).

Feeds are for public plans only: a members-only plan has no feed (404 for everyone, signed in
or not) and never appears in the feed of all plans, because a feed reader cannot sign in and
a feed's entries are copied to places we do not control. Entries name the publisher as the
DEI Committee, never a person or an address. What changed in a version (the counts of the
one differ, `plans.selectors.version_changes`) is computed once per version and cached, as a
published version never changes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed, add_domain
from django.core.cache import cache
from django.db.models.fields.json import KT
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed

from .models import Plan, PlanVersion, Visibility
from .selectors import version_changes

PUBLISHER = "the DEI Committee"
PLAN_FEED_LIMIT = 50
SITE_FEED_LIMIT = 30
FEED_MAX_AGE = 60 * 5  # a new version shows in feed readers within five minutes


def _versions_for_feed(versions, limit: int) -> list[PlanVersion]:
    """At most `limit` versions with their plan and their snapshot's plan title, without the snapshot."""
    versions = versions.select_related("plan").defer("snapshot").annotate(snapshot_title=KT("snapshot__plan__title"))
    return list(versions[:limit])


def _in_words(count: int, what: str) -> str:
    return f"{count} section{'' if count == 1 else 's'} {what}"


def change_summary(version: PlanVersion) -> dict[str, Any]:
    """What changed in `version` since the one before it: {"previous": "1.0" or None, "changes":
    ["2 sections added", "1 section changed", ...]}; cached for good, as versions never change."""
    key = f"plans:feed-changes:{version.pk}:{version.content_hash}"
    summary = cache.get(key)
    if summary is None:
        earlier, diff = version_changes(version)
        changes: list[str] = []
        if diff is not None:
            changes = [_in_words(count, what) for what, count in diff.summary]
            if diff.references:
                count = len(diff.references)
                changes.append(f"{count} reference{'' if count == 1 else 's'} added, removed or changed")
            if diff.plan:
                changes.append("the plan's title or description changed")
        summary = {"previous": earlier.number if earlier else None, "changes": changes}
        cache.set(key, summary, timeout=None)
        version.__dict__.pop("snapshot", None)  # loaded for the diff only; a feed holds many versions
    return summary


class VersionFeed(Feed):
    """What both feeds share: one entry per published version, newest first."""

    feed_type = Atom1Feed
    author_name = PUBLISHER
    description_template = "plans/feeds/version_entry.html"

    def __call__(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # Feeds only ever hold public plans, the same for every reader.
        patch_cache_control(response, public=True, max_age=FEED_MAX_AGE)
        return response

    def item_title(self, item: PlanVersion) -> str:
        return f"Version {item.number} of {item.snapshot_title or item.plan.slug}"

    def item_link(self, item: PlanVersion) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: PlanVersion):
        return item.published_at

    def item_updateddate(self, item: PlanVersion):
        return item.published_at

    def item_author_name(self, item: PlanVersion) -> str:
        return PUBLISHER

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version: PlanVersion = kwargs["item"]
        summary = change_summary(version)
        secure = kwargs["request"].is_secure()
        domain = kwargs["site"].domain
        context["version"] = version
        context["summary"] = summary
        context["version_url"] = add_domain(domain, version.get_absolute_url(), secure)
        if summary["previous"]:
            compare = reverse(
                "plans:compare",
                kwargs={"slug": version.plan.slug, "from_number": summary["previous"], "to_number": version.number},
            )
            context["compare_url"] = add_domain(domain, compare, secure)
        return context


class PlanFeed(VersionFeed):
    """/plans/<slug>/feed/: the published versions of one public plan."""

    def get_object(self, request: HttpRequest, slug: str) -> Plan:
        plan = get_object_or_404(Plan, slug=slug, visibility=Visibility.PUBLIC)
        plan.feed_versions = _versions_for_feed(plan.versions.latest_first(), PLAN_FEED_LIMIT)
        if not plan.feed_versions:
            raise Http404("This plan has no published version yet.")
        return plan

    def title(self, obj: Plan) -> str:
        return f"{obj.feed_versions[0].snapshot_title or obj.slug}: published versions"

    def subtitle(self, obj: Plan) -> str:
        return "Each new version of the plan, with its release notes and what changed."

    def link(self, obj: Plan) -> str:
        return obj.get_absolute_url()

    def feed_url(self, obj: Plan) -> str:
        return reverse("plans:plan_feed", kwargs={"slug": obj.slug})

    def items(self, obj: Plan) -> list[PlanVersion]:
        return obj.feed_versions


class SiteFeed(VersionFeed):
    """/feed/: the newest published versions of every public plan."""

    title = "DEI Plan Portal: new versions of public plans"
    subtitle = "Each new version of every public plan, with its release notes and what changed."

    def link(self) -> str:
        return reverse("plans:plan_list")

    def feed_url(self) -> str:
        return reverse("plans:feed")

    def items(self) -> list[PlanVersion]:
        versions = PlanVersion.objects.filter(plan__visibility=Visibility.PUBLIC).order_by("-published_at", "-pk")
        return _versions_for_feed(versions, SITE_FEED_LIMIT)
