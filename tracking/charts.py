"""Server-rendered SVG line charts: no JavaScript, readable by screen readers, printable.

A chart only ever receives public measurements (see suppression.py): a suppressed point
has no value, so it is drawn as a marker on the axis, never at its height.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .selectors import IndicatorRow
from .suppression import format_number, with_unit

WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 116, 16, 44
INK, LINE, TARGET, GRID, MUTED = "#212529", "#0a3d91", "#842029", "#dee2e6", "#495057"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]: 0, 10, 20, ... rather than 0, 13.7, 27.4."""
    if high <= low:
        high = low + 1
    raw_step = (high - low) / max(count - 1, 1)
    magnitude = 10 ** math.floor(math.log10(raw_step))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw_step)
    start = math.floor(low / step) * step
    ticks = []
    value = start
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
        if len(ticks) > 12:
            break
    if len(ticks) < 2:
        ticks.append(start + step)
    return ticks


def _tick_label(value: float) -> str:
    return format_number(Decimal(str(value)).normalize()) if value != int(value) else str(int(value))


def _date_label(day: dt.date) -> str:
    return day.strftime("%b %Y")


def indicator_chart(row: IndicatorRow) -> SafeString:
    """An SVG line chart of the indicator's overall series, with its target line; "" if there is no data."""
    series = row.series
    points = [(m.period_end, float(m.value) if not m.suppressed else None) for m in series]
    baseline = (
        (row.baseline_date, float(row.baseline_value))
        if row.baseline_date is not None and row.baseline_value is not None
        else None
    )
    target = float(row.target_value) if row.target_value is not None else None
    if not points and baseline is None:
        return mark_safe("")
    chart_id = f"chart-{row.id}"

    values = [v for _, v in points if v is not None]
    values += [target] if target is not None else []
    values += [baseline[1]] if baseline else []
    ticks = nice_ticks(min([0.0, *values]), max(values) if values else 1.0)
    y_low, y_high = ticks[0], ticks[-1]

    dates = [d for d, _ in points] + ([baseline[0]] if baseline else [])
    d_low, d_high = min(dates).toordinal(), max(dates).toordinal()
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: dt.date) -> float:
        if d_high == d_low:
            return round(LEFT + plot_w / 2, 1)
        return round(LEFT + (day.toordinal() - d_low) / (d_high - d_low) * plot_w, 1)

    def y(value: float) -> float:
        return round(TOP + plot_h - (value - y_low) / (y_high - y_low) * plot_h, 1)

    parts: list[str] = []
    # Grid and y axis labels
    for tick in ticks:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>'
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle" fill="{}">{}</text>',
                LEFT,
                LEFT + plot_w,
                y(tick),
                y(tick),
                GRID,
                LEFT - 8,
                y(tick),
                INK,
                _tick_label(tick),
            )
        )
    parts.append(
        format_html(
            '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            LEFT,
            LEFT + plot_w,
            TOP + plot_h,
            TOP + plot_h,
            MUTED,
        )
    )
    # x axis labels: every date when few, otherwise the first, last and a few between.
    unique_dates = sorted(set(dates))
    if len(unique_dates) > 6:
        step = (len(unique_dates) - 1) / 4
        unique_dates = sorted({unique_dates[round(i * step)] for i in range(5)})
    for day in unique_dates:
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text>',
                x(day),
                TOP + plot_h + 20,
                INK,
                _date_label(day),
            )
        )
    # Target line: dashed, and labelled in words (never told by colour alone).
    if target is not None:
        parts.append(
            format_html(
                '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="8 5"/>'
                '<text x="{}" y="{}" dominant-baseline="middle" fill="{}">Target {}</text>',
                LEFT,
                LEFT + plot_w,
                y(target),
                y(target),
                TARGET,
                LEFT + plot_w + 6,
                y(target),
                TARGET,
                with_unit(format_number(row.target_value), row.unit),
            )
        )
    # Baseline: a hollow square.
    if baseline is not None:
        bx, by = x(baseline[0]), y(baseline[1])
        parts.append(
            format_html(
                '<rect x="{}" y="{}" width="9" height="9" fill="#fff" stroke="{}" stroke-width="2">'
                "<title>Baseline, {}: {}</title></rect>",
                round(bx - 4.5, 1),
                round(by - 4.5, 1),
                MUTED,
                baseline[0].isoformat(),
                row.baseline_display,
            )
        )
    # The measured line, broken where a value is not shown.
    segments: list[list[tuple[float, float]]] = [[]]
    for day, value in points:
        if value is None:
            segments.append([])
        else:
            segments[-1].append((x(day), y(value)))
    for segment in segments:
        if len(segment) > 1:
            path = " ".join(f"{'M' if i == 0 else 'L'}{px:.1f},{py:.1f}" for i, (px, py) in enumerate(segment))
            parts.append(format_html('<path d="{}" fill="none" stroke="{}" stroke-width="2.5"/>', path, LINE))
    for measurement in series:
        if measurement.suppressed:
            parts.append(
                format_html(
                    '<path d="M{},{} l5,5 l-5,5 l-5,-5 z" fill="#fff" stroke="{}" stroke-width="1.5">'
                    "<title>{}: {}</title></path>",
                    x(measurement.period_end),
                    TOP + plot_h - 5,
                    MUTED,
                    measurement.period_label,
                    measurement.display,
                )
            )
        else:
            parts.append(
                format_html(
                    '<circle cx="{}" cy="{}" r="4.5" fill="{}"><title>{}: {}</title></circle>',
                    x(measurement.period_end),
                    y(float(measurement.value)),
                    LINE,
                    measurement.period_label,
                    measurement.display,
                )
            )

    description = chart_description(row)
    svg = format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="indicator-chart" viewBox="0 0 {} {}" role="img" '
        'aria-labelledby="{}-title {}-desc" font-family="system-ui, sans-serif" font-size="12">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        f"Chart: {row.title}",
        chart_id,
        description,
        mark_safe("".join(parts)),  # noqa: S308 - every part was built with format_html
    )
    return svg


def chart_description(row: IndicatorRow) -> str:
    """The chart in words: its alternative text, for screen readers and the PDF."""
    series = row.series
    sentences = []
    if series:
        sentences.append(
            f"{len(series)} measurement{'s' if len(series) != 1 else ''} "
            f"from {series[0].period_end.isoformat()} to {series[-1].period_end.isoformat()}."
        )
        latest = series[-1]
        sentences.append(f"Latest: {latest.display} on {latest.period_end.isoformat()}.")
        hidden = sum(1 for m in series if m.suppressed)
        if hidden:
            sentences.append(
                f"{hidden} value{'s are' if hidden != 1 else ' is'} not shown, to protect the privacy of small groups."
            )
    else:
        sentences.append("No measurements yet.")
    if row.baseline_hidden:
        sentences.append(f"Baseline: {row.baseline_display}.")
    if row.target_hidden:
        sentences.append(f"Target: {row.target_display}.")
    if row.baseline_value is not None:
        sentences.append(
            f"Baseline: {row.baseline_display}" + (f" on {row.baseline_date}." if row.baseline_date else ".")
        )
    if row.target_value is not None:
        sentences.append(
            f"Target (dashed line): {row.target_display}" + (f" by {row.target_date}." if row.target_date else ".")
        )
    return " ".join(sentences)
