"""“What we heard”: the version published after a consultation links to its summary."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse

from consultations.models import AnswerStatus, Kind
from consultations.services import comment_answer, comment_hide, comment_post, comment_support, consultation_close
from plans.services import plan_publish
from plans.services.edits import node_update
from tests.conftest import node


def _edit(plan, body: str) -> None:
    equity = node(plan, "Equity")
    node_update(node=equity, base_revision=equity.revision, data={"body": body}, user=None)


def test_version_after_a_consultation_links_to_what_we_heard(public_setting):
    plan, people, consultation = public_setting
    intro = node(plan, "Introduction")
    kept = comment_post(consultation=consultation, user=people.collaborator, section_id=intro.pk, body="Keep this.")
    comment_support(comment=kept, user=people.other)
    amendment = comment_post(
        consultation=consultation,
        user=people.other,
        section_id=intro.pk,
        kind=Kind.AMENDMENT,
        body="Shorter.",
        proposed_text="Short.",
        anonymous=True,
    )
    rude = comment_post(consultation=consultation, user=people.other, section_id=intro.pk, body="Rude.")
    comment_answer(comment=kept, user=people.editor, status=AnswerStatus.ACCEPTED, reason="Kept as it is.")
    comment_answer(comment=amendment, user=people.editor, status=AnswerStatus.NOT_TAKEN_UP, reason="Too short.")
    comment_hide(comment=rude, user=people.editor, reason="Not respectful.")
    # Published while the consultation is open: that version does not claim to follow it.
    _edit(plan, "First change.")
    plan_publish(plan=plan, user=people.publisher, notes="Before the end.")
    assert Client().get(reverse("consultations:heard", args=[plan.slug, "1.1"])).status_code == HTTPStatus.FOUND
    consultation_close(consultation=consultation, user=people.publisher)
    _edit(plan, "Second change.")
    version = plan_publish(plan=plan, user=people.publisher, notes="After the consultation.", major=True)
    consultation.refresh_from_db()
    assert consultation.version_id == version.pk

    page = Client().get(reverse("plans:version_detail", args=[plan.slug, version.number])).content.decode()
    heard_url = reverse("consultations:heard", args=[plan.slug, version.number])
    assert heard_url in page
    text = Client().get(heard_url).content.decode()
    assert "2 comments, 1 suggested amendment" in text
    assert "1 support." in text
    assert "Accepted: 1; partly accepted: 0; not taken up: 1" in text
    assert "hidden by the committee: 1" in text
    assert "Kept as it is." in text
    assert "Too short." in text
    assert "Rude." not in text
    for person in (people.collaborator, people.other):
        assert person.display_name not in text


@pytest.mark.parametrize("number", ["1.0", "9.9", "not-a-version"])
def test_a_version_without_a_consultation(public_setting, number):
    plan, _people, _consultation = public_setting
    response = Client().get(reverse("consultations:heard", args=[plan.slug, number]))
    if number == "1.0":
        assert response.status_code == HTTPStatus.FOUND
        assert response["Location"] == reverse("plans:version_detail", args=[plan.slug, "1.0"])
    else:
        assert response.status_code == HTTPStatus.NOT_FOUND


def test_after_the_next_version_the_consultation_shows_what_the_committee_changed(public_setting):
    plan, people, consultation = public_setting
    client = Client()
    client.force_login(people.collaborator)
    url = reverse("consultations:consultation", args=[plan.slug])
    assert "What would change compared with version 1.0" in client.get(url).content.decode()
    consultation_close(consultation=consultation, user=people.publisher)
    _edit(plan, "Changed after hearing the collaboration.")
    version = plan_publish(plan=plan, user=people.publisher, notes="After the consultation.", major=True)
    page = client.get(url).content.decode()
    assert f"What changed between this draft and version {version.number}" in page
    assert "hearing" in page  # the word-level diff of the edit made after the consultation
