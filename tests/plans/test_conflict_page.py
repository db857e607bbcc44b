"""The edit-conflict page shows both texts in full, wrapped, and a diff that marks only what changed."""

from __future__ import annotations

import re
from http import HTTPStatus
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from plans.diff import diff_text
from plans.models import Reference
from plans.services import node_update, reference_update
from tests.conftest import node

PARAGRAPHS = [
    "Our plan starts from the Code of Conduct and the values it names. " * 8,
    "We measure how newcomers are welcomed, mentored and promoted over the years, fairly. " * 8,
    "The committee reports every year to the whole collaboration. " * 8,
]
BODY = "\n\n".join(p.strip() for p in PARAGRAPHS)


@pytest.mark.parametrize("line_ending", ["\n", "\r\n"])
def test_a_one_word_edit_in_a_long_body_is_one_deletion_and_one_insertion(line_ending):
    edited = BODY.replace("fairly", "justly", 1).replace("\n", line_ending)
    html = diff_text(BODY, edited)
    assert html.count("<del>") == 1
    assert html.count("<ins>") == 1
    assert re.search(r"<del>.*fairly</del><ins>.*justly</ins>", html)
    assert "line break" not in html


def test_text_sent_with_crlf_equals_the_same_text_stored_with_lf():
    assert "<ins>" not in diff_text(BODY, BODY.replace("\n", "\r\n"))


def test_the_conflict_page_shows_their_text_and_mine_in_full(editor_client, plan):
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=1, data={"body": BODY}, user=None)
    # My form was opened before their save; the browser sends CRLF line endings.
    mine = BODY.replace("fairly", "justly", 1).replace("\n", "\r\n")
    response = editor_client.post(
        reverse("plans:node_edit", kwargs={"slug": plan.slug, "node_id": intro.pk}),
        {"title": "Introduction", "body": mine, "base_revision": "1"},
    )
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    conflict = response.context["conflict"]
    assert dict(conflict.theirs)["Text"] == BODY
    assert dict(conflict.yours)["Text"] == mine.replace("\r\n", "\n")
    # Both in full, in wrapping blocks (no <pre> that scrolls sideways, no clipped box).
    blocks = re.findall(r'<dd class="diff-text">(.*?)</dd>', html, flags=re.S)
    assert BODY in blocks
    assert mine.replace("\r\n", "\n") in blocks
    assert "<pre" not in html
    # The diff marks the one word, not every line break.
    (body_change,) = [change for change in conflict.changes if change.name == "body"]
    assert body_change.html.count("<del>") == 1
    assert body_change.html.count("<ins>") == 1


def test_the_reference_conflict_uses_the_same_page(editor_client, plan):
    reference = Reference.objects.get(plan=plan)
    reference_update(reference=reference, base_revision=1, data={"text": "Their citation, in full."}, user=None)
    response = editor_client.post(
        reverse("plans:reference_edit", kwargs={"slug": plan.slug, "reference_id": reference.pk}),
        {"label": "1", "text": "My citation, in full.", "url": "", "base_revision": "1"},
    )
    html = response.content.decode()
    assert "someone else changed this reference" in html
    assert '<dd class="diff-text">Their citation, in full.</dd>' in html
    assert '<dd class="diff-text">My citation, in full.</dd>' in html
    assert response.context["form"]["base_revision"].value() == "2"


def test_the_wrapping_style_clips_nothing():
    css = (Path(settings.BASE_DIR) / "static/css/portal.css").read_text()
    rule = re.search(r"\.diff-text\s*\{([^}]*)\}", css).group(1)
    assert "white-space: pre-wrap" in rule
    assert "overflow-wrap: anywhere" in rule
    assert not re.search(r"max-height|overflow:\s*(hidden|auto|scroll)|height:", rule)
