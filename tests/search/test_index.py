"""The index is written when a version is published, inside the same transaction, and never from a draft."""

from __future__ import annotations

import importlib
from http import HTTPStatus
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.demo import demo_load
from plans import hooks
from plans.models import PlanVersion
from plans.services import plan_publish
from plans.snapshot import iter_sections
from search.models import FTS_TABLE, IndexedSection
from tests.conftest import add_node, node


def fts_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FTS_TABLE}")  # noqa: S608 — a constant
        return cursor.fetchone()[0]


def test_publishing_indexes_every_section_of_the_version(published_plan):
    version = published_plan.versions.get()
    sections = list(iter_sections(version.snapshot["sections"]))
    rows = list(IndexedSection.objects.filter(version=version).order_by("position"))
    assert [(r.number, r.anchor, r.title, r.section_id) for r in rows] == [
        (s["number"], s["anchor"], s["title"], s["id"]) for s in sections
    ]
    assert {r.plan_title for r in rows} == {"Test plan"}
    action = next(r for r in rows if r.title == "Run a mentoring scheme")
    assert "Owner: Mentoring subcommittee." in action.text
    assert "Status: In progress." in action.text


def test_the_published_title_is_indexed_not_the_draft_one(published_plan):
    published_plan.title = "Renamed in the draft"
    published_plan.save()
    add_node(published_plan, "Draft only", body="Not yet published.")
    assert not IndexedSection.objects.filter(title="Draft only").exists()
    version = plan_publish(plan=published_plan, notes="Second.")
    assert IndexedSection.objects.filter(version=version, title="Draft only").exists()
    assert set(IndexedSection.objects.filter(version=version).values_list("plan_title", flat=True)) == {
        "Renamed in the draft"
    }


def test_a_publish_that_fails_leaves_no_index_rows(plan, monkeypatch):
    def fail(version):
        raise RuntimeError("a later listener failed")

    monkeypatch.setattr(hooks, "_publish_listeners", [*hooks._publish_listeners, fail])
    with pytest.raises(RuntimeError):
        plan_publish(plan=plan, notes="First version.")
    assert not PlanVersion.objects.exists()
    assert not IndexedSection.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The stored search vector is PostgreSQL's.")
def test_on_postgresql_every_row_has_its_search_vector(published_plan):
    assert IndexedSection.objects.filter(search_vector__isnull=True).count() == 0
    assert IndexedSection.objects.count() == 7


@pytest.mark.skipif(connection.vendor != "sqlite", reason="The FTS5 table is SQLite's.")
def test_on_sqlite_the_fts_table_follows_the_rows(published_plan):
    assert fts_rows() == IndexedSection.objects.count() == 7
    IndexedSection.objects.filter(title="Equity").delete()
    assert fts_rows() == 6


def test_the_command_indexes_versions_the_index_lacks(published_plan, capsys):
    version = published_plan.versions.get()
    IndexedSection.objects.filter(version=version).delete()
    call_command("search_index")
    assert "Indexed 1 version (7 sections)." in capsys.readouterr().out
    assert IndexedSection.objects.filter(version=version).count() == 7
    call_command("search_index")
    assert "already holds every published version" in capsys.readouterr().out


def test_the_command_rebuilds_on_request(client, published_plan, capsys):
    call_command("search_index", "--rebuild", "--plan", published_plan.slug)
    assert "Indexed 1 version (7 sections)." in capsys.readouterr().out
    assert IndexedSection.objects.count() == 7
    response = client.get(f"/plans/{published_plan.slug}/search/", {"q": "equity"})
    assert response.status_code == HTTPStatus.OK
    assert "Fair access for all" in response.text


def test_the_command_refuses_an_unknown_plan(db):
    with pytest.raises(CommandError, match="No plan with the slug 'nope'"):
        call_command("search_index", "--plan", "nope")


def test_the_migration_indexes_versions_published_before_search_existed(client, published_plan):
    IndexedSection.objects.all().delete()  # as before the search app was installed
    migration = importlib.import_module("search.migrations.0001_section_index")
    # The step only asks the schema editor for its connection (a real one cannot open inside a test's
    # transaction on SQLite).
    migration.index_published_versions(apps, SimpleNamespace(connection=connection))
    assert IndexedSection.objects.count() == 7
    response = client.get(f"/plans/{published_plan.slug}/search/", {"q": "newcomers"})
    assert "Welcome <mark>newcomers</mark>" in response.text


def test_the_demo_is_searchable(client, db):
    demo = demo_load()
    response = client.get(f"/plans/{demo.plan.slug}/search/", {"q": "neutrino detector"})
    assert response.status_code == HTTPStatus.OK
    assert "Introduction" in response.text
    assert "<mark>neutrino</mark>" in response.text


def test_editing_the_draft_does_not_change_the_index(published_plan):
    before = list(IndexedSection.objects.values_list("title", "text"))
    intro = node(published_plan, "Introduction")
    intro.body = "Something new."
    intro.save()
    assert list(IndexedSection.objects.values_list("title", "text")) == before
