"""Keeps a plan's public page honest about its banner: its ETag changes when a consultation opens or ends.

Registered as a `plans.hooks` section-extras provider: it adds no HTML to any section, only a
stamp, read from the cache (no SQL on a warm hit) and refreshed by the services that open,
extend or close a consultation.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from .models import Consultation

_KEY = "consultations:open:{plan_id}"


def forget_open_consultation(plan_id: int) -> None:
    cache.delete(_KEY.format(plan_id=plan_id))


class ConsultationBannerStamp:
    def stamp(self, plan) -> str:
        key = _KEY.format(plan_id=plan.pk)
        found = cache.get(key)
        if found is None:
            row = Consultation.objects.filter(plan_id=plan.pk, closed_at=None).values_list("pk", "closes_at").first()
            found = (row[0], row[1].timestamp()) if row else (0, 0.0)
            cache.set(key, found, timeout=3600)
        pk, closes = found
        return f"c{pk}" if pk and closes > timezone.now().timestamp() else "c0"

    def html(self, *, plan, version) -> dict[int, str]:
        return {}


banner_stamp = ConsultationBannerStamp()
