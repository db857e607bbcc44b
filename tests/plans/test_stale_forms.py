"""No lost updates beyond the edit form, and odd input on the workspace forms.

Delete, move and publish confirmations carry what they showed; if the section (or what is
under it) changed meanwhile, nothing is written and the page asks again, showing the current
state. Typed text survives a parent or reference deleted meanwhile; odd numbers and huge ids
are refusals or 404s, never server errors.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans.models import Node, NodeKind, Reference, Role
from plans.services import node_create, node_delete, node_move, node_update, reference_update
from tests.conftest import add_node, node


@pytest.fixture
def editor_client(client, make_user, plan):
    client.force_login(make_user("editor@example.org", plan=plan, role=Role.EDITOR))
    return client


def url(name: str, plan, **kwargs) -> str:
    return reverse(f"plans:{name}", kwargs={"slug": plan.slug, **kwargs})


def hidden_state(response) -> str:
    return response.context["form"]["base_state"].value()


def test_delete_confirmed_after_someone_edited_the_section_is_refused_and_asks_again(editor_client, plan):
    intro = node(plan, "Introduction")
    page = editor_client.get(url("node_delete", plan, node_id=intro.pk))
    node_update(node=intro, base_revision=intro.revision, data={"body": "Important new text."}, user=None)

    response = editor_client.post(
        url("node_delete", plan, node_id=intro.pk), {"base_state": hidden_state(page), "message": "Old section"}
    )

    assert response.status_code == HTTPStatus.OK
    assert "changed after you opened this page" in response.content.decode()
    assert node(plan, "Introduction").deleted_at is None
    # The page now carries the current state and keeps the message: confirming again deletes.
    again = editor_client.post(
        url("node_delete", plan, node_id=intro.pk),
        {"base_state": hidden_state(response), "message": response.context["form"]["message"].value()},
    )
    assert again.status_code == HTTPStatus.FOUND
    assert node(plan, "Introduction").deleted_at is not None
    assert node(plan, "Introduction").history.first().history_change_reason == "Old section"


def test_delete_confirmed_after_a_section_was_added_under_it_is_refused(editor_client, plan):
    definitions = node(plan, "Definitions")
    page = editor_client.get(url("node_delete", plan, node_id=definitions.pk))
    node_create(plan=plan, parent=definitions, kind=NodeKind.DEFINITION, data={"title": "Inclusion"}, user=None)

    response = editor_client.post(url("node_delete", plan, node_id=definitions.pk), {"base_state": hidden_state(page)})

    assert response.status_code == HTTPStatus.OK
    assert "Inclusion" in response.content.decode()  # the page lists what would now go with it
    assert not Node.objects.filter(plan=plan).deleted().exists()


def test_delete_without_state_still_works_for_older_pages(editor_client, plan):
    response = editor_client.post(url("node_delete", plan, node_id=node(plan, "Equity").pk), {})
    assert response.status_code == HTTPStatus.FOUND
    assert node(plan, "Equity").deleted_at is not None


def test_delete_submitted_twice_deletes_once_and_the_second_is_404(editor_client, plan):
    intro = node(plan, "Introduction")
    state = hidden_state(editor_client.get(url("node_delete", plan, node_id=intro.pk)))
    first = editor_client.post(url("node_delete", plan, node_id=intro.pk), {"base_state": state})
    second = editor_client.post(url("node_delete", plan, node_id=intro.pk), {"base_state": state})
    assert first.status_code == HTTPStatus.FOUND
    assert second.status_code == HTTPStatus.NOT_FOUND
    assert intro.history.exclude(deleted_at=None).count() == 1


def test_move_form_submitted_after_someone_moved_the_section_is_refused(editor_client, plan):
    goal = node(plan, "Welcome newcomers")
    other_area = add_node(plan, "Career advancement", kind=NodeKind.AREA)
    third_area = add_node(plan, "Retention", kind=NodeKind.AREA)
    page = editor_client.get(url("node_move", plan, node_id=goal.pk))
    node_move(node=goal, new_parent=other_area, user=None)

    response = editor_client.post(
        url("node_move", plan, node_id=goal.pk),
        {"parent": str(third_area.pk), "base_state": hidden_state(page), "message": "tidy"},
    )

    assert response.status_code == HTTPStatus.OK
    assert "Someone moved this section" in response.content.decode()
    assert node(plan, "Welcome newcomers").parent_id == other_area.pk
    assert response.context["form"]["parent"].value() == str(other_area.pk)  # shows where it is now
    assert response.context["form"]["message"].value() == "tidy"


def test_move_up_pressed_twice_from_the_same_outline_moves_once(editor_client, plan):
    top = list(Node.objects.filter(plan=plan, parent=None).live().order_by("position"))
    last = top[-1]
    outline = editor_client.get(url("workspace", plan)).content.decode()
    state = f"top:{last.position}"
    assert f'name="base_state" value="{state}"' in outline

    first = editor_client.post(url("node_move", plan, node_id=last.pk), {"direction": "up", "base_state": state})
    second = editor_client.post(
        url("node_move", plan, node_id=last.pk), {"direction": "up", "base_state": state}, follow=True
    )

    assert first.status_code == HTTPStatus.FOUND
    assert "Someone moved this section" in second.content.decode()
    assert Node.objects.get(pk=last.pk).position == len(top) - 2


def test_reference_delete_confirmed_after_someone_edited_it_is_refused(editor_client, plan):
    reference = Reference.objects.get(plan=plan, label="1")
    page = editor_client.get(url("reference_delete", plan, reference_id=reference.pk))
    reference_update(
        reference=reference, base_revision=reference.revision, data={"text": "Code of Conduct, 2026"}, user=None
    )

    response = editor_client.post(
        url("reference_delete", plan, reference_id=reference.pk), {"base_state": hidden_state(page)}
    )

    assert response.status_code == HTTPStatus.OK
    assert "changed after you opened this page" in response.content.decode()
    assert Reference.objects.filter(pk=reference.pk).exists()
    again = editor_client.post(
        url("reference_delete", plan, reference_id=reference.pk), {"base_state": hidden_state(response)}
    )
    assert again.status_code == HTTPStatus.FOUND
    assert not Reference.objects.filter(pk=reference.pk).exists()


def test_adding_under_a_section_deleted_meanwhile_keeps_the_typed_text(editor_client, plan):
    definitions = node(plan, "Definitions")
    form_url = url("node_add", plan) + f"?parent={definitions.pk}&kind={NodeKind.DEFINITION}"
    assert editor_client.get(form_url).status_code == HTTPStatus.OK
    node_delete(node=definitions, user=None)

    response = editor_client.post(form_url, {"title": "Inclusion", "body": "Everyone takes part, <b>fully</b>."})

    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "is deleted; restore it before adding to it" in html
    assert response.context["form"]["body"].value() == "Everyone takes part, <b>fully</b>."
    assert "<b>fully</b>" not in html  # shown as text, escaped
    assert not Node.objects.filter(plan=plan, title="Inclusion").exists()


@pytest.mark.parametrize("when", ["before the save", "during the save"])
def test_editing_a_reference_deleted_meanwhile_keeps_the_typed_text(editor_client, plan, monkeypatch, when):
    reference = Reference.objects.get(plan=plan, label="1")
    data = {"label": "1", "text": "Code of Conduct, revised", "url": "", "base_revision": reference.revision}
    edit_url = url("reference_edit", plan, reference_id=reference.pk)
    if when == "before the save":
        reference.delete()
    else:
        from plans.views.workspace import references as views

        real_update = views.reference_update

        def update_after_a_delete(**kwargs):
            Reference.objects.filter(pk=kwargs["reference"].pk).delete()
            return real_update(**kwargs)

        monkeypatch.setattr(views, "reference_update", update_after_a_delete)

    response = editor_client.post(edit_url, data)

    assert response.status_code == HTTPStatus.OK
    assert "Someone deleted this reference" in response.content.decode()
    assert response.context["form"]["text"].value() == "Code of Conduct, revised"
    assert f'action="{url("reference_add", plan)}"' in response.content.decode()
    added = editor_client.post(url("reference_add", plan), response.context["form"].data)
    assert added.status_code == HTTPStatus.FOUND
    assert Reference.objects.get(plan=plan, label="1").text == "Code of Conduct, revised"


@pytest.mark.parametrize(("value", "deleted"), [("²", True), ("x", True), ("-1", True), ("9" * 40, False)])
def test_odd_numbers_in_parent_and_state_fields_are_refused_cleanly(editor_client, plan, value, deleted):
    """Superscript digits pass str.isdigit() but not int(): they used to be server errors."""
    reference = Reference.objects.get(plan=plan, label="1")
    add = editor_client.get(url("node_add", plan) + f"?parent={value}")
    assert add.status_code in (HTTPStatus.OK, HTTPStatus.NOT_FOUND)
    delete = editor_client.post(url("reference_delete", plan, reference_id=reference.pk), {"base_state": value})
    # No usable state: deleted as from an older page; a wrong revision: refused as stale.
    assert delete.status_code == (HTTPStatus.FOUND if deleted else HTTPStatus.OK)
    assert Reference.objects.filter(pk=reference.pk).exists() is not deleted


def test_huge_ids_and_revisions_are_404s_or_conflicts_on_every_database(editor_client, plan):
    """Values past the database's integer range must not reach it as errors (PostgreSQL raises on them)."""
    huge = "9" * 30
    intro = node(plan, "Introduction")
    assert editor_client.get(f"/plans/{plan.slug}/edit/n/{huge}/").status_code == HTTPStatus.NOT_FOUND
    assert editor_client.get(url("node_add", plan) + f"?parent={huge}").status_code == HTTPStatus.NOT_FOUND
    assert editor_client.get(f"/plans/{plan.slug}/edit/references/{huge}/").status_code == HTTPStatus.NOT_FOUND
    compare = url("node_compare", plan, node_id=intro.pk) + f"?from={huge}&to={huge}"
    assert editor_client.get(compare).status_code == HTTPStatus.NOT_FOUND
    response = editor_client.post(
        url("node_edit", plan, node_id=intro.pk), {"title": "New title", "body": "x", "base_revision": huge}
    )
    assert response.status_code == HTTPStatus.OK
    assert response.context["conflict"] is not None
    assert node(plan, "Introduction").revision == intro.revision
    moved = editor_client.post(url("node_move", plan, node_id=intro.pk), {"parent": "top", "place": huge})
    assert moved.status_code == HTTPStatus.FOUND
    assert editor_client.get(f"/plans/{plan.slug}/v/{'9' * 4}.{'9' * 4}/").status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    "data", [{"url": "javascript:alert(1)"}, {"label": "x" * 300}, {"url": "https://" + "a" * 600 + ".org"}]
)
def test_reference_update_validates_like_the_form(plan, data):
    """The service is the only write path (admin, scripts): it must refuse what the form refuses."""
    reference = Reference.objects.get(plan=plan, label="1")
    with pytest.raises(ValidationError):
        reference_update(reference=reference, base_revision=reference.revision, data=data, user=None)
    reference.refresh_from_db()
    assert (reference.url, reference.label, reference.revision) == ("https://example.org/coc", "1", 1)
