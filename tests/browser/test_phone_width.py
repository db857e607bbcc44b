"""Every page fits a 390 px phone screen: nothing wider than the screen, wide tables scroll in their own box.

One pass over every public page type and the committee's main workspace pages, on the demo
plan, in a 390 px wide window; each page is checked with axe-core too.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.demo import demo_load
from consultations.models import AnswerStatus, Kind
from consultations.reviews import review_ask, review_decide
from consultations.services import comment_answer, comment_post, consultation_close, consultation_open
from consultations.sharing import share_link_create, share_url
from plans.models import Node
from plans.services import plan_publish
from tracking.demo import demo_tracking_load

PHONE = {"width": 390, "height": 844}
PASSWORD = "a-long-demo-password"

# Elements sticking out past the right edge of the screen, to say what to fix.
WIDE_ELEMENTS = """
() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const element of document.querySelectorAll("body *")) {
    const box = element.getBoundingClientRect();
    if (box.right > width + 0.5 && box.width > 0) {
      let inScrollBox = false;
      for (let parent = element.parentElement; parent; parent = parent.parentElement) {
        const style = getComputedStyle(parent);
        if (style.overflowX === "auto" || style.overflowX === "scroll" || style.overflowX === "hidden") {
          // Absolutely placed text escapes a scroll box that is not its containing block.
          if (getComputedStyle(element).position === "absolute" && style.position === "static") continue;
          inScrollBox = true;
          break;
        }
      }
      if (!inScrollBox) {
        const classes = element.className ? "." + String(element.className).split(" ").join(".") : "";
        found.push(element.tagName.toLowerCase() + classes + " right=" + Math.round(box.right));
      }
    }
  }
  return found.slice(0, 8);
}
"""


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _check(page, url: str, check_accessibility, problems: list[str]) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = PHONE["width"]  # not window.innerWidth: a phone browser widens it to fit what overflows
    if width > viewport:
        problems.append(f"{url}: {width} px wide in a {viewport} px window; {page.evaluate(WIDE_ELEMENTS)}")
    # Every sideways scroll box is a named region a keyboard can reach.
    unnamed = page.evaluate(
        """() => Array.from(document.querySelectorAll('.table-scroll')).filter(
             box => !(box.getAttribute('role') === 'region' && box.getAttribute('aria-label')
                      && box.tabIndex === 0)).length"""
    )
    if unnamed:
        problems.append(f"{url}: {unnamed} scroll box(es) without a name or keyboard focus")
    check_accessibility(page)


def test_every_page_fits_a_phone(phone, sign_in, check_accessibility):
    demo = demo_load(password=PASSWORD)
    plan = demo.plan
    assert demo_tracking_load(plan=plan, user=demo.users["editor@example.org"])
    slug = plan.slug
    action = Node.objects.live().get(plan=plan, title="Pair every new member with an onboarding buddy")
    problems: list[str] = []

    # The committee's pages, while the draft still has unpublished changes.
    sign_in(phone, "publisher@example.org", PASSWORD)
    for url in (
        f"/plans/{slug}/edit/",
        f"/plans/{slug}/edit/n/{action.pk}/",
        f"/plans/{slug}/edit/n/{action.pk}/history/",
        f"/plans/{slug}/edit/recent/",
        f"/plans/{slug}/edit/changes/",
        f"/plans/{slug}/edit/publish/",
        f"/plans/{slug}/edit/references/",
        f"/plans/{slug}/edit/progress/",
        f"/plans/{slug}/edit/measurements/",
    ):
        _check(phone, url, check_accessibility, problems)
    phone.context.clear_cookies()

    # A second version, so that there is something to compare; then the public pages, as a visitor.
    plan_publish(plan=plan, user=demo.users["publisher@example.org"], notes="The draft's edits since 1.0.")
    year = timezone.localdate().year
    for url in (
        "/",
        f"/plans/{slug}/",
        f"/plans/{slug}/v/1.0/",
        f"/plans/{slug}/versions/",
        f"/plans/{slug}/compare/1.0/1.1/",
        f"/plans/{slug}/actions/",
        f"/plans/{slug}/actions/?as_of={(timezone.localdate() - dt.timedelta(days=400)).isoformat()}",
        f"/plans/{slug}/indicators/",
        f"/plans/{slug}/reports/",
        f"/plans/{slug}/reports/{year}/",
        "/accounts/login/",
    ):
        _check(phone, url, check_accessibility, problems)

    assert not problems, "Pages wider than a phone:\n" + "\n".join(problems)


def test_consultation_and_review_pages_fit_a_phone(phone, sign_in, check_accessibility):
    demo = demo_load(password=PASSWORD)
    plan, slug = demo.plan, demo.plan.slug
    chair, editor, reader = (demo.users[f"{who}@example.org"] for who in ("publisher", "editor", "reader"))
    consultation = consultation_open(
        plan=plan, user=chair, label="2.0 draft for consultation", closes_at=timezone.now() + dt.timedelta(days=7)
    )
    sections = consultation.sections()
    comment = comment_post(consultation=consultation, user=reader, section_id=sections[0]["id"], body="A question.")
    amendment = comment_post(
        consultation=consultation,
        user=reader,
        section_id=sections[5]["id"],
        kind=Kind.AMENDMENT,
        body="Plainer.",
        proposed_text="A much plainer wording of this section, " * 8,
        anonymous=True,
    )
    comment_answer(comment=comment, user=editor, status=AnswerStatus.PARTLY, reason="In part.")
    link = share_link_create(plan=plan, user=chair, label="External reviewer: funding agency", allow_comments=True)
    review_decide(request=review_ask(plan=plan, user=editor), user=chair, approve=False, comment="Shorten 2.")
    problems: list[str] = []

    sign_in(phone, "publisher@example.org", PASSWORD)
    for url in (
        f"/plans/{slug}/edit/consultation/",
        f"/plans/{slug}/edit/consultation/items/{amendment.pk}/",
        f"/plans/{slug}/edit/consultation/open/",
        f"/plans/{slug}/edit/share/",
        f"/plans/{slug}/edit/review/",
        f"/plans/{slug}/consultation/",
    ):
        _check(phone, url, check_accessibility, problems)
    phone.context.clear_cookies()
    _check(phone, share_url(link), check_accessibility, problems)
    consultation_close(consultation=consultation, user=chair)
    version = plan_publish(plan=plan, user=chair, notes="After the consultation.")
    _check(phone, f"/plans/{slug}/v/{version.number}/what-we-heard/", check_accessibility, problems)

    assert not problems, "Pages wider than a phone:\n" + "\n".join(problems)
