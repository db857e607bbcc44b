"""Publishing and importing write one audit log entry each, inside their own transaction."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from audit.models import AuditAction, AuditLogEntry
from plans.importers import PlanImportError, plan_import
from plans.services import PublishError, plan_publish

SMALL_PLAN = Path(__file__).resolve().parents[1] / "plans" / "fixtures" / "small-plan.md"


def entries(action):
    return list(AuditLogEntry.objects.filter(action=action).order_by("id"))


def test_publishing_names_the_publisher_and_the_version(plan, make_user):
    chair = make_user("chair@example.org", name="Cho Chair")
    plan_publish(plan=plan, user=chair, notes="First.")
    (entry,) = entries(AuditAction.VERSION_PUBLISHED)
    assert (entry.actor_id, entry.actor_name, entry.plan_slug) == (chair.pk, "Cho Chair", plan.slug)
    assert entry.summary == f"Version published: 1.0 on {plan.slug}"


def test_publishing_from_the_command_line_says_so(plan):
    call_command("publish_plan", plan.slug, "--notes", "First.", stdout=StringIO())
    (entry,) = entries(AuditAction.VERSION_PUBLISHED)
    assert (entry.actor_id, entry.actor_label, entry.actor) == (None, "command line", "command line")


def test_a_refused_publication_writes_no_entry(published_plan):
    with pytest.raises(PublishError):
        plan_publish(plan=published_plan, user=None, notes="Nothing new.")
    assert len(entries(AuditAction.VERSION_PUBLISHED)) == 1  # the fixture's 1.0 only


def test_importing_from_the_command_line_is_audited(db):
    call_command("import_plan", str(SMALL_PLAN), "--slug", "imported", stdout=StringIO())
    (entry,) = entries(AuditAction.PLAN_IMPORTED)
    assert (entry.plan_slug, entry.actor_label) == ("imported", "command line")
    assert "sections" in entry.details["to"]


def test_importing_as_someone_names_them(make_user):
    editor = make_user("ed@example.org")
    plan_import(source=SMALL_PLAN.read_bytes(), slug="imported", user=editor)
    (entry,) = entries(AuditAction.PLAN_IMPORTED)
    assert entry.actor_id == editor.pk


def test_a_refused_import_writes_no_entry(plan):
    with pytest.raises(PlanImportError):
        plan_import(source=SMALL_PLAN.read_bytes(), slug=plan.slug)
    with pytest.raises(CommandError):
        call_command("import_plan", str(SMALL_PLAN), "--slug", plan.slug, stdout=StringIO())
    assert not entries(AuditAction.PLAN_IMPORTED)
