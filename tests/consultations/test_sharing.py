"""Share links: publishers only; signed, counted, revocable, expiring; forged or altered tokens never work."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditLogEntry
from consultations.models import ShareLink
from consultations.services import ConsultationError
from consultations.sharing import share_link_create, share_link_revoke, share_url
from plans.services.edits import node_update
from tests.conftest import node

ROLES = ["visitor", "collaborator", "editor", "publisher", "admin", "other_editor"]


def _client(people, role):
    client = Client()
    if role != "visitor":
        client.force_login(getattr(people, role))
    return client


@pytest.mark.parametrize("role", ROLES)
def test_share_page_is_for_publishers(setting, role):
    plan, people, _consultation = setting
    client = _client(people, role)
    url = reverse("consultations:share", args=[plan.slug])
    response = client.get(url)
    posted = client.post(url, {"label": "External reviewer: funding agency"})
    made = ShareLink.objects.filter(plan=plan).exists()
    if role == "publisher":
        assert response.status_code == HTTPStatus.OK
        assert posted.status_code == HTTPStatus.OK
        assert made
        assert "/review/" in posted.content.decode()
    else:
        expected = {HTTPStatus.FOUND} if role == "visitor" else {HTTPStatus.FORBIDDEN}
        assert response.status_code in expected
        assert not made


def test_a_link_shows_the_frozen_draft_and_counts_its_uses(public_setting):
    plan, people, _consultation = public_setting
    link = share_link_create(plan=plan, user=people.publisher, label="External reviewer: funding agency")
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=intro.revision, data={"body": "Written after sharing."}, user=None)
    url = share_url(link)
    for _ in range(2):
        response = Client().get(url)
        assert response.status_code == HTTPStatus.OK
    text = response.content.decode()
    assert "Why this plan exists" in text
    assert "Written after sharing." not in text
    assert "External reviewer: funding agency" in text
    link.refresh_from_db()
    assert link.uses == 2
    assert AuditLogEntry.objects.filter(action=AuditAction.SHARE_LINK_CREATED).count() == 1


def test_revoked_and_expired_links_are_gone_with_a_plain_message(public_setting):
    plan, people, _consultation = public_setting
    link = share_link_create(plan=plan, user=people.publisher, label="Reviewer")
    with pytest.raises(ConsultationError):
        share_link_revoke(link=link, user=people.editor)
    response = _client(people, "publisher").post(reverse("consultations:share_revoke", args=[plan.slug, link.pk]))
    assert response.status_code == HTTPStatus.FOUND
    gone = Client().get(share_url(link))
    assert gone.status_code == HTTPStatus.GONE
    assert b"withdrawn by the committee" in gone.content
    assert AuditLogEntry.objects.filter(action=AuditAction.SHARE_LINK_REVOKED).count() == 1

    soon = share_link_create(
        plan=plan, user=people.publisher, label="Short", expires_at=timezone.now() + dt.timedelta(seconds=60)
    )
    ShareLink.objects.filter(pk=soon.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = Client().get(share_url(soon))
    assert expired.status_code == HTTPStatus.GONE
    assert b"has expired" in expired.content
    soon.refresh_from_db()
    assert soon.uses == 0


def test_forged_or_altered_tokens_never_work(public_setting):
    plan, people, _consultation = public_setting
    link = share_link_create(plan=plan, user=people.publisher, label="Reviewer")
    token = share_url(link).split("/")[2]
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (altered, "not-a-real-key", token + "x"):
        response = Client().get(reverse("consultations:review", args=[bad]))
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert b"not valid" in response.content
    # A genuine signature over a row's id is not enough: the row's random nonce must match too.
    ShareLink.objects.filter(pk=link.pk).update(nonce="0" * 32)
    assert Client().get(share_url(link)).status_code == HTTPStatus.NOT_FOUND
