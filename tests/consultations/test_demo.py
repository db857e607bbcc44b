"""The demo's consultation (added by `load_demo`): over before 1.0, answered, linked from 1.0."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.demo import DEMO_SLUG
from consultations.models import Comment, Consultation


def test_load_demo_adds_a_finished_consultation_once_and_1_0_links_to_what_we_heard(db):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "the demo's consultation on the 1.0 draft" in out.getvalue()
    call_command("load_demo", stdout=StringIO())
    consultation = Consultation.objects.get()
    assert consultation.version.number == "1.0"
    assert not consultation.is_open
    assert Comment.objects.count() == 3
    assert all(comment.answer_status for comment in Comment.objects.all())
    assert Comment.objects.filter(anonymous=True, author=None).count() == 2
    page = Client().get(reverse("plans:version_detail", args=[DEMO_SLUG, "1.0"])).content.decode()
    heard = reverse("consultations:heard", args=[DEMO_SLUG, "1.0"])
    assert heard in page
    text = Client().get(heard).content.decode()
    assert "We keep six months" in text
    consultation_page = Client().get(reverse("consultations:consultation", args=[DEMO_SLUG])).content.decode()
    assert "This consultation is closed" in consultation_page
    assert "by Robin Reader" in consultation_page
    assert consultation_page.count("by Anonymous") == 2
