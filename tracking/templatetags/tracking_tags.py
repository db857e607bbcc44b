"""Template helpers of the dashboards."""

from __future__ import annotations

from django import template

from ..section_progress import progress_bar as _progress_bar

register = template.Library()


@register.simple_tag
def progress_bar(percent: int, label: str) -> str:
    """`{% progress_bar row.percent_complete "Progress of 3.1.2 ..." %}`: a named <progress> and its number."""
    return _progress_bar(percent=percent, label=label)
