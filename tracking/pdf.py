"""Tracking's part of the PDF documents, built from plans.pdf's blocks.

- Each indicator of a version's PDF gets its chart and tables of public values
  (`version_pdf_sections`, registered in TrackingConfig.ready).
- The annual report as a document (`report_source`): the same content as the report page.

Values come only from the selectors, which go through the suppression rule: a small
group's value is never handed to this module, so it cannot be printed.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from plans.models import PlanVersion
from plans.pdf import (
    Markup,
    absolute_url,
    chart,
    document,
    facts,
    heading,
    join,
    link,
    long_date,
    markup,
    paragraph,
    plain_text,
    small_note,
    table,
)

from .charts import chart_description, indicator_chart
from .selectors import STATES, AnnualReport, IndicatorRow, indicator_rows

CHART_CAPTION = (
    "Solid line: measured values. Dashed line: the target. Hollow square: the baseline. "
    "Hollow diamond on the axis: a value not shown, to protect the privacy of a small group."
)
NONE = "—"


def short_date(day: dt.date | None) -> str:
    """1 Nov 2025, as the report page writes dates; a dash for none."""
    return f"{day.day} {day:%b %Y}" if day else NONE


def suppression_note(threshold: int) -> str:
    return (
        f"A value about a group of fewer than {threshold} people is not shown: it reads “fewer than {threshold}”. "
        "A value that would let a reader work out such a value by subtraction reads “not shown”."
    )


def _latest(row: IndicatorRow) -> str:
    latest = row.latest
    if latest is not None:
        text = f"{latest.display} ({latest.period_label})"
        return text + (", target reached" if row.target_met else "")
    if row.breakdowns:
        return "No value for everyone yet; see the values by group below"
    return "No measurement yet"


def _trend(row: IndicatorRow) -> str:
    trend = row.trend
    if trend is None:
        return "Not enough published values to show a trend"
    return trend.label + (f" ({trend.verdict})" if trend.verdict else "")


def indicator_blocks(row: IndicatorRow, *, definition_facts: bool) -> list[Markup]:
    """An indicator's facts, chart and tables of public values, as on its dashboard.

    `definition_facts` adds unit, aim, baseline, target and data source (a version's PDF
    already shows those from the snapshot, under the section heading).
    """
    pairs: list[tuple[str, str]] = []
    if definition_facts:
        baseline = row.baseline_display + (f" ({short_date(row.baseline_date)})" if row.baseline_date else "")
        target = row.target_display + (f" by {short_date(row.target_date)}" if row.target_date else "")
        pairs += [
            ("Unit", row.unit),
            ("Aim", row.direction_label),
            ("Baseline", baseline if row.baseline_value is not None else "Not set"),
            ("Target", target if row.target_value is not None else "Not set"),
        ]
    pairs += [("Latest value", _latest(row)), ("Trend", _trend(row))]
    if definition_facts:
        pairs.append(("Data source", row.data_source))
    blocks = [facts(pairs)]
    svg = indicator_chart(row)
    if svg:
        blocks.append(chart(str(svg), alt=chart_description(row), caption=CHART_CAPTION))
    if row.series:
        unit = f" ({row.unit})" if row.unit else ""
        blocks.append(
            table(
                caption=f"{row.title}: values for everyone{unit}",
                header=["Date or period", "Value", "Of", "Source"],
                rows=[[m.period_label, m.display, m.fraction or NONE, m.source or NONE] for m in row.series],
            )
        )
    if row.breakdowns:
        blocks.append(
            table(
                caption=f"{row.title}: values by group",
                header=["Date or period", "Group", "Value", "Of"],
                rows=[[m.period_label, m.breakdown_label, m.display, m.fraction or NONE] for m in row.breakdowns],
            )
        )
    if not row.measurements and not svg:
        blocks.append(paragraph("No measurements published yet."))
    return blocks


def version_pdf_sections(*, version: PlanVersion, as_of: dt.date) -> dict[int, list[Markup]]:
    """For a version's PDF: each indicator's public values as of the version's publication date."""
    rows = indicator_rows(plan=version.plan, version=version, as_of=as_of)
    threshold = version.plan.small_count_threshold
    extras = {}
    for row in rows:
        note = small_note(
            f"Values recorded up to {long_date(as_of)}, the date of this version. " + suppression_note(threshold)
        )
        extras[row.id] = join([note, *indicator_blocks(row, definition_facts=False)])
    return extras


