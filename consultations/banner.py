"""What a plan's public pages show of its consultations (the banner while one is open, the
“what we heard” link of a version), from one cached read per plan.

Registered as a `plans.hooks` section-extras provider: it adds no HTML to any section, only a
stamp, so that a page's ETag changes when a consultation opens, moves its date, closes, or
gets its version. One query on a cold cache, none on a warm one; the services that change
any of this forget the cached facts once they commit.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from plans.caching import plan_cache_bump

from .models import Consultation

_KEY = "consultations:facts:v1:{plan_id}"


def forget_open_consultation(plan_id: int) -> None:
    """Forget the plan's cached facts now and again once the transaction commits (a request
    in between may have cached them as they were before the change)."""
    key = _KEY.format(plan_id=plan_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))
    # The plan's pages show the banner: their cached copies are stale too.
    plan_cache_bump(plan_id=plan_id)


def consultation_facts(plan_id: int) -> dict[str, Any]:
    """{"open": {"label", "closes_at"} or None, "heard": {version id: consultation label}}."""
    key = _KEY.format(plan_id=plan_id)
    facts = cache.get(key)
    if facts is None:
        rows = Consultation.objects.filter(Q(closed_at=None) | ~Q(version=None), plan_id=plan_id).values_list(
            "label", "closes_at", "closed_at", "version_id"
        )
        facts = {"open": None, "heard": {}}
        for label, closes_at, closed_at, version_id in rows:
            if closed_at is None:
                facts["open"] = {"label": label, "closes_at": closes_at}
            if version_id is not None:
                facts["heard"][version_id] = label
        cache.set(key, facts, timeout=3600)
    return facts


def open_banner(plan_id: int) -> dict[str, Any] | None:
    """The open consultation's label and closing date, if one is open now."""
    found = consultation_facts(plan_id)["open"]
    return found if found is not None and found["closes_at"] > timezone.now() else None


class ConsultationBannerStamp:
    def stamp(self, plan) -> str:
        found = open_banner(plan.pk)
        heard = len(consultation_facts(plan.pk)["heard"])
        return f"c{found['closes_at'].timestamp():.0f}-{heard}" if found else f"c0-{heard}"

    def html(self, *, plan, version) -> dict[int, str]:
        return {}


banner_stamp = ConsultationBannerStamp()
