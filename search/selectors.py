"""Reads of the search index: one indexed query per search, whatever the size of the plans.

Which versions are searched is decided by the caller (a plan's latest or a chosen version,
or the latest of every plan a reader may read); only published versions are ever indexed,
so a draft can never be found. The query returns the best hits (at most `limit`) and, in
the same statement, how many sections matched in all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Window
from django.urls import reverse
from django.utils.safestring import SafeString

from plans.models import Plan, PlanVersion

from .models import FTS_TABLE, IndexedSection
from .query import ReaderQuery
from .text import MARK_END, MARK_START, snippet_html

HIT_LIMIT = 50
SNIPPET_WORDS = 30
TITLE_WEIGHT = 10.0  # SQLite's bm25 weight of a title match against the text's 1.0


@dataclass(frozen=True)
class Hit:
    """One matching section: where it is and what of it matched (title and snippet as safe HTML)."""

    plan_slug: str
    plan_title: str
    version_number: str
    number: str
    anchor: str
    kind: str
    title_html: SafeString
    snippet_html: SafeString
    versioned: bool  # link to the version's own page rather than to the plan's latest

    @property
    def url(self) -> str:
        if self.versioned:
            page = reverse("plans:version_detail", kwargs={"slug": self.plan_slug, "number": self.version_number})
        else:
            page = reverse("plans:plan_detail", kwargs={"slug": self.plan_slug})
        return f"{page}#{self.anchor}"


@dataclass(frozen=True)
class SearchResults:
    query: ReaderQuery
    hits: list[Hit] = field(default_factory=list)
    total: int = 0

    @property
    def capped(self) -> bool:
        """Were more sections found than are shown?"""
        return self.total > len(self.hits)


def latest_readable_versions(user) -> QuerySet:
    """The id of the latest published version of every plan this user may read (a subquery)."""
    latest = PlanVersion.objects.filter(plan=OuterRef("pk")).order_by("-major", "-minor").values("pk")[:1]
    return Plan.objects.readable_by(user).annotate(latest=Subquery(latest)).values("latest")


def search_version(
    query: ReaderQuery, version: PlanVersion, *, versioned: bool, limit: int = HIT_LIMIT
) -> SearchResults:
    """Search one published version; hits link to its own page with `versioned`, else to the plan's."""
    return _search(query, [version.pk], versioned=versioned, limit=limit)


def search_readable_plans(query: ReaderQuery, user, *, limit: int = HIT_LIMIT) -> SearchResults:
    """Search the latest version of every plan this user may read."""
    return _search(query, latest_readable_versions(user), versioned=False, limit=limit)


def _search(query: ReaderQuery, versions, *, versioned: bool, limit: int) -> SearchResults:
    if not query.searchable:
        return SearchResults(query=query)
    if connection.vendor == "postgresql":
        rows = _postgres_rows(query, versions, limit)
    else:
        rows = _sqlite_rows(query, versions, limit)
    hits = [
        Hit(
            plan_slug=row["plan_slug"],
            plan_title=row["plan_title"],
            version_number=f"{row['major']}.{row['minor']}",
            number=row["number"],
            anchor=row["anchor"],
            kind=row["kind"],
            title_html=snippet_html(row["title_marked"]),
            snippet_html=snippet_html(row["snippet"]),
            versioned=versioned,
        )
        for row in rows
    ]
    return SearchResults(query=query, hits=hits, total=rows[0]["total"] if rows else 0)


def _postgres_rows(query: ReaderQuery, versions, limit: int) -> list[dict]:
    # websearch_to_tsquery reads the reader's syntax itself ("phrases", -word, or).
    tsquery = SearchQuery(query.text, search_type="websearch", config="english")
    marks = {"start_sel": MARK_START, "stop_sel": MARK_END, "config": "english"}
    return list(
        IndexedSection.objects.filter(version_id__in=versions, search_vector=tsquery)
        .annotate(
            rank=SearchRank(F("search_vector"), tsquery),
            title_marked=SearchHeadline("title", tsquery, highlight_all=True, **marks),
            snippet=SearchHeadline("text", tsquery, max_words=SNIPPET_WORDS, min_words=SNIPPET_WORDS // 2, **marks),
            total=Window(Count("pk")),
            plan_slug=F("plan__slug"),
            major=F("version__major"),
            minor=F("version__minor"),
        )
        .order_by("-rank", "version_id", "position")
        .values(
            "plan_slug", "plan_title", "major", "minor", "number", "anchor", "kind", "title_marked", "snippet", "total"
        )[:limit]
    )


def _sqlite_rows(query: ReaderQuery, versions, limit: int) -> list[dict]:
    if isinstance(versions, QuerySet):
        scope_sql, scope_params = versions.query.sql_with_params()
    else:
        scope_sql, scope_params = ", ".join(["%s"] * len(versions)), list(versions)
    # FTS5's ranking and snippet functions only work in the statement that scans the match, so
    # the hits are ranked and counted first (materialized, so SQLite keeps the steps apart) and
    # only the best `limit` of them get a snippet, in a second scan of the same match.
    fts, rows, plans, versions_table = (
        FTS_TABLE,
        IndexedSection._meta.db_table,
        Plan._meta.db_table,
        PlanVersion._meta.db_table,
    )
    sql = f"""
        WITH ranked AS MATERIALIZED (
            SELECT e.id, e.version_id, e.position, bm25({fts}, %s, 1.0) AS score
            FROM {fts} CROSS JOIN {rows} e ON e.id = {fts}.rowid
            WHERE {fts} MATCH %s AND e.version_id IN ({scope_sql})
        ), best AS MATERIALIZED (
            SELECT id, version_id, position, score, COUNT(*) OVER () AS total
            FROM ranked ORDER BY score, version_id, position LIMIT %s
        )
        SELECT e.number, e.anchor, e.kind, e.plan_title, p.slug AS plan_slug, v.major, v.minor, best.total,
               highlight({fts}, 0, %s, %s) AS title_marked,
               snippet({fts}, 1, %s, %s, ' … ', %s) AS snippet
        FROM best
        CROSS JOIN {fts} ON {fts}.rowid = best.id
        JOIN {rows} e ON e.id = best.id
        JOIN {plans} p ON p.id = e.plan_id
        JOIN {versions_table} v ON v.id = e.version_id
        WHERE {fts} MATCH %s
        ORDER BY best.score, best.version_id, best.position
    """  # noqa: S608 — the only interpolations are table names and Django's own compiled subquery
    expression = query.fts5()
    params = [
        TITLE_WEIGHT,
        expression,
        *scope_params,
        limit,
        MARK_START,
        MARK_END,
        MARK_START,
        MARK_END,
        SNIPPET_WORDS,
        expression,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        columns = [column[0] for column in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def indexed_plan_title(version: PlanVersion) -> str | None:
    """The plan's title as published in `version` (from the index: the snapshot is not loaded)."""
    return (
        IndexedSection.objects.filter(version=version).order_by("position").values_list("plan_title", flat=True).first()
    )
