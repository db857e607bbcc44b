"""Changing a section's kind: what is dropped is said first, it is kept in history and can be reverted."""

from __future__ import annotations

import datetime as dt
from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.models import ActionStatus, NodeKind
from plans.services import EditConflict, NodeError, kind_changes, node_change_kind, node_revert, node_update
from plans.snapshot import plan_snapshot
from tests.conftest import add_node, node


def kind_url(plan, item, kind: str | None = None) -> str:
    url = reverse("plans:node_change_kind", kwargs={"slug": plan.slug, "node_id": item.pk})
    return f"{url}?kind={kind}" if kind else url


def test_an_imported_narrative_becomes_a_definition(plan, editor):
    diversity = add_node(plan, "Belonging", parent=node(plan, "Definitions"), body="Feeling at home.")
    changed = node_change_kind(
        node=diversity, kind=NodeKind.DEFINITION, user=editor, base_revision=diversity.revision, message="A term"
    )
    assert (changed.kind, changed.title, changed.body, changed.revision) == (
        "definition",
        "Belonging",
        "Feeling at home.",
        2,
    )
    record = changed.history.first()
    assert (record.kind, record.history_user, record.history_change_reason) == ("definition", editor, "A term")
    published = next(s for s in plan_snapshot(plan)["sections"][1]["children"] if s["title"] == "Belonging")
    assert published["kind"] == "definition"


def test_an_action_that_becomes_an_indicator_drops_its_action_fields_and_a_revert_brings_them_back(plan, editor):
    action = node(plan, "Run a mentoring scheme")
    node_update(node=action, base_revision=1, data={"target_date": dt.date(2027, 1, 1), "leads": "Ann"}, user=editor)
    action.refresh_from_db()
    options = {change.kind.value: change for change in kind_changes(action)}
    assert set(options) == {NodeKind.INDICATOR}  # under a goal: an action or an indicator
    indicator = options[NodeKind.INDICATOR]
    assert indicator.dropped == [("Owner", "Mentoring subcommittee"), ("Leads", "Ann"), ("Status", "In progress")]

    changed = node_change_kind(node=action, kind=NodeKind.INDICATOR, user=editor, base_revision=action.revision)
    assert (changed.owner, changed.leads, changed.status) == ("", "", "")
    assert changed.target_date == dt.date(2027, 1, 1)  # both kinds have it: kept
    assert changed.history.first().history_change_reason == "Changed from an action to an indicator"

    before = changed.history.all()[1]  # the revision before the change of kind
    reverted = node_revert(node=changed, history_id=before.history_id, user=editor)
    assert (reverted.kind, reverted.owner, reverted.leads, reverted.status) == (
        "action",
        "Mentoring subcommittee",
        "Ann",
        ActionStatus.IN_PROGRESS,
    )


def test_becoming_an_action_gives_it_the_first_status(plan, editor):
    goal = node(plan, "Welcome newcomers")
    indicator = add_node(plan, "Mentors found", parent=goal, kind=NodeKind.INDICATOR, unit="people")
    change = {c.kind.value: c for c in kind_changes(indicator)}[NodeKind.ACTION]
    assert change.filled == [("Status", "Proposed")]
    assert change.dropped == [("Unit", "people")]
    changed = node_change_kind(node=indicator, kind=NodeKind.ACTION, user=editor, base_revision=1)
    assert (changed.status, changed.unit) == (ActionStatus.PROPOSED, "")


def test_a_kind_that_cannot_hold_the_sections_under_it_is_refused(plan, editor):
    definitions = node(plan, "Definitions")  # a narrative holding two definitions
    change = {c.kind.value: c for c in kind_changes(definitions)}[NodeKind.DEFINITION]
    assert [child.title for child in change.blocking] == ["Diversity", "Equity"]
    assert not change.possible
    with pytest.raises(NodeError, match="A definition cannot hold “Diversity” \\(definition\\), “Equity”"):
        node_change_kind(node=definitions, kind=NodeKind.DEFINITION, user=editor, base_revision=1)
    assert node(plan, "Definitions").kind == NodeKind.NARRATIVE


@pytest.mark.parametrize(
    ("title", "kind", "message"),
    [
        ("Introduction", NodeKind.GOAL, "A goal cannot go at the top level."),
        ("Welcome newcomers", NodeKind.DEFINITION, "A definition cannot go under an evaluation area."),
        ("Introduction", NodeKind.NARRATIVE, "already a narrative section"),
        ("Introduction", "chapter", "Choose one of the kinds listed."),
    ],
)
def test_a_kind_not_allowed_at_its_place_is_refused(plan, editor, title, kind, message):
    item = node(plan, title)
    with pytest.raises(NodeError, match=message):
        node_change_kind(node=item, kind=kind, user=editor, base_revision=item.revision)


