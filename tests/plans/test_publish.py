"""Publishing: numbering, refusal of unchanged drafts, immutability, the snapshot."""

import pytest
from django.db import IntegrityError

from plans.models import Node, PlanVersion, VersionImmutableError
from plans.services import PublishError, plan_publish
from plans.snapshot import plan_snapshot, snapshot_hash
from tests.conftest import add_node


def test_first_version_is_1_0_then_minor_then_major(plan, make_user):
    publisher = make_user(plan=plan, role="publisher")
    assert plan_publish(plan=plan, user=publisher, notes="First.").number == "1.0"
    add_node(plan, "Second")
    assert plan_publish(plan=plan, user=publisher, notes="More.").number == "1.1"
    add_node(plan, "Third")
    assert plan_publish(plan=plan, user=publisher, notes="More.").number == "1.2"
    add_node(plan, "Fourth")
    version = plan_publish(plan=plan, user=publisher, notes="Big.", major=True)
    assert version.number == "2.0"
    assert version.published_by == publisher
    add_node(plan, "Fifth")
    assert plan_publish(plan=plan, notes="After major.").number == "2.1"


def test_publishing_an_unchanged_draft_is_refused(published_plan):
    with pytest.raises(PublishError, match=r"Nothing has changed since version 1\.0"):
        plan_publish(plan=published_plan, notes="Again.")
    assert published_plan.versions.count() == 1


def test_a_change_then_its_undo_is_unchanged(published_plan):
    node = Node.objects.get(plan=published_plan, title="Introduction")
    original = node.body
    node.body = "Something else"
    node.save()
    node.body = original
    node.save()
    with pytest.raises(PublishError):
        plan_publish(plan=published_plan, notes="Nothing really.")


def test_publishing_needs_notes_and_sections(plan, make_plan):
    with pytest.raises(PublishError, match="release notes"):
        plan_publish(plan=plan, notes="   ")
    empty = make_plan("empty")
    Node.objects.filter(plan=empty).delete()
    with pytest.raises(PublishError, match="no sections"):
        plan_publish(plan=empty, notes="Empty.")
    assert PlanVersion.objects.count() == 0


def test_published_version_cannot_be_edited_or_deleted(published_plan):
    version = published_plan.versions.get()
    version.notes = "Rewritten history"
    with pytest.raises(VersionImmutableError):
        version.save()
    with pytest.raises(VersionImmutableError):
        version.delete()
    with pytest.raises(VersionImmutableError):
        published_plan.versions.all().delete()
    assert published_plan.versions.get().notes == "First version."


def test_version_numbers_are_unique_in_the_database(published_plan):
    version = published_plan.versions.get()
    with pytest.raises(IntegrityError):
        PlanVersion.objects.create(
            plan=published_plan,
            major=1,
            minor=0,
            notes="dup",
            published_at=version.published_at,
            snapshot=version.snapshot,
            content_hash=version.content_hash,
        )


def test_snapshot_is_complete_and_later_edits_do_not_change_it(published_plan):
    version = published_plan.versions.get()
    snapshot = version.snapshot
    assert snapshot["schema"] == 1
    numbers = [s["number"] for s in snapshot["sections"]]
    assert numbers == ["1", "2", "3"]
    assert snapshot["sections"][2]["children"][0]["children"][0]["owner"] == "Mentoring subcommittee"
    Node.objects.filter(plan=published_plan, title="Introduction").update(title="Changed")
    assert PlanVersion.objects.get(pk=version.pk).snapshot == snapshot
    assert snapshot_hash(plan_snapshot(published_plan)) != version.content_hash


def test_deleted_nodes_are_not_published(plan):
    Node.objects.filter(plan=plan, title="Equity").update(deleted_at="2026-01-01T00:00:00Z")
    version = plan_publish(plan=plan, notes="First.")
    titles = [c["title"] for c in version.snapshot["sections"][1]["children"]]
    assert titles == ["Diversity"]
