"""The demo plan: complete, published, edited since, written in our own words, idempotent.

plans.demo builds it from the accounts it is given; the demo accounts are tested in tests/accounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from plans.demo import DEMO_SLUG, demo_plan_load
from plans.markdown import cited_labels, render_markdown
from plans.models import ALLOWED_CHILDREN, ActionStatus, Node, NodeKind, Plan, PlanVersion, Reference
from plans.snapshot import iter_sections, plan_snapshot, snapshot_hash

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed" / "us-cms-dei-plan-overview.txt"
AREAS = {"Community engagement", "Career advancement", "Personnel retention", "Leadership and decision-making"}


@dataclass
class Demo:
    plan: Plan
    plan_created: bool
    editor: object
    publisher: object


@pytest.fixture
def demo(make_user) -> Demo:
    editor = make_user("editor@example.org", name="Dana Editor")
    publisher = make_user("publisher@example.org", name="Priya Publisher")
    plan, created = demo_plan_load(editor=editor, publisher=publisher)
    return Demo(plan=plan, plan_created=created, editor=editor, publisher=publisher)


def _counts() -> dict[str, int]:
    return {
        "plans": Plan.objects.count(),
        "nodes": Node.objects.count(),
        "references": Reference.objects.count(),
        "versions": PlanVersion.objects.count(),
        "node_history": Node.history.count(),
        "reference_history": Reference.history.count(),
    }


def test_demo_plan_is_public_and_has_every_kind_and_status(demo):
    plan = Plan.objects.get(slug=DEMO_SLUG)
    assert demo.plan == plan
    assert demo.plan_created
    assert plan.visibility == "public"
    nodes = Node.objects.filter(plan=plan).live()
    assert set(nodes.values_list("kind", flat=True)) == set(NodeKind.values)
    statuses = set(nodes.filter(kind=NodeKind.ACTION).values_list("status", flat=True))
    assert statuses == set(ActionStatus.values)
    areas = nodes.filter(kind=NodeKind.AREA)
    assert set(areas.values_list("title", flat=True)) == AREAS
    for area in areas:
        assert 1 <= area.children.filter(kind=NodeKind.GOAL).count() <= 2, area.title


def test_demo_plan_respects_allowed_children(demo):
    for node in Node.objects.filter(plan=demo.plan).select_related("parent"):
        parent_kind = node.parent.kind if node.parent else None
        assert node.kind in ALLOWED_CHILDREN[parent_kind], f"{node.kind} under {parent_kind}: {node.title}"


def test_demo_plan_has_definitions_section_numbered_two(demo):
    sections = plan_snapshot(demo.plan)["sections"]
    assert [s["title"] for s in sections[:2]] == ["Introduction", "Definitions"]
    definitions = {s["number"]: s for s in sections[1]["children"]}
    assert definitions["2.1"]["title"] == "Diversity"
    assert {s["kind"] for s in definitions.values()} == {NodeKind.DEFINITION}
    assert {"Diversity", "Equity", "Inclusion", "Accessibility"} <= {s["title"] for s in definitions.values()}


def test_demo_actions_and_indicators_have_their_details(demo):
    nodes = Node.objects.filter(plan=demo.plan).live()
    for action in nodes.filter(kind=NodeKind.ACTION):
        assert action.owner, action.title
        assert action.body, action.title
    assert nodes.filter(kind=NodeKind.ACTION).exclude(leads="").exclude(start_date=None).exists()
    for indicator in nodes.filter(kind=NodeKind.INDICATOR):
        assert indicator.unit, indicator.title
        assert indicator.direction, indicator.title
        assert indicator.data_source, indicator.title
        assert None not in (indicator.baseline_value, indicator.baseline_date, indicator.target_value), indicator.title
        assert indicator.target_date is not None, indicator.title


def test_demo_references_are_cited_and_citations_resolve(demo):
    labels = set(Reference.objects.filter(plan=demo.plan).values_list("label", flat=True))
    assert len(labels) >= 3
    assert not Reference.objects.filter(plan=demo.plan, text="").exists()
    cited = set()
    for body in Node.objects.filter(plan=demo.plan).values_list("body", flat=True):
        cited.update(cited_labels(body, labels))
    assert cited == labels


def test_every_citation_in_the_demo_renders_as_a_link(demo):
    labels = set(Reference.objects.filter(plan=demo.plan).values_list("label", flat=True))
    for node in Node.objects.filter(plan=demo.plan):
        html = render_markdown(node.body, labels)
        assert html.count('class="citation"') == len(cited_labels(node.body, labels)), node.title


def test_demo_is_published_as_1_0_and_the_draft_has_changed_since(demo):
    version = PlanVersion.objects.get(plan=demo.plan)
    assert version.number == "1.0"
    assert version.published_by == demo.publisher
    assert snapshot_hash(plan_snapshot(demo.plan)) != version.content_hash
    published_titles = {s["title"] for s in iter_sections(version.snapshot["sections"])}
    assert "Share slides a day before each plenary session" not in published_titles
    assert Node.objects.filter(plan=demo.plan, title="Share slides a day before each plenary session").exists()


def test_demo_history_names_the_demo_editor(demo):
    editor = get_user_model().objects.get(email="editor@example.org")
    assert editor == demo.editor
    history = Node.history.filter(plan_id=demo.plan.pk)
    assert history.count() > Node.objects.filter(plan=demo.plan).count()  # creations plus later edits
    assert set(history.values_list("history_user", flat=True)) == {editor.pk}
    edits = history.filter(history_type="~")
    assert edits.exists()
    assert all(edits.values_list("history_change_reason", flat=True))
    assert set(Reference.history.values_list("history_user", flat=True)) == {editor.pk}


def _normalise(text: str) -> str:
    text = re.sub(r"(\w)- (\w)", r"\1\2", text)  # words split across lines in PDF text
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'")
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n\s*\n", text)
    return [s for s in (_normalise(p) for p in parts) if len(s.split()) >= 5]


def _word_runs(text: str, length: int) -> set[tuple[str, ...]]:
    words = _normalise(text).split()
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


@pytest.mark.skipif(not SEED.exists(), reason="the seed plan text is not present")
def test_demo_text_shares_no_sentence_with_the_seed_plan(demo):
    seed = SEED.read_text(encoding="utf-8")
    parts = [part for node in Node.objects.filter(plan=demo.plan) for part in (node.title, node.body)]
    parts += Reference.objects.values_list("text", flat=True)
    demo_text = "\n\n".join(parts)
    seed_normalised = _normalise(seed)
    demo_normalised = _normalise(demo_text)
    copied = [s for s in _sentences(seed) if s in demo_normalised]
    copied += [s for s in _sentences(demo_text) if s in seed_normalised]
    assert not copied, copied
    # Not even a long run of words: a rewritten sentence should not keep eight words in a row.
    shared = _word_runs(seed, 8) & _word_runs(demo_text, 8)
    assert not shared, sorted(" ".join(run) for run in shared)


def test_loading_it_again_changes_nothing(demo):
    before = _counts()
    plan, created = demo_plan_load(editor=demo.editor, publisher=demo.publisher)
    assert (plan, created) == (demo.plan, False)
    assert _counts() == before