def test_a_change_from_a_stale_page_is_a_conflict(plan, editor):
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=1, data={"body": "Edited meanwhile."}, user=None)
    with pytest.raises(EditConflict) as conflict:
        node_change_kind(node=intro, kind=NodeKind.DEFINITION, user=editor, base_revision=1)
    assert conflict.value.current.body == "Edited meanwhile."
    assert node(plan, "Introduction").kind == NodeKind.NARRATIVE


def test_a_revert_to_an_old_kind_is_refused_when_the_sections_under_it_no_longer_fit(plan, editor):
    term = add_node(plan, "Scope", kind=NodeKind.DEFINITION)
    changed = node_change_kind(node=term, kind=NodeKind.NARRATIVE, user=editor, base_revision=1)
    add_node(plan, "In scope", parent=changed)
    with pytest.raises(NodeError, match="cannot hold “In scope”"):
        node_revert(node=changed, history_id=changed.history.last().history_id, user=editor)
    assert node(plan, "Scope").kind == NodeKind.NARRATIVE


# The page


def test_the_page_lists_the_kinds_allowed_at_its_place_and_what_each_drops(editor_client, plan):
    action = node(plan, "Run a mentoring scheme")
    response = editor_client.get(kind_url(plan, action))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "It is an action now." in html
    assert [c.kind.value for c in response.context["changes"]] == [NodeKind.INDICATOR]
    assert "drops owner, status" in html


def test_the_page_names_the_sections_that_block_a_kind(editor_client, plan):
    response = editor_client.get(kind_url(plan, node(plan, "Definitions"), NodeKind.DEFINITION))
    html = response.content.decode()
    assert "A definition cannot hold these sections" in html
    assert "Diversity" in html
    assert "Equity" in html
    assert "Make it a definition</button>" not in html


def test_confirming_shows_the_dropped_values_then_changes_the_kind(editor_client, plan, editor):
    action = node(plan, "Run a mentoring scheme")
    page = editor_client.get(kind_url(plan, action, NodeKind.INDICATOR))
    html = page.content.decode()
    assert "2 fields will be dropped" in html
    assert "Mentoring subcommittee" in html
    assert "In progress" in html
    response = editor_client.post(
        kind_url(plan, action),
        {"kind": NodeKind.INDICATOR, "base_revision": action.revision, "message": "It is measured, not done"},
    )
    assert response.status_code == HTTPStatus.FOUND
    action.refresh_from_db()
    assert (action.kind, action.owner) == (NodeKind.INDICATOR, "")
    assert action.history.first().history_change_reason == "It is measured, not done"
    history = editor_client.get(reverse("plans:node_history", kwargs={"slug": plan.slug, "node_id": action.pk}))
    assert history.context["rows"][0]["action"] == "Changed from an action to an indicator"


def test_a_stale_confirmation_is_asked_again_with_what_is_there_now(editor_client, plan):
    """The stale form, without PostgreSQL: the section was edited after the page was opened."""
    action = node(plan, "Run a mentoring scheme")
    page = editor_client.get(kind_url(plan, action, NodeKind.INDICATOR))
    stale_revision = page.context["form"]["base_revision"].value()
    node_update(node=action, base_revision=1, data={"owner": "Outreach team"}, user=None)

    response = editor_client.post(
        kind_url(plan, action),
        {"kind": NodeKind.INDICATOR, "base_revision": stale_revision, "message": "Typed reason"},
    )

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "changed after you opened this page" in html
    assert "Outreach team" in html  # what would be dropped, as it is now
    form = response.context["form"]
    assert (form["base_revision"].value(), form["message"].value()) == ("2", "Typed reason")
    assert node(plan, "Run a mentoring scheme").kind == NodeKind.ACTION
    again = editor_client.post(kind_url(plan, action), form.data)
    assert again.status_code == HTTPStatus.FOUND
    assert node(plan, "Run a mentoring scheme").kind == NodeKind.INDICATOR


def test_a_kind_no_longer_possible_goes_back_to_the_choice(editor_client, plan):
    intro = node(plan, "Introduction")
    response = editor_client.post(kind_url(plan, intro), {"kind": NodeKind.GOAL, "base_revision": 1}, follow=True)
    assert response.status_code == HTTPStatus.OK
    assert "not possible here" in response.content.decode()
    assert node(plan, "Introduction").kind == NodeKind.NARRATIVE


def test_the_edit_page_links_to_the_change_of_kind(editor_client, plan):
    intro = node(plan, "Introduction")
    html = editor_client.get(reverse("plans:node_edit", kwargs={"slug": plan.slug, "node_id": intro.pk})).content
    assert kind_url(plan, intro).encode() in html
