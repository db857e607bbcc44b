"""Template filters for rendered plan text (already sanitised HTML from plans.markdown)."""

from __future__ import annotations

import itertools
import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .. import hooks
from ..markdown import render_markdown

register = template.Library()

# Tables as plans.markdown renders them: a bare <table> (the sanitiser allows it no attributes).
_TABLE_OPEN = re.compile(r"<table>")


@register.filter
def scroll_tables(html: SafeString | str, name: str = "") -> SafeString:
    """Give each table of rendered Markdown Bootstrap's table style and a box of its own that
    scrolls sideways on a narrow screen: a labelled, focusable region, so a keyboard can scroll it."""
    if "<table>" not in html:
        return mark_safe(html)  # noqa: S308 -- sanitised HTML in, unchanged
    count = itertools.count(1)
    total = html.count("<table>")

    def wrap(_match: re.Match) -> str:
        number = next(count)
        label = f"Table {number}" if total > 1 else "Table"
        if name:
            label += f" in {name}"
        return (
            f'<div class="table-scroll" role="region" aria-label="{escape(label)}" tabindex="0">'
            '<table class="table table-sm table-bordered">'
        )

    wrapped = _TABLE_OPEN.sub(wrap, str(html)).replace("</table>", "</table></div>")
    return mark_safe(wrapped)  # noqa: S308 -- sanitised HTML, with wrappers whose one value is escaped


@register.filter
def markdown(text: str) -> SafeString:
    """Markdown (release notes) as safe HTML, through the one renderer, `plans.markdown.render_markdown`."""
    return render_markdown(text or "")


@register.simple_tag(takes_context=True)
def workspace_panels(context, plan, page: str) -> SafeString:
    """What other apps show on this workspace page (`plans.hooks.register_workspace_panel`)."""
    return hooks.workspace_panels(request=context["request"], plan=plan, page=page)
