"""Before publishing, the page warns about every cited [n] that would go public without citation text."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.models import PlanVersion, Reference
from plans.services import node_delete
from tests.conftest import add_node, node


def publish_url(plan) -> str:
    return reverse("plans:workspace_publish", kwargs={"slug": plan.slug})


def test_no_warning_when_every_citation_has_its_text(publisher_client, plan):
    page = publisher_client.get(publish_url(plan))
    assert page.status_code == HTTPStatus.OK
    assert page.context["missing_citations"] == []
    assert "without reference text" not in page.text
    assert ">Publish</button>" in page.text


def test_warns_about_a_reference_with_empty_text_and_links_to_its_edit_page(publisher_client, plan):
    Reference.objects.filter(plan=plan, label="1").update(text="")
    reference = Reference.objects.get(plan=plan, label="1")
    page = publisher_client.get(publish_url(plan))
    [missing] = page.context["missing_citations"]
    assert (missing.label, missing.reference_id) == ("1", reference.pk)
    assert [section["title"] for section in missing.sections] == ["Introduction"]
    html = page.text
    assert "1 citation without reference text" in html
    assert reverse("plans:reference_edit", kwargs={"slug": plan.slug, "reference_id": reference.pk}) in html
    intro = node(plan, "Introduction")
    assert reverse("plans:node_edit", kwargs={"slug": plan.slug, "node_id": intro.pk}) in html
    assert "1 Introduction</a>" in html
    assert reverse("plans:workspace_references", kwargs={"slug": plan.slug}) in html
    assert "Publish anyway</button>" in html


def test_warns_about_a_citation_with_no_reference_entry_listing_every_citing_section(publisher_client, plan):
    goal = node(plan, "Welcome newcomers")
    add_node(plan, "Scope", body="As counted in [2] and again [2].")
    goal.body = "Newcomers stay longer [2]; see `[3]` in code, which is no citation."
    goal.save()
    page = publisher_client.get(publish_url(plan))
    [missing] = page.context["missing_citations"]
    assert (missing.label, missing.reference_id) == ("2", None)
    # In document order, each section once: 3.1 comes before the new section 4.
    assert [(s["number"], s["title"]) for s in missing.sections] == [("3.1", "Welcome newcomers"), ("4", "Scope")]
    assert "is not in the reference list" in page.text
    assert reverse("plans:reference_add", kwargs={"slug": plan.slug}) in page.text
    assert "[3]" not in page.text


def test_labels_that_are_not_citations_do_not_warn(publisher_client, plan):
    # [sic] is not a number and not in the reference list, so the page shows it as text.
    add_node(plan, "Scope", body="As written [sic], see [the link](https://example.org) and [1](https://example.org).")
    page = publisher_client.get(publish_url(plan))
    assert page.context["missing_citations"] == []


def test_deleted_sections_do_not_warn(publisher_client, plan):
    scope = add_node(plan, "Scope", body="See [9].")
    node_delete(node=scope, user=None)
    page = publisher_client.get(publish_url(plan))
    assert page.context["missing_citations"] == []


@pytest.mark.parametrize("text", ["", "   "])
def test_the_warning_does_not_block_publishing(publisher_client, plan, text):
    Reference.objects.filter(plan=plan, label="1").update(text=text)
    response = publisher_client.post(publish_url(plan), {"notes": "First.", "kind": "major"})
    assert response.status_code == HTTPStatus.FOUND
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_the_warning_stays_when_the_form_is_refused(publisher_client, plan):
    Reference.objects.filter(plan=plan, label="1").update(text="")
    response = publisher_client.post(publish_url(plan), {"notes": "", "kind": "major"})
    assert response.status_code == HTTPStatus.OK
    assert "1 citation without reference text" in response.text
    assert not PlanVersion.objects.filter(plan=plan).exists()
