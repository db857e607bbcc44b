"""Words on the workspace pages are grammatical: a/an, singular and plural, real version numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from plans.models import NodeKind
from plans.services import NodeError, node_create, node_delete, plan_publish
from tests.conftest import add_node, node


def url(name: str, plan, **kwargs) -> str:
    return reverse(f"plans:{name}", kwargs={"slug": plan.slug, **kwargs})


@pytest.mark.parametrize(
    ("parent", "kind", "heading"),
    [
        ("Welcome newcomers", NodeKind.ACTION, "Add an action under “Welcome newcomers”"),
        ("Welcome newcomers", NodeKind.INDICATOR, "Add an indicator under “Welcome newcomers”"),
        (None, NodeKind.AREA, "Add an evaluation area at the top level"),
        ("Definitions", NodeKind.DEFINITION, "Add a definition under “Definitions”"),
    ],
)
def test_the_add_page_says_a_or_an(publisher_client, plan, parent, kind, heading):
    query = f"?kind={kind}" + (f"&parent={node(plan, parent).pk}" if parent else "")
    html = publisher_client.get(url("node_add", plan) + query).content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert "Add a action" not in html
    assert "Add a indicator" not in html
    assert "Add a evaluation" not in html


def test_a_section_that_holds_nothing_says_an(publisher_client, plan):
    action = node(plan, "Run a mentoring scheme")
    html = publisher_client.get(url("node_add", plan) + f"?parent={action.pk}").content.decode()
    assert "An action cannot hold other sections." in html


def test_refusals_say_a_or_an(plan):
    with pytest.raises(NodeError, match=r"^An indicator cannot go under an action\.$"):
        node_create(
            plan=plan,
            parent=node(plan, "Run a mentoring scheme"),
            kind=NodeKind.INDICATOR,
            data={"title": "Count"},
            user=None,
        )
    with pytest.raises(NodeError, match=r"^An action cannot go at the top level\.$"):
        node_create(plan=plan, parent=None, kind=NodeKind.ACTION, data={"title": "Do", "status": "planned"}, user=None)


@pytest.mark.parametrize(
    ("under", "words"), [(0, "Deleted “Scope”. "), (1, "and 1 section under it"), (2, "and 2 sections under it")]
)
def test_the_delete_message_counts_in_words(publisher_client, plan, under, words):
    scope = add_node(plan, "Scope")
    for i in range(under):
        add_node(plan, f"Part {i}", parent=scope)
    state = publisher_client.get(url("node_delete", plan, node_id=scope.pk)).context["form"]["base_state"].value()
    response = publisher_client.post(url("node_delete", plan, node_id=scope.pk), {"base_state": state}, follow=True)
    assert words in response.content.decode()
    assert "section(s)" not in response.content.decode()


@pytest.mark.parametrize(("under", "words"), [(1, "with 1 section under it"), (3, "with 3 sections under it")])
def test_the_restore_message_counts_in_words(publisher_client, plan, under, words):
    scope = add_node(plan, "Scope")
    for i in range(under):
        add_node(plan, f"Part {i}", parent=scope)
    node_delete(node=scope, user=None)
    response = publisher_client.post(url("node_restore", plan, node_id=scope.pk), follow=True)
    assert words in response.content.decode()


@pytest.mark.parametrize(("sections", "words"), [(1, "1 section still cites [1]"), (2, "2 sections still cite [1]")])
def test_the_reference_delete_page_counts_the_citing_sections(publisher_client, plan, sections, words):
    if sections == 2:
        add_node(plan, "Scope", body="As [1] says.")
    reference = plan.references.get(label="1")
    assert words in publisher_client.get(url("reference_delete", plan, reference_id=reference.pk)).content.decode()


def test_the_publish_form_shows_the_real_next_numbers(publisher_client, plan):
    first = publisher_client.get(url("workspace_publish", plan)).content.decode()
    assert "Minor: corrections and updates (the first version is 1.0)" in first
    plan_publish(plan=plan, user=None, notes="First.")
    add_node(plan, "Scope")
    plan_publish(plan=plan, user=None, notes="Second.")
    add_node(plan, "More")
    html = publisher_client.get(url("workspace_publish", plan)).content.decode()
    assert "Minor: corrections and updates (1.1 → 1.2)" in html
    assert "Major: a new edition of the plan (1.1 → 2.0)" in html
    assert "1.0 → 1.1" not in html


def test_workspace_templates_make_no_plural_by_hand():
    for folder in ("templates/plans/workspace", "templates/tracking/editor"):
        for template in (Path(settings.BASE_DIR) / folder).rglob("*.html"):
            text = template.read_text()
            assert "(s)" not in text, template
            for article in (" a {{", ">A {{", " an {{"):  # a/an comes from the kind, not the template
                assert article not in text, (template, article)
