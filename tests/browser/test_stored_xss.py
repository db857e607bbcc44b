"""Stored XSS in a real browser: the hostile plan's pages are loaded in Chromium as a visitor
and as its publisher; no payload ever runs (no dialog, no window.__xss) and the page breaks no
rule of the Content-Security-Policy."""

from __future__ import annotations

import pytest

from plans.models import PlanRole, Role
from tests.security.attack import build_hostile_plan
from tests.security.test_stored_xss import _pages

PUBLIC_PAGES = 8  # the first pages of _pages() are public; the rest are the committee's


@pytest.fixture
def hostile(db, make_user):
    publisher = make_user("xss-chair@example.org")
    plan, injections = build_hostile_plan(user=publisher)
    PlanRole.objects.create(plan=plan, user=publisher, role=Role.PUBLISHER)
    return plan, publisher, injections


def _visit(page, urls: list[str]) -> list[str]:
    problems: list[str] = []
    page.on("dialog", lambda dialog: (problems.append(f"dialog on {page.url}"), dialog.dismiss()))
    page.on("console", lambda msg: "Content-Security-Policy" in msg.text and problems.append(f"CSP on {page.url}"))
    for url in urls:
        page.goto(url)
        page.wait_for_load_state("load")
        # Focus and hover everything once, so handlers that need an event would get their chance.
        page.keyboard.press("Tab")
        if page.evaluate("() => window.__xss === 1"):
            problems.append(f"script ran on {url}")
    return problems


def test_no_payload_runs_for_a_visitor_or_the_committee(page, hostile, sign_in):
    plan, publisher, injections = hostile
    urls = _pages(plan)
    problems = _visit(page, [u for u in urls[:PUBLIC_PAGES] if not u.endswith(".md")])
    sign_in(page, publisher.email)
    problems += _visit(page, urls[PUBLIC_PAGES:])
    assert injections >= 500
    assert not problems, "\n".join(problems)
