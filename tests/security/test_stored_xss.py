"""Stored XSS: every text field of a plan holds a payload; no page the portal serves contains
anything executable that the portal did not write itself. (The browser test loads the same
pages in Chromium and counts executions.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

import consultations.services as consultation_services
from consultations.models import AnswerStatus, Kind
from consultations.reviews import review_ask, review_decide
from consultations.services import comment_answer, comment_hide, comment_post, consultation_close, consultation_open
from consultations.sharing import share_link_create, share_url
from plans.models import Node, NodeKind, Role
from plans.services import plan_publish
from plans.services.edits import node_update
from tests.conftest import node
from tests.security.attack import PAYLOADS, build_hostile_plan, executable_parts


@pytest.fixture
def hostile(db, make_user):
    editor = make_user("xss-editor@example.org")
    plan, injections = build_hostile_plan(user=editor)
    from plans.models import PlanRole

    PlanRole.objects.create(plan=plan, user=editor, role=Role.PUBLISHER)
    return plan, editor, injections


def _pages(plan) -> list[str]:
    slug = {"slug": plan.slug}
    node = Node.objects.filter(plan=plan, kind=NodeKind.ACTION).first()
    indicator = Node.objects.filter(plan=plan, kind=NodeKind.INDICATOR).first()
    pages = [
        "/",
        reverse("plans:plan_detail", kwargs=slug),
        reverse("plans:version_detail", kwargs={**slug, "number": "1.0"}),
        reverse("plans:version_list", kwargs=slug),
        reverse("plans:version_markdown", kwargs={**slug, "number": "1.0"}),
        reverse("tracking:actions", kwargs=slug),
        reverse("tracking:indicators", kwargs=slug),
        reverse("tracking:report_list", kwargs=slug),
        reverse("plans:workspace", kwargs=slug),
        reverse("plans:unpublished_changes", kwargs=slug),
        reverse("plans:recent_changes", kwargs=slug),
        reverse("plans:workspace_references", kwargs=slug),
        reverse("plans:workspace_publish", kwargs=slug),
        reverse("plans:node_edit", kwargs={**slug, "node_id": node.pk}),
        reverse("plans:node_history", kwargs={**slug, "node_id": node.pk}),
        reverse("tracking:progress_list", kwargs=slug),
        reverse("tracking:measurement_list", kwargs=slug),
        reverse("tracking:measurement_record", kwargs={**slug, "node_id": indicator.pk}),
    ]
    return pages


def test_no_page_contains_anything_executable(client, hostile):
    plan, editor, injections = hostile
    assert injections >= 500
    client.force_login(editor)
    problems = []
    for url in _pages(plan):
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"].startswith("text/html"):
            problems += [f"{url}: {part}" for part in executable_parts(response.content.decode())]
    assert not problems, "\n".join(problems[:40])


def test_the_checker_finds_what_it_looks_for():
    # The checker itself can fail: raw payloads are full of executable parts.
    assert len(executable_parts("".join(PAYLOADS))) >= 15
    assert executable_parts('<script src="/static/js/toc.js"></script><a href="/x">x</a>') == []


def test_consultation_and_review_pages_contain_nothing_executable(client, make_plan, make_user, monkeypatch):
    """Every text a consultation stores (labels, comments, amendments, replies, answers, reasons,
    a review link's label, a review request's note and comment) holds a payload."""
    monkeypatch.setattr(consultation_services, "COMMENT_RATE_LIMIT", 10_000)
    plan = make_plan("hostile-consultation", title="Consulted plan")
    plan_publish(plan=plan, user=None, notes="First.")
    editor = make_user("x-editor@example.org", name=PAYLOADS[1][:100], plan=plan, role=Role.EDITOR)
    chair = make_user("x-chair@example.org", name=PAYLOADS[2][:100], plan=plan, role=Role.PUBLISHER)
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=intro.revision, data={"body": PAYLOADS[3]}, user=editor)
    consultation = consultation_open(
        plan=plan, user=chair, label=PAYLOADS[0][:100], closes_at=timezone.now() + dt.timedelta(days=3)
    )
    link = share_link_create(plan=plan, user=chair, label=PAYLOADS[4][:100], allow_comments=True)
    injections = 2
    for index, payload in enumerate(PAYLOADS):
        text = payload[:4000]
        comment = comment_post(consultation=consultation, user=editor, section_id=intro.pk, body=text)
        comment_post(consultation=consultation, user=chair, section_id=intro.pk, body=text, parent=comment)
        amendment = comment_post(
            consultation=consultation,
            user=editor,
            section_id=intro.pk,
            body=text,
            kind=Kind.AMENDMENT,
            proposed_text=f"{payload} {index}",
            anonymous=True,
        )
        comment_post(consultation=consultation, link=link, section_id=intro.pk, body=text)
        comment_answer(comment=comment, user=editor, status=AnswerStatus.PARTLY, reason=text[:2000])
        comment_hide(comment=amendment, user=editor, reason=text[:2000])
        injections += 7
    review = review_ask(plan=plan, user=editor, note=PAYLOADS[5][:2000])
    review_decide(request=review, user=chair, approve=False, comment=PAYLOADS[6][:2000])
    injections += 2
    slug = {"slug": plan.slug}
    item = consultation.comments.filter(parent=None).first()
    committee_pages = [
        reverse("consultations:committee", kwargs=slug),
        reverse("consultations:item", kwargs={**slug, "comment_id": item.pk}),
        reverse("consultations:share", kwargs=slug),
        reverse("consultations:review_request", kwargs=slug),
        reverse("plans:workspace", kwargs=slug),
        reverse("plans:workspace_publish", kwargs=slug),
    ]
    problems = []

    def check(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, url
        problems.extend(f"{url}: {part}" for part in executable_parts(response.content.decode()))

    client.force_login(chair)
    for url in committee_pages:
        check(url)
    check(reverse("consultations:consultation", kwargs=slug))
    client.logout()
    check(share_url(link))
    consultation_close(consultation=consultation, user=chair)
    version = plan_publish(plan=plan, user=chair, notes="After the consultation.")
    check(reverse("consultations:heard", kwargs={**slug, "number": version.number}))
    assert injections >= 200
    assert not problems, "\n".join(problems[:40])