def _counts_table(report: AnnualReport) -> Markup:
    states = list(STATES.values())

    def cells(counts) -> list[str]:
        return [str(count) for count in counts.counts] + [str(counts.total)]

    rows = [
        [f"{counts.area.number} {counts.area.title}" if counts.area else "Outside any area", *cells(counts)]
        for counts in report.area_counts
    ]
    rows.append(["All areas", *cells(report.total_counts)])
    return table(
        caption="Number of actions by area and status at the end of the period.",
        header=["Area", *(state.label for state in states), "All"],
        rows=rows,
        widths=["1fr", *(["auto"] * (len(states) + 1))],
        align=["left", *(["right"] * (len(states) + 1))],
    )


def _actions_table(report: AnnualReport) -> Markup:
    rows = []
    for row in report.rows:
        title = markup(row.title)
        if row.area:
            title = Markup(f"{title}#linebreak()#text(size: 0.9em, fill: muted)[{markup(row.area.title)}]")
        update = "No update"
        if row.updated_on:
            update = short_date(row.updated_on) + (f": {row.note}" if row.note else "")
        progress = f"{row.percent_complete}%" if row.percent_complete is not None else NONE
        rows.append(
            [row.number, title, row.owner or NONE, row.state.label, short_date(row.target_date), progress, update]
        )
    return table(
        caption="Every action with its status at the end of the period.",
        header=["Section", "Action", "Owner", "Status", "Target date", "Progress", "Last update"],
        rows=rows,
        widths=["auto", "1.4fr", "1fr", "auto", "auto", "auto", "1.4fr"],
    )


def _indicators_table(report: AnnualReport) -> Markup:
    rows = []
    for row in report.indicators:
        latest = row.latest
        value = f"{latest.display} ({latest.period_label})" if latest else "No measurement"
        target = (row.target_display or NONE) + (f" by {short_date(row.target_date)}" if row.target_date else "")
        met = NONE if row.target_met is None else ("Yes" if row.target_met else "Not yet")
        rows.append([row.number, row.title, row.baseline_display or NONE, value, target, met])
    return table(
        caption="Each indicator's value at the end of the period, with its baseline and target.",
        header=["Section", "Indicator", "Baseline", "Value", "Target", "Target reached?"],
        rows=rows,
        widths=["auto", "1.5fr", "auto", "1fr", "1fr", "auto"],
    )


def _version_entry(version: PlanVersion) -> Markup:
    slug = version.plan.slug
    by = version.published_by.get_full_name() if version.published_by else ""
    published = f", published {long_date(timezone.localdate(version.published_at))}" + (f" by {by}" if by else "")
    line = Markup(
        f"{link(absolute_url(version.get_absolute_url()), f'Version {version.number}')}{markup(published + '.')}"
    )
    parts = [paragraph(line), plain_text(version.notes)]
    if version.previous:
        compare = reverse("plans:compare", args=[slug, version.previous.number, version.number])
        parts.append(paragraph(link(absolute_url(compare), f"What changed since version {version.previous.number}")))
    return join(parts)


def report_source(report: AnnualReport) -> str:
    """The annual report as a Typst document: the same content as the report page."""
    title = f"{report.version.snapshot['plan']['title']}: report for {report.year}"
    if report.complete:
        when = f"Progress as it stood on 31 December {report.year}"
    else:
        when = f"The year so far: progress as of {long_date(report.as_of)}"
    version_link = link(absolute_url(report.version.get_absolute_url()), f"version {report.version.number}")
    lead = paragraph(
        Markup(f"{markup(when + ', for the actions and indicators of ')}{version_link}{markup(' of the plan.')}")
    )
    body = [
        Markup(f"#title-block(lead: [{lead}])"),
        heading("Summary", level=1),
        _counts_table(report),
        heading("Actions", level=1),
        _actions_table(report) if report.rows else paragraph("This version of the plan has no actions."),
        heading("Indicators against their targets", level=1),
        paragraph(suppression_note(report.threshold)),
    ]
    if report.indicators:
        body.append(_indicators_table(report))
        for row in report.indicators:
            body.append(heading(f"{row.number} {row.title}", level=2))
            body.extend(indicator_blocks(row, definition_facts=True))
    else:
        body.append(paragraph("This version of the plan has no indicators."))
    body.append(heading(f"Changes to the plan in {report.year}", level=1))
    if report.versions:
        body.extend(_version_entry(version) for version in report.versions)
    else:
        body.append(paragraph(f"No new version of the plan was published in {report.year}."))
    return document(
        title=title,
        header=title,
        footer=f"Report for {report.year}, as of {long_date(report.as_of)}",
        day=report.as_of,
        body=body,
    )
