"""Each action's latest progress, shown on its section of the published version pages.

Registered with `plans.hooks.register_section_extras` from TrackingConfig.ready(), so plans
never imports tracking. The version page's document is rendered once and cached; this fills
in the live part on each request. `stamp` is a digest of exactly the data shown (each
action's latest update: its date and percent), so it changes whenever a progress update is
posted, edited or deleted in a way a reader would see, and it goes into the page's ETag.
Both read the same one query, made once per request (kept on the plan object the page uses).
"""

from __future__ import annotations

import hashlib

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html

from plans.models import NodeKind, Plan, PlanVersion
from plans.snapshot import iter_sections

from .selectors import latest_updates, today


def _latest(plan: Plan) -> dict[int, dict]:
    """Each action's latest update as of today, read once per plan object (so once per request)."""
    memo = plan.__dict__.get("_latest_progress_updates")
    if memo is None:
        memo = plan.__dict__["_latest_progress_updates"] = latest_updates(plan, as_of=today())
    return memo


def progress_bar(*, percent: int, label: str) -> str:
    """An accessible progress bar (a <progress>, named by `label`), then its number for the eye.

    Screen readers hear the bar's name and value; the number beside it is hidden from them so
    that it is not read twice.
    """
    return format_html(
        '<span class="progress-meter"><progress max="100" value="{}" aria-label="{}">{}%</progress>'
        '<span class="progress-number" aria-hidden="true">{}%</span></span>',
        percent,
        label,
        percent,
        percent,
    )


class ActionProgress:
    """The `plans.hooks.SectionExtras` provider of tracking."""

    def stamp(self, plan: Plan) -> str:
        shown = sorted(
            (node_id, update["date"].isoformat(), update["percent_complete"])
            for node_id, update in _latest(plan).items()
            if update["percent_complete"] is not None
        )
        digest = hashlib.sha256(repr(shown).encode()).hexdigest()
        return f"p{digest[:12]}"

    def html(self, *, plan: Plan, version: PlanVersion) -> dict[int, str]:
        updates = _latest(plan)
        if not updates:
            return {}
        actions_url = reverse("tracking:actions", kwargs={"slug": plan.slug})
        extras = {}
        for section in iter_sections(version.snapshot["sections"]):
            update = updates.get(section.get("id")) if section["kind"] == NodeKind.ACTION else None
            if update is None or update["percent_complete"] is None:
                continue
            extras[section["id"]] = format_html(
                '<p class="action-progress">Progress reported on <time datetime="{}">{}</time>: {}'
                ' <a class="no-print" href="{}#actions-table">All actions\' progress</a></p>',
                update["date"].isoformat(),
                date_format(update["date"], "j M Y"),
                progress_bar(
                    percent=update["percent_complete"], label=f"Progress of {section['number']} {section['title']}"
                ),
                actions_url,
            )
        return extras


action_progress = ActionProgress()
