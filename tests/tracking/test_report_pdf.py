"""The annual report as a PDF, and the indicators in a version's PDF: public values only."""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from http import HTTPStatus
from unittest import mock

import pypdf
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from plans.models import Visibility
from plans.pdf import compile_pdf
from tracking.services import measurement_record
from tracking.views import documents as report_views

from .conftest import node

YEAR = timezone.localdate().year - 1
# Values of groups smaller than the threshold (5), their counts, note and source: never printed.
SECRETS = ("77.77", "66.6601", "SECRET-NOTE", "SECRET-SOURCE", "4 of 4")
SECRET_FRACTION = re.compile(r"(?<!Page )\b2 of 3\b")  # the counts of the small group (not "Page 2 of 3")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def figure_alts(pdf: bytes) -> list[str]:
    """The alternative text of every figure in the PDF's structure tree (what a screen reader reads)."""
    found = []

    def walk(item):
        item = item.get_object()
        if isinstance(item, pypdf.generic.DictionaryObject):
            if item.get("/S") == "/Figure":
                found.append(str(item.get("/Alt", "")))
            if "/K" in item:
                walk(item["/K"])
        elif isinstance(item, pypdf.generic.ArrayObject):
            for child in item:
                walk(child)

    walk(pypdf.PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    return found


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
    assert not SECRET_FRACTION.search(text)


def record_sensitive_values(plan, editor) -> None:
    """One visible value and three small groups, dated last year."""
    share = node(plan, "Share of women among postdocs")
    mentored = node(plan, "Postdocs mentored")
    measurement_record(
        indicator=share,
        user=editor,
        period_end=dt.date(YEAR, 6, 30),
        value=Decimal("22.5"),
        numerator=45,
        denominator=200,
    )
    measurement_record(
        indicator=share,
        user=editor,
        period_end=dt.date(YEAR, 12, 31),
        value=Decimal("77.77"),
        numerator=2,
        denominator=3,
        note="SECRET-NOTE",
        source="SECRET-SOURCE",
    )
    measurement_record(
        indicator=share,
        user=editor,
        period_end=dt.date(YEAR, 12, 31),
        value=Decimal("66.6601"),
        numerator=4,
        denominator=4,
        group_size=4,
        breakdown={"career stage": "senior"},
    )
    measurement_record(indicator=mentored, user=editor, period_end=dt.date(YEAR, 12, 31), value=Decimal(3))


@pytest.fixture
def reported_plan(tracked_plan, editor):
    """Version 1.0 published in January of last year, with last year's values recorded."""
    record_sensitive_values(tracked_plan, editor)
    tracked_plan.versions.update(published_at=dt.datetime(YEAR, 1, 15, 12, tzinfo=dt.UTC))
    return tracked_plan


def report_pdf_url(plan, year: int = YEAR) -> str:
    return reverse("tracking:report_pdf", kwargs={"slug": plan.slug, "year": year})


def test_the_report_pdf_has_the_report_pages_content_in_order(client, reported_plan):
    response = client.get(report_pdf_url(reported_plan))
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="tracked-report-{YEAR}.pdf"'
    pages = pages_text(response.content)
    text = "\n".join(pages)
    headings = [
        f"Test plan: report for {YEAR}",
        "Summary",
        "Actions",
        "Indicators against their targets",
        f"Changes to the plan in {YEAR}",
    ]
    positions = [text.index(heading) for heading in headings]
    assert positions == sorted(positions)
    for expected in (f"Progress as it stood on 31 December {YEAR}", "Hold a welcome day", "Overdue", "First version."):
        assert expected in text
    for number, page in enumerate(pages, start=1):
        assert f"Report for {YEAR}, as of 31 December {YEAR}" in page
        assert f"Page {number} of {len(pages)}" in page


def test_small_counts_stay_suppressed_in_the_report_pdf(client, reported_plan):
    pdf = client.get(report_pdf_url(reported_plan)).content
    text = "\n".join(pages_text(pdf))
    assert_no_secret(text)
    assert_no_secret(" ".join(figure_alts(pdf)))
    assert "fewer than 5" in text
    assert "22.5%" in text  # the large group is shown
    assert "45 of 200" in text


def test_the_version_pdf_shows_each_indicators_chart_and_public_values_only(client, tracked_plan, editor):
    record_sensitive_values(tracked_plan, editor)  # all dated before the version's date (today)
    response = client.get(reverse("plans:version_pdf", kwargs={"slug": tracked_plan.slug, "number": "1.0"}))
    assert response.status_code == HTTPStatus.OK
    text = "\n".join(pages_text(response.content))
    assert "Solid line: measured values." in text  # the chart's caption
    assert "Share of women among postdocs: values for everyone (%)" in text
    assert "Share of women among postdocs: values by group" in text
    assert "22.5%" in text
    assert "fewer than 5" in text
    assert_no_secret(text)
    # The chart is a tagged figure whose alternative text describes it.
    alts = figure_alts(response.content)
    assert any("2 measurements from" in alt and "1 value is not shown" in alt for alt in alts)
    assert_no_secret(" ".join(alts))


@pytest.mark.parametrize(
    ("visibility", "signed_in", "expected"),
    [
        (Visibility.PUBLIC, False, HTTPStatus.OK),
        (Visibility.MEMBERS, False, HTTPStatus.NOT_FOUND),
        (Visibility.MEMBERS, True, HTTPStatus.OK),
    ],
)
def test_access_follows_the_report_page(client, make_tracked_plan, make_user, visibility, signed_in, expected):
    plan = make_tracked_plan("access", visibility=visibility)
    if signed_in:
        client.force_login(make_user())
    response = client.get(report_pdf_url(plan, timezone.localdate().year))
    assert response.status_code == expected
    if expected == HTTPStatus.OK and (signed_in or visibility == Visibility.MEMBERS):
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("year", [YEAR - 1, YEAR + 2])
def test_no_report_pdf_before_the_first_version_or_in_the_future(client, reported_plan, year):
    assert client.get(report_pdf_url(reported_plan, year)).status_code == HTTPStatus.NOT_FOUND


def test_an_unpublished_plan_has_no_report_pdf(client, make_tracked_plan):
    plan = make_tracked_plan("draft-only", publish=False)
    assert client.get(report_pdf_url(plan, timezone.localdate().year)).status_code == HTTPStatus.NOT_FOUND


def test_a_matching_etag_gets_304_without_typesetting(client, reported_plan):
    first = client.get(report_pdf_url(reported_plan))
    assert "must-revalidate" in first["Cache-Control"]
    with mock.patch.object(report_views, "compile_pdf", wraps=compile_pdf) as compiler:
        again = client.get(report_pdf_url(reported_plan), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == HTTPStatus.NOT_MODIFIED
    assert compiler.call_count == 0


def test_it_is_typeset_again_only_when_what_it_shows_changes(client, reported_plan, editor):
    with mock.patch.object(report_views, "compile_pdf", wraps=compile_pdf) as compiler:
        first = client.get(report_pdf_url(reported_plan))
        second = client.get(report_pdf_url(reported_plan))
        assert compiler.call_count == 1
        assert first.content == second.content
        measurement_record(
            indicator=node(reported_plan, "Postdocs mentored"),
            user=editor,
            period_end=dt.date(YEAR, 6, 30),
            value=Decimal(12),
        )
        third = client.get(report_pdf_url(reported_plan))
        assert compiler.call_count == 2
    assert third["ETag"] != first["ETag"]
    assert "12 people" in "\n".join(pages_text(third.content))


def test_the_report_page_links_to_its_pdf(client, reported_plan):
    response = client.get(reverse("tracking:report", kwargs={"slug": reported_plan.slug, "year": YEAR}))
    assert f'href="{report_pdf_url(reported_plan)}">Download PDF</a>' in response.text
