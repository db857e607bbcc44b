"""What the page cache knows of each plan without asking the database, and how it learns of changes.

A plan's *state* is its id, visibility, latest published version, when its row last changed,
and the *data marks* of its live follow-through data (progress updates, measurements: the
tracking app registers a function that reads them). Cached pages are stored with the
*token* derived from the state they were built for; a page whose token is not the plan's
current one is never served.

The state is read from the database once and kept in the cache, together with the plan's
*generation*, a counter that every write bumps (`plan_cache_bump`). A cached state built for
another generation is read again. The bump happens at once and again when the transaction
commits: a request that read the old rows in between cannot keep them.

How stale can a state be?
- With a shared cache (Redis: REDIS_URL), every process and every server reads the same
  generation, so the next request after a commit anywhere sees the change.
- With the default per-process cache (LocMem), a bump reaches only the process that made
  the write. Every other process reads the state again from the database once it is
  PAGE_CACHE_STATE_TIMEOUT seconds old (3 by default): that is the longest it can show an
  old "latest version" or old dashboard figures.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Expression, OuterRef, Subquery

from ..models import Plan, PlanVersion, Visibility
from .connection import page_store

DOCUMENT = "document"  # pages built from published versions only
DATA = "data"  # pages that also show live data (dashboards, reports), as of a date

# Bump when the stored state's shape changes, so that states cached by older code are read again.
_FORMAT = 1

DataMark = Callable[[], dict[str, Expression]]
_data_marks: list[DataMark] = []


def register_data_mark(mark: DataMark) -> DataMark:
    """Add `mark()`: annotations for the Plan query (subqueries on OuterRef("pk")) whose values
    change whenever the plan's live data does.

    The tracking app registers one for progress updates and measurements, from its
    AppConfig.ready(), so that plans never imports it. They are read in the same query as
    the plan itself.
    """
    if mark not in _data_marks:
        _data_marks.append(mark)
    return mark


def state_key(slug: str) -> str:
    return f"pc:state:{slug}"


def generation_key(slug: str) -> str:
    return f"pc:gen:{slug}"


@dataclass(frozen=True)
class PlanState:
    slug: str
    plan_id: int
    visibility: str
    latest_id: int | None  # the latest published version, None before the first
    updated: str  # when the plan's row last changed (title, visibility, threshold...)
    data: str  # the data marks

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    def token(self, kind: str, today: dt.date | None = None) -> str:
        """What a cached page of this kind must have been built for to be served now."""
        document = f"{self.plan_id}.{self.latest_id}.{self.visibility}.{self.updated}"
        if kind == DOCUMENT:
            return document
        return f"{document}.{self.data}.{(today or dt.date.min).isoformat()}"

    def plan(self) -> Plan:
        """An unsaved Plan with the fields the permission checks read (id, slug, visibility)."""
        return Plan(pk=self.plan_id, slug=self.slug, visibility=self.visibility)


def plan_state(slug: str) -> PlanState | None:
    """The plan's current state, None if no plan has this slug. From the cache when current."""
    key, gen_key = state_key(slug), generation_key(slug)
    found = page_store().get_many([key, gen_key])
    return state_from_cache(slug, found.get(key), found.get(gen_key))


def state_is_current(stored, generation) -> bool:
    """Was `stored` (what the cache held under state_key) built for this generation?"""
    return isinstance(stored, tuple) and len(stored) == 3 and stored[0] == _FORMAT and stored[1] == generation


def state_from_cache(slug: str, stored, generation) -> PlanState | None:
    """The state from what the cache held (`stored` under state_key, `generation` under
    generation_key), read again from the database when it was missing or out of date."""
    if state_is_current(stored, generation):
        return stored[2]
    state = _load(slug)
    page_store().set(state_key(slug), (_FORMAT, generation, state), timeout=settings.PAGE_CACHE_STATE_TIMEOUT)
    return state


def _load(slug: str) -> PlanState | None:
    """One query: the plan, its latest version's id and its data marks."""
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-major", "-minor").values("pk")[:1]
    marks: dict[str, Expression] = {}
    for mark in _data_marks:
        marks.update(mark())
    row = (
        Plan.objects.filter(slug=slug)
        .annotate(latest_id=Subquery(latest), **marks)
        .values("pk", "visibility", "updated_at", "latest_id", *marks)
        .first()
    )
    if row is None:
        return None
    return PlanState(
        slug=slug,
        plan_id=row["pk"],
        visibility=row["visibility"],
        latest_id=row["latest_id"],
        updated=f"{row['updated_at'].timestamp():.6f}",
        data=".".join(str(row[name]) for name in sorted(marks)),
    )


def plan_cache_bump(*, plan: Plan | None = None, plan_id: int | None = None, slugs: Iterable[str] = ()) -> None:
    """Tell the page cache that something the plan's public pages show has changed.

    Every write that changes a public page calls this, inside its transaction: publishing,
    a change to the plan's row (visibility, slug, title), a progress update, a measurement,
    an import. Give the plan, or its id (one query for the slug), and any former slugs.

    The plan's generation moves at once (this process reads its new state on its next
    request, even inside the same transaction) and again when the transaction commits (a
    request that read the old rows in between built a state for the first bump, which the
    second one retires). Outside a transaction both happen now.
    """
    names = set(slugs)
    if plan is not None:
        names.add(plan.slug)
    elif plan_id is not None:
        names.update(Plan.objects.filter(pk=plan_id).values_list("slug", flat=True))
    names.discard("")
    if not names:
        return
    _bump(names)
    transaction.on_commit(partial(_bump, frozenset(names)), robust=True)


def _bump(slugs: Iterable[str]) -> None:
    for slug in slugs:
        key = generation_key(slug)
        try:
            page_store().incr(key)
        except ValueError:
            # Missing (never bumped, or evicted): start from the clock, so that no value an
            # evicted counter once had can come back and make an old state look current.
            page_store().set(key, time.time_ns(), timeout=None)
