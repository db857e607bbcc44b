"""Shared material for the attack tests: stored XSS payloads, a plan full of them, and a checker
that finds anything executable in a page's HTML.

The payloads set `window.__xss` (or open a dialog) if they ever run; the browser test counts
that, the HTML test finds what could run before any browser sees it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from html.parser import HTMLParser

from django.core.exceptions import ValidationError
from django.utils import timezone

from plans.models import ActionStatus, Direction, NodeKind, Plan, Reference, Visibility
from plans.services import node_create, plan_publish, reference_create

MARK = "window.__xss=1"

PAYLOADS = [
    f"<script>{MARK}</script>",
    f"<SCRIPT SRC=data:text/javascript,{MARK}></SCRIPT>",
    f'"><img src=x onerror="{MARK}">',
    f"'><svg onload={MARK}>",
    f"<svg><script>{MARK}</script></svg>",
    f'<iframe srcdoc="<script>{MARK}</script>"></iframe>',
    f'<a href="javascript:{MARK}">link</a>',
    f"[click](javascript:{MARK})",
    f"[click](JaVaScRiPt:{MARK})",
    f"[click](&#106;avascript:{MARK})",
    f"![x](javascript:{MARK})",
    f'![x](x" onerror="{MARK})',
    f"<details open ontoggle={MARK}>",
    f"<body onload={MARK}>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={MARK}>",
    f"</textarea><script>{MARK}</script>",
    f"</title><script>{MARK}</script>",
    f"<style>@import 'javascript:{MARK}';</style>",
    f'<object data="javascript:{MARK}"></object>',
    f'<embed src="data:text/html,<script>{MARK}</script>">',
    f'<form action="javascript:{MARK}"><button>go</button></form>',
    f'<input autofocus onfocus="{MARK}">',
    f"{{{{ {MARK} }}}} {{% now 'Y' %}}",
    f"`<script>{MARK}</script>`",
    "<a href='data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg=='>x</a>",
    f'<meta http-equiv="refresh" content="0;url=javascript:{MARK}">',
    f'<base href="javascript:{MARK}//">',
    f'<div style="background:url(javascript:{MARK})">x</div>',
    f"\u202e<script>{MARK}</script>",
    f"[1]: javascript:{MARK}\n\nSee [1].",
]

URL_PAYLOADS = [f"javascript:{MARK}", f"data:text/html,<script>{MARK}</script>", f"JAVASCRIPT:{MARK}"]


def _text(payload: str, limit: int) -> str:
    return payload[:limit]


def build_hostile_plan(slug: str = "hostile", *, user=None, publish: bool = True) -> tuple[Plan, int]:
    """A public plan whose every text field holds a payload; returns (plan, number of injections)."""
    count = 0
    plan = Plan.objects.create(
        slug=slug,
        title=_text(PAYLOADS[0], 200),
        description=" ".join(PAYLOADS[:5]),
        visibility=Visibility.PUBLIC,
    )
    count += 6
    for index, payload in enumerate(PAYLOADS):
        top = node_create(
            plan=plan,
            parent=None,
            kind=NodeKind.NARRATIVE,
            data={"title": _text(payload, 300), "body": payload + "\n\n" + payload},
            user=user,
        )
        area = node_create(
            plan=plan,
            parent=None,
            kind=NodeKind.AREA,
            data={"title": _text(f"Area {index} {payload}", 300), "body": payload},
            user=user,
        )
        goal = node_create(
            plan=plan, parent=area, kind=NodeKind.GOAL, data={"title": _text(payload, 300), "body": payload}, user=user
        )
        node_create(
            plan=plan,
            parent=goal,
            kind=NodeKind.ACTION,
            data={
                "title": _text(payload, 300),
                "body": payload,
                "owner": _text(payload, 200),
                "leads": _text(payload, 300),
                "status": ActionStatus.IN_PROGRESS,
                "start_date": dt.date(2024, 1, 1),
                "target_date": dt.date(2030, 1, 1),
            },
            user=user,
        )
        node_create(
            plan=plan,
            parent=area,
            kind=NodeKind.INDICATOR,
            data={
                "title": _text(payload, 300),
                "body": payload,
                "unit": _text(payload, 60),
                "direction": Direction.INCREASE,
                "data_source": _text(payload, 300),
                "baseline_value": Decimal(10),
                "baseline_date": dt.date(2024, 1, 1),
                "target_value": Decimal(20),
                "target_date": dt.date(2030, 1, 1),
            },
            user=user,
        )
        node_create(
            plan=plan,
            parent=top,
            kind=NodeKind.DEFINITION,
            data={"title": _text(payload, 300), "body": payload},
            user=user,
        )
        count += 17
        reference_create(
            plan=plan, data={"label": str(index + 1), "text": payload, "url": "https://example.org/x"}, user=user
        )
        count += 1
    for index, url in enumerate(URL_PAYLOADS):
        # A dangerous address is refused outright; the attempt still counts as an injection tried.
        try:
            reference_create(plan=plan, data={"label": f"u{index}", "text": "x", "url": url}, user=user)
        except ValidationError:
            count += 1
        else:
            raise AssertionError(f"A reference address {url!r} was accepted")
    if publish:
        plan_publish(plan=plan, user=user, notes="\n".join(PAYLOADS))
        count += len(PAYLOADS)
    return plan, count


def reference_labels(plan: Plan) -> set[str]:
    return set(Reference.objects.filter(plan=plan).values_list("label", flat=True))


class ExecutableFinder(HTMLParser):
    """Collects everything in a page that a browser could execute: script elements that are not
    the portal's own static files, event-handler attributes, javascript:/data: URLs, and
    elements that load or run other documents."""

    DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "meta", "form"}
    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcdoc"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            src = attributes.get("src") or ""
            if not src.startswith("/static/"):
                self.problems.append(f"<script src={src!r}>")
        if tag in {"iframe", "object", "embed", "base"}:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attributes:
            self.problems.append("<meta http-equiv>")
        if tag == "form" and (attributes.get("action") or "").lower().startswith(("javascript", "data")):
            self.problems.append("<form action=javascript:>")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in self.URL_ATTRIBUTES and value:
                cleaned = "".join(value.split()).lower()
                if cleaned.startswith(("javascript:", "vbscript:", "data:text/html", "data:text/javascript")):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}>")
            if name == "style" and value and "javascript:" in value.lower():
                self.problems.append(f"<{tag} style=javascript:>")

    def handle_data(self, data: str) -> None:
        pass


def executable_parts(html: str) -> list[str]:
    """Everything executable in `html` that the portal did not put there itself."""
    finder = ExecutableFinder()
    finder.feed(html)
    finder.close()
    return finder.problems


def today() -> dt.date:
    return timezone.localdate()
