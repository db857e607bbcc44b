"""The committee workspace pages: what an editor sees and what each form does."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.markdown import render_markdown
from plans.models import Node, NodeKind, PlanVersion, Reference, Role
from plans.services import node_delete, node_move, node_restore, node_update
from tests.conftest import add_node, node


@pytest.fixture
def publisher(make_user, plan):
    return make_user("chair@example.org", plan=plan, role=Role.PUBLISHER)


def url(name: str, plan, **kwargs) -> str:
    return reverse(f"plans:{name}", kwargs={"slug": plan.slug, **kwargs})


def edit_data(item: Node, **changes) -> dict:
    data = {"title": item.title, "body": item.body, "base_revision": item.revision, "message": ""}
    return {**data, **changes}


# Outline


def test_outline_shows_the_numbered_tree_with_kinds_and_changes_since_the_latest_version(editor_client, published_plan):
    plan = published_plan
    diversity = node(plan, "Diversity")
    node_update(node=diversity, base_revision=1, data={"body": "Many kinds of people, and more."}, user=None)
    add_node(plan, "Scope")
    node_delete(node=node(plan, "Equity"), user=None)
    response = editor_client.get(url("workspace", plan))
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "Changed since version 1.0" in html
    assert "New since version 1.0" in html
    assert html.count("Changed since version 1.0") == 1
    items = {item.node.title: item for item in _walk(response.context["forest"])}
    assert (items["Diversity"].number, items["Diversity"].status) == ("2.1", "changed")
    assert items["Scope"].status == "new"
    assert items["Introduction"].status == ""
    assert "Equity" not in items
    assert "Definition" in html  # the kind is shown
    assert "1 deleted section" in html


def _walk(forest):
    for item in forest:
        yield item
        yield from _walk(item.children)


def test_outline_of_an_unpublished_plan_marks_nothing(editor_client, plan):
    response = editor_client.get(url("workspace", plan))
    assert "Nothing has been published yet" in response.content.decode()
    assert all(item.status == "" for item in _walk(response.context["forest"]))


@pytest.mark.parametrize("extra_nodes", [0, 40])
def test_outline_query_count_does_not_grow_with_the_plan(
    editor_client, published_plan, django_assert_num_queries, extra_nodes
):
    area = node(published_plan, "Community engagement")
    for number in range(extra_nodes):
        goal = add_node(published_plan, f"Goal {number}", parent=area, kind=NodeKind.GOAL)
        add_node(published_plan, f"Action {number}", parent=goal, kind=NodeKind.ACTION)
    # session, user, plan, role, nodes (one query for the whole tree), latest version, current review
    with django_assert_num_queries(7):
        response = editor_client.get(url("workspace", published_plan))
    assert response.status_code == HTTPStatus.OK


# Adding and editing


def test_add_a_definition_under_definitions(editor_client, plan, editor):
    parent = node(plan, "Definitions")
    address = url("node_add", plan) + f"?parent={parent.pk}&kind=definition"
    form_page = editor_client.get(address)
    assert set(form_page.context["form"].fields) == {"title", "body", "message", "base_revision", "submission"}
    assert "Term" in form_page.content.decode()
    response = editor_client.post(
        address, {"title": "Inclusion", "body": "Everyone takes part.", "message": "New term"}
    )
    created = node(plan, "Inclusion")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.endswith(f"#node-{created.pk}")
    assert (created.parent, created.kind, created.position) == (parent, NodeKind.DEFINITION, 2)
    record = created.history.get()
    assert (record.history_user, record.history_change_reason) == (editor, "New term")


def test_the_kind_choice_offers_only_allowed_kinds(editor_client, plan):
    goal = node(plan, "Welcome newcomers")
    response = editor_client.get(url("node_add", plan) + f"?parent={goal.pk}")
    assert [value for value, _ in response.context["choices"]] == ["action", "indicator"]
    # A kind the parent may not hold is not offered as a form.
    response = editor_client.get(url("node_add", plan) + f"?parent={goal.pk}&kind=definition")
    assert "form" not in response.context


def test_each_kind_gets_only_its_own_fields(editor_client, plan):
    action = node(plan, "Run a mentoring scheme")
    fields = set(editor_client.get(url("node_edit", plan, node_id=action.pk)).context["form"].fields)
    assert {"owner", "leads", "status", "start_date", "target_date"} <= fields
    assert "unit" not in fields
    intro_fields = set(
        editor_client.get(url("node_edit", plan, node_id=node(plan, "Introduction").pk)).context["form"].fields
    )
    assert intro_fields == {"title", "body", "message", "base_revision", "submission"}


def test_edit_saves_a_new_revision_with_the_message(editor_client, plan, editor):
    intro = node(plan, "Introduction")
    response = editor_client.post(
        url("node_edit", plan, node_id=intro.pk), edit_data(intro, body="Why we act, per [1].", message="Shorter")
    )
    assert response.status_code == HTTPStatus.FOUND
    intro.refresh_from_db()
    assert (intro.body, intro.revision) == ("Why we act, per [1].", 2)
    assert intro.history.first().history_change_reason == "Shorter"


def test_failed_validation_shows_everything_typed(editor_client, plan):
    action = node(plan, "Run a mentoring scheme")
    data = {
        "title": "Run a mentoring scheme",
        "body": "A long description I do not want to lose.",
        "owner": "New owner",
        "leads": "A. Person",
        "status": "planned",
        "start_date": "2027-06-01",
        "target_date": "2027-01-01",
        "base_revision": action.revision,
    }
    response = editor_client.post(url("node_edit", plan, node_id=action.pk), data)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "A long description I do not want to lose." in html
    assert 'value="New owner"' in html
    assert 'value="2027-06-01"' in html
    assert response.context["form"].errors
    action.refresh_from_db()
    assert action.owner == "Mentoring subcommittee"


def test_a_blank_title_is_refused_on_the_form_keeping_the_body(editor_client, plan):
    intro = node(plan, "Introduction")
    response = editor_client.post(
        url("node_edit", plan, node_id=intro.pk), edit_data(intro, title="", body="Kept text.")
    )
    assert response.status_code == HTTPStatus.OK
    assert "title" in response.context["form"].errors
    assert "Kept text." in response.content.decode()


def test_saving_from_a_stale_form_shows_the_conflict_and_overwrites_nothing(editor_client, plan, make_user):
    intro = node(plan, "Introduction")
    stale = edit_data(intro, body="My version of the introduction.")
    colleague = make_user("colleague@example.org", name="Cora Colleague", plan=plan, role=Role.EDITOR)
    node_update(node=intro, base_revision=1, data={"body": "Their version of the introduction."}, user=colleague)

    response = editor_client.post(url("node_edit", plan, node_id=intro.pk), stale)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "someone else changed this section" in html
    assert "Their version of the introduction." in html
    assert "My version of the introduction." in html  # kept in the form
    assert "<del>" in html
    assert "<ins>" in html
    assert "Cora Colleague" in html  # named, not by address
    intro.refresh_from_db()
    assert (intro.body, intro.revision) == ("Their version of the introduction.", 2)
    assert intro.history.count() == 2

    # The conflict form is now based on their revision: saving the merge works.
    assert response.context["form"]["base_revision"].value() == "2"
    merged = edit_data(intro, body="Merged introduction.", base_revision="2")
    assert editor_client.post(url("node_edit", plan, node_id=intro.pk), merged).status_code == HTTPStatus.FOUND
    intro.refresh_from_db()
    assert (intro.body, intro.revision) == ("Merged introduction.", 3)


def test_saving_a_node_deleted_meanwhile_is_a_conflict_too(editor_client, plan):
    intro = node(plan, "Introduction")
    stale = edit_data(intro, body="Typed while it was deleted.")
    node_delete(node=intro, user=None)
    response = editor_client.post(url("node_edit", plan, node_id=intro.pk), stale)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "The section has been deleted" in html
    assert "Typed while it was deleted." in html
    assert "Save my merged version" not in html


def test_preview_renders_exactly_like_the_public_page(editor_client, plan):
    body = "**Bold** claim, see [1] and [9].\n\n<script>alert(1)</script>"
    response = editor_client.post(url("workspace_preview", plan), {"body": body}, headers={"HX-Request": "true"})
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert str(render_markdown(body, {"1"})) in html
    assert 'href="#ref-1"' in html
    assert "<script>" not in html


def test_preview_without_javascript_re_shows_the_form_and_saves_nothing(editor_client, plan):
    intro = node(plan, "Introduction")
    response = editor_client.post(
        url("node_edit", plan, node_id=intro.pk), edit_data(intro, body="*Draft*", preview="1")
    )
    assert response.status_code == HTTPStatus.OK
    assert "<em>Draft</em>" in response.content.decode()
    intro.refresh_from_db()
    assert intro.revision == 1


# Moving, deleting, restoring


def test_move_up_and_down_from_the_outline(editor_client, plan):
    area = node(plan, "Community engagement")
    response = editor_client.post(url("node_move", plan, node_id=area.pk), {"direction": "up"})
    assert response.status_code == HTTPStatus.FOUND
    assert list(Node.objects.filter(plan=plan, parent=None).order_by("position").values_list("title", flat=True)) == [
        "Introduction",
        "Community engagement",
        "Definitions",
    ]
    response = editor_client.post(url("node_move", plan, node_id=node(plan, "Introduction").pk), {"direction": "up"})
    assert response.status_code == HTTPStatus.FOUND  # refused with a message, nothing breaks


def test_move_to_another_parent_offers_only_allowed_places(editor_client, plan):
    goal = node(plan, "Welcome newcomers")
    page = editor_client.get(url("node_move", plan, node_id=goal.pk))
    choices = dict(page.context["form"].fields["parent"].choices)
    assert "top" not in choices  # a goal cannot go to the top level
    assert list(choices.values()) == ["3 Community engagement"]
    narrative = node(plan, "Definitions")
    page = editor_client.get(url("node_move", plan, node_id=narrative.pk))
    choices = dict(page.context["form"].fields["parent"].choices)
    assert str(narrative.pk) not in choices  # not under itself
    intro = node(plan, "Introduction")
    response = editor_client.post(url("node_move", plan, node_id=intro.pk), {"parent": str(narrative.pk), "place": "1"})
    assert response.status_code == HTTPStatus.FOUND
    intro.refresh_from_db()
    assert (intro.parent, intro.position) == (narrative, 0)


def test_delete_asks_first_then_removes_the_subtree_which_can_be_restored(editor_client, plan):
    area = node(plan, "Community engagement")
    page = editor_client.get(url("node_delete", plan, node_id=area.pk))
    assert "2 sections under it will be deleted with it" in page.content.decode()
    assert editor_client.post(
        url("node_delete", plan, node_id=area.pk), {"message": "Moved to a new plan"}
    ).status_code == (HTTPStatus.FOUND)
    assert Node.objects.filter(plan=plan).deleted().count() == 3
    listing = editor_client.get(url("deleted_nodes", plan)).content.decode()
    assert "Community engagement" in listing
    assert "2 sections" in listing
    assert "Moved to a new plan" in listing
    response = editor_client.post(url("node_restore", plan, node_id=area.pk))
    assert response.status_code == HTTPStatus.FOUND
    assert not Node.objects.filter(plan=plan).deleted().exists()


def test_restoring_under_a_deleted_parent_is_refused_with_a_clear_message(editor_client, plan):
    action = node(plan, "Run a mentoring scheme")
    node_delete(node=action, user=None)
    node_delete(node=node(plan, "Welcome newcomers"), user=None)
    response = editor_client.post(url("node_restore", plan, node_id=action.pk), follow=True)
    assert "Restore “Welcome newcomers” first" in response.content.decode()
    assert node(plan, "Run a mentoring scheme").deleted_at is not None


def test_a_deleted_node_cannot_be_edited(editor_client, plan):
    intro = node(plan, "Introduction")
    node_delete(node=intro, user=None)
    assert editor_client.get(url("node_edit", plan, node_id=intro.pk)).status_code == HTTPStatus.NOT_FOUND


# History, compare, revert, recent changes


def test_history_compare_and_revert(editor_client, plan, editor):
    intro = node(plan, "Introduction")
    original = intro.history.get()
    editor_client.post(
        url("node_edit", plan, node_id=intro.pk), edit_data(intro, body="Why this plan exists now.", message="Tighter")
    )
    history = editor_client.get(url("node_history", plan, node_id=intro.pk))
    html = history.content.decode()
    assert "Tighter" in html
    assert "Dana Editor" in html
    assert [row["action"] for row in history.context["rows"]] == ["Edited", "Added"]
    latest = intro.history.first()

    compare = editor_client.get(
        url("node_compare", plan, node_id=intro.pk) + f"?from={latest.history_id}&to={original.history_id}"
    )
    html = compare.content.decode()
    assert '<del><span class="visually-hidden">' in html
    assert "<ins>" in html
    assert compare.context["old"] == original  # shown oldest to newest whatever the order asked

    revert_url = url("node_revert", plan, node_id=intro.pk, history_id=original.history_id)
    assert "Why this plan exists" in editor_client.get(revert_url).content.decode()
    response = editor_client.post(revert_url, {"base_revision": "2"})
    assert response.status_code == HTTPStatus.FOUND
    intro.refresh_from_db()
    assert (intro.body, intro.revision) == (original.body, 3)
    assert intro.history.count() == 3


def test_revert_from_a_stale_page_changes_nothing(editor_client, plan):
    intro = node(plan, "Introduction")
    original = intro.history.get()
    node_update(node=intro, base_revision=1, data={"body": "Second."}, user=None)
    node_update(node=node(plan, "Introduction"), base_revision=2, data={"body": "Third."}, user=None)
    response = editor_client.post(
        url("node_revert", plan, node_id=intro.pk, history_id=original.history_id), {"base_revision": "2"}, follow=True
    )
    assert "Someone saved this section" in response.content.decode()
    assert node(plan, "Introduction").body == "Third."


def test_a_revision_of_another_node_is_404(editor_client, plan):
    intro = node(plan, "Introduction")
    other = node(plan, "Definitions").history.get()
    assert (
        editor_client.get(url("node_revert", plan, node_id=intro.pk, history_id=other.history_id)).status_code
        == HTTPStatus.NOT_FOUND
    )


def test_recent_changes_lists_nodes_and_references_newest_first(editor_client, plan):
    intro = node(plan, "Introduction")
    editor_client.post(url("node_edit", plan, node_id=intro.pk), edit_data(intro, body="New intro.", message="Intro"))
    reference = Reference.objects.get(plan=plan)
    editor_client.post(
        url("reference_edit", plan, reference_id=reference.pk),
        {"label": "1", "text": "Code of Conduct, 2026", "url": reference.url, "base_revision": "1", "message": "Year"},
    )
    node_delete(node=node(plan, "Equity"), user=None)
    response = editor_client.get(url("recent_changes", plan))
    rows = response.context["rows"]
    assert [(r["action"], r["name"]) for r in rows[:3]] == [
        ("Deleted", "Equity"),
        ("Changed", "1"),
        ("Changed", "Introduction"),
    ]
    assert rows[1]["history_change_reason"] == "Year"
    assert rows[2]["user"].email == "editor@example.org"


def test_recent_changes_are_paginated(editor_client, plan):
    for number in range(55):
        add_node(plan, f"Extra {number}")
    response = editor_client.get(url("recent_changes", plan))
    assert len(response.context["rows"]) == 50
    assert response.context["page"].paginator.count == 55 + 7 + 1
    assert len(editor_client.get(url("recent_changes", plan) + "?page=2").context["rows"]) == 13


# References


def test_references_add_edit_delete(editor_client, plan):
    response = editor_client.post(
        url("reference_add", plan), {"label": "2", "text": "Survey 2025", "url": "https://example.org/s"}
    )
    assert response.status_code == HTTPStatus.FOUND
    second = Reference.objects.get(plan=plan, label="2")
    duplicate = editor_client.post(url("reference_add", plan), {"label": "2", "text": "Typed text kept"})
    assert duplicate.status_code == HTTPStatus.OK
    assert "already has a reference [2]" in duplicate.content.decode()
    assert "Typed text kept" in duplicate.content.decode()
    editor_client.post(
        url("reference_edit", plan, reference_id=second.pk),
        {"label": "2", "text": "Climate survey 2025", "url": "", "base_revision": "1"},
    )
    second.refresh_from_db()
    assert (second.text, second.revision) == ("Climate survey 2025", 2)
    # A cited reference warns before deletion.
    first = Reference.objects.get(plan=plan, label="1")
    page = editor_client.get(url("reference_delete", plan, reference_id=first.pk)).content.decode()
    assert "1 section still cites [1]" in page
    assert editor_client.post(url("reference_delete", plan, reference_id=second.pk), {}).status_code == HTTPStatus.FOUND
    assert not Reference.objects.filter(pk=second.pk).exists()


def test_reference_edit_from_a_stale_form_is_a_conflict(editor_client, plan):
    reference = Reference.objects.get(plan=plan)
    editor_client.post(
        url("reference_edit", plan, reference_id=reference.pk),
        {"label": "1", "text": "First edit", "url": "", "base_revision": "1"},
    )
    response = editor_client.post(
        url("reference_edit", plan, reference_id=reference.pk),
        {"label": "1", "text": "Second edit", "url": "", "base_revision": "1"},
    )
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "First edit" in html
    assert "Second edit" in html
    reference.refresh_from_db()
    assert reference.text == "First edit"


# Publishing


def test_publisher_publishes_from_the_browser(client, published_plan, publisher):
    client.force_login(publisher)
    node_update(node=node(published_plan, "Diversity"), base_revision=1, data={"body": "Updated."}, user=publisher)
    page = client.get(url("workspace_publish", published_plan))
    assert "Minor: corrections and updates (1.0 → 1.1)" in page.content.decode()
    assert "Major: a new edition of the plan (1.0 → 2.0)" in page.content.decode()
    response = client.post(url("workspace_publish", published_plan), {"notes": "Clearer definitions.", "kind": "major"})
    version = PlanVersion.objects.get(plan=published_plan, major=2, minor=0)
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == version.get_absolute_url()
    assert (version.notes, version.published_by) == ("Clearer definitions.", publisher)


def test_publish_errors_show_on_the_form(client, published_plan, publisher):
    client.force_login(publisher)
    response = client.post(url("workspace_publish", published_plan), {"notes": "Again", "kind": "minor"})
    assert response.status_code == HTTPStatus.OK
    assert "Nothing has changed since version 1.0" in response.content.decode()
    assert "Again" in response.content.decode()
    assert published_plan.versions.count() == 1


def test_the_first_publication_is_version_1_0(client, plan, publisher):
    client.force_login(publisher)
    response = client.post(url("workspace_publish", plan), {"notes": "First.", "kind": "major"})
    assert response.status_code == HTTPStatus.FOUND
    assert plan.versions.get().number == "1.0"


def test_history_names_each_kind_of_change(editor_client, plan):
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=1, data={"title": "Intro"}, user=None)
    node_move(node=intro, direction="down", user=None)
    node_delete(node=node(plan, "Intro"), user=None)
    node_restore(node=node(plan, "Intro"), user=None)
    rows = editor_client.get(url("node_history", plan, node_id=intro.pk)).context["rows"]
    assert [(row["action"], row["changed"]) for row in rows] == [
        ("Restored", []),
        ("Deleted", []),
        ("Moved", []),
        ("Edited", ["Heading"]),
        ("Added", []),
    ]


def test_workspace_navigation_reaches_the_progress_and_measurement_pages(editor_client, plan):
    page = editor_client.get(f"/plans/{plan.slug}/edit/").content.decode()
    assert f'href="/plans/{plan.slug}/edit/progress/"' in page
    assert f'href="/plans/{plan.slug}/edit/measurements/"' in page
    progress = editor_client.get(f"/plans/{plan.slug}/edit/progress/").content.decode()
    assert 'aria-label="Workspace"' in progress


def test_publishing_a_draft_changed_since_the_page_was_opened_is_refused_keeping_the_notes(
    client, published_plan, publisher
):
    client.force_login(publisher)
    plan = published_plan
    intro = node(plan, "Introduction")
    node_update(node=intro, base_revision=intro.revision, data={"body": "Reviewed text."}, user=None)
    page = client.get(url("workspace_publish", plan))
    draft_hash = page.context["form"]["draft_hash"].value()
    intro.refresh_from_db()
    node_update(node=intro, base_revision=intro.revision, data={"body": "Unreviewed text."}, user=None)

    data = {"notes": "Clearer introduction.", "kind": "minor", "draft_hash": draft_hash}
    response = client.post(url("workspace_publish", plan), data)

    assert response.status_code == HTTPStatus.OK
    assert "The draft changed after you opened this page" in response.content.decode()
    assert PlanVersion.objects.filter(plan=plan).count() == 1
    form = response.context["form"]
    assert form["notes"].value() == "Clearer introduction."
    again = client.post(url("workspace_publish", plan), {**data, "draft_hash": form["draft_hash"].value()})
    assert again.status_code == HTTPStatus.FOUND
    assert "Unreviewed text." in str(PlanVersion.objects.get(plan=plan, minor=1).snapshot)


def test_action_edit_page_points_to_progress_updates(editor_client, plan):
    action = Node.objects.get(plan=plan, kind=NodeKind.ACTION)
    page = editor_client.get(f"/plans/{plan.slug}/edit/n/{action.pk}/").content.decode()
    assert f'href="/plans/{plan.slug}/edit/progress/{action.pk}/"' in page
    assert "post a progress update" in page


def test_the_same_add_form_sent_twice_adds_one_section(editor_client, plan):
    url = f"/plans/{plan.slug}/edit/add/?kind=narrative"
    page = editor_client.get(url).content.decode()
    token = page.split('name="submission" value="', 1)[1].split('"', 1)[0]
    data = {"title": "Only once", "body": "", "message": "", "submission": token}
    first = editor_client.post(url, data)
    second = editor_client.post(url, data, follow=True)
    assert first.status_code == HTTPStatus.FOUND
    assert Node.objects.filter(plan=plan, title="Only once").count() == 1
    assert "was already added" in second.content.decode()
    # A new form (new token) adds another one.
    other = editor_client.get(url).content.decode().split('name="submission" value="', 1)[1].split('"', 1)[0]
    editor_client.post(url, {**data, "submission": other})
    assert Node.objects.filter(plan=plan, title="Only once").count() == 2
