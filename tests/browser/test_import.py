"""Importing in a real browser: paste, preview, choose a kind, confirm (the browser sends CRLF line breaks)."""

from __future__ import annotations

from plans.models import Node, NodeKind, Role

PASTED = """1 Scope
This plan covers every institute of the collabo-
ration, as set out in [1].

1.1 Who is included
Students, staff and visitors.

2 Governance
The committee meets monthly.
"""


def test_editor_pastes_previews_chooses_a_kind_and_imports(page, plan, make_user, sign_in, check_accessibility):
    editor = make_user("editor@example.org", plan=plan, role=Role.EDITOR)
    sign_in(page, editor.email)
    page.goto(f"/plans/{plan.slug}/edit/")
    page.get_by_role("link", name="Import").click()
    page.get_by_label("Paste the plan's text").fill(PASTED)
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_load_state()
    assert "Rejoined “collabo-” + “ration” as “collaboration”." in page.content()
    assert not Node.objects.filter(plan=plan, title="Scope").exists()
    check_accessibility(page)
    page.get_by_label("Kind of section 5").select_option("definition")
    page.get_by_role("button", name="Add these sections to the draft").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/plans/{plan.slug}/edit/")
    assert "Added 3 sections at the end of the draft." in page.content()
    scope = Node.objects.get(plan=plan, title="Scope")
    assert scope.body == "This plan covers every institute of the collaboration, as set out in [1]."
    assert Node.objects.get(plan=plan, title="Governance").kind == NodeKind.DEFINITION
