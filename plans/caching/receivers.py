"""What tells the page cache that a plan changed: publishing, and any save of the plan's row.

Publishing goes through `plans.hooks` (the listener runs inside the publishing transaction).
Changes to the plan's row (visibility, slug, title, small-count threshold) are made in the
Django admin today and in a settings page later: a post_save receiver covers every way a
plan is saved, where a service would cover only the callers that remember to use it.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from ..models import Plan, PlanVersion
from .state import plan_cache_bump
from .warm import version_warm


def version_published(version: PlanVersion) -> None:
    """A version was just written (inside the publishing transaction): new pages, warmed on commit."""
    plan_cache_bump(plan=version.plan)
    transaction.on_commit(partial(version_warm, version.pk), robust=True)


def _remember_slug(sender, instance: Plan, raw: bool = False, **kwargs) -> None:
    # The slug the plan had, so that pages under its old address stop being served too.
    instance._page_cache_old_slug = (
        Plan.objects.filter(pk=instance.pk).values_list("slug", flat=True).first() if instance.pk else None
    )


def _plan_saved(sender, instance: Plan, **kwargs) -> None:
    plan_cache_bump(slugs={instance.slug, getattr(instance, "_page_cache_old_slug", None) or ""})


def _plan_deleted(sender, instance: Plan, **kwargs) -> None:
    plan_cache_bump(slugs={instance.slug})


def connect() -> None:
    """Connect the receivers (PlansConfig.ready)."""
    pre_save.connect(_remember_slug, sender=Plan, dispatch_uid="page_cache_plan_slug")
    post_save.connect(_plan_saved, sender=Plan, dispatch_uid="page_cache_plan_saved")
    post_delete.connect(_plan_deleted, sender=Plan, dispatch_uid="page_cache_plan_deleted")
