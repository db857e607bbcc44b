"""Every workspace URL for every role: anonymous, collaborator, editor of another plan, editor, publisher."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.urls import reverse

from plans.models import Node, Reference, Role, Visibility
from plans.services import node_delete, node_update

ROLES = ["anonymous", "collaborator", "other_editor", "editor", "publisher"]

# name -> (method, needs publisher)
PAGES = {
    "outline": ("get", False),
    "outline_subtree": ("get", False),  # asked by htmx
    "add_choose_kind": ("get", False),
    "add_form": ("get", False),
    "preview": ("post", False),
    "deleted": ("get", False),
    "recent": ("get", False),
    "references": ("get", False),
    "reference_add": ("get", False),
    "reference_edit": ("get", False),
    "reference_delete": ("get", False),
    "node_edit": ("get", False),
    "node_move": ("get", False),
    "node_change_kind": ("get", False),
    "node_change_kind_confirm": ("get", False),
    "node_delete": ("get", False),
    "node_restore": ("get", False),
    "node_history": ("get", False),
    "node_compare": ("get", False),
    "node_revert": ("get", False),
    "publish": ("get", True),
    "publish_post": ("post", True),
    "plan_settings": ("get", True),
    "plan_settings_post": ("post", True),
    "unpublished_changes": ("get", False),
    "workspace_import": ("get", False),
    "workspace_import_post": ("post", False),
}
# Route name -> the PAGES entries that exercise it (a new workspace route must be added above).
ROUTES = {
    "workspace": "outline",
    "node_add": "add_form",
    "workspace_preview": "preview",
    "deleted_nodes": "deleted",
    "recent_changes": "recent",
    "workspace_references": "references",
    "workspace_publish": "publish",
}


def workspace_urls(plan) -> dict[str, str]:
    slug = plan.slug
    intro = Node.objects.get(plan=plan, title="Introduction")
    definitions = Node.objects.get(plan=plan, title="Definitions")
    node_update(node=intro, base_revision=intro.revision, data={"body": "Edited once."}, user=None)
    gone = Node.objects.get(plan=plan, title="Equity")
    node_delete(node=gone, user=None)
    first, latest = intro.history.order_by("history_date")[:2]
    reference = Reference.objects.get(plan=plan, label="1")

    def node_url(name, node, **extra):
        return reverse(f"plans:{name}", kwargs={"slug": slug, "node_id": node.pk, **extra})

    def ref_url(name):
        return reverse(f"plans:{name}", kwargs={"slug": slug, "reference_id": reference.pk})

    add = reverse("plans:node_add", kwargs={"slug": slug})
    return {
        "outline": reverse("plans:workspace", kwargs={"slug": slug}),
        "outline_subtree": node_url("outline_subtree", definitions),
        "add_choose_kind": f"{add}?parent={definitions.pk}",
        "add_form": f"{add}?parent={definitions.pk}&kind=definition",
        "preview": reverse("plans:workspace_preview", kwargs={"slug": slug}),
        "deleted": reverse("plans:deleted_nodes", kwargs={"slug": slug}),
        "recent": reverse("plans:recent_changes", kwargs={"slug": slug}),
        "references": reverse("plans:workspace_references", kwargs={"slug": slug}),
        "reference_add": reverse("plans:reference_add", kwargs={"slug": slug}),
        "reference_edit": ref_url("reference_edit"),
        "reference_delete": ref_url("reference_delete"),
        "node_edit": node_url("node_edit", intro),
        "node_move": node_url("node_move", intro),
        "node_change_kind": node_url("node_change_kind", intro),
        "node_change_kind_confirm": node_url("node_change_kind", intro) + "?kind=definition",
        "node_delete": node_url("node_delete", intro),
        "node_restore": node_url("node_restore", gone),
        "node_history": node_url("node_history", intro),
        "node_compare": node_url("node_compare", intro) + f"?from={first.history_id}&to={latest.history_id}",
        "node_revert": node_url("node_revert", intro, history_id=first.history_id),
        "publish": reverse("plans:workspace_publish", kwargs={"slug": slug}),
        "publish_post": reverse("plans:workspace_publish", kwargs={"slug": slug}),
        "plan_settings": reverse("plans:plan_settings", kwargs={"slug": slug}),
        "plan_settings_post": reverse("plans:plan_settings", kwargs={"slug": slug}),
        "unpublished_changes": reverse("plans:unpublished_changes", kwargs={"slug": slug}),
        "workspace_import": reverse("plans:workspace_import", kwargs={"slug": slug}),
        "workspace_import_post": reverse("plans:workspace_import", kwargs={"slug": slug}),
    }


def test_every_workspace_route_is_in_the_role_table():
    from plans.urls import urlpatterns

    workspace_routes = {p.name for p in urlpatterns if str(p.pattern).startswith("plans/<slug:slug>/edit/")}
    assert workspace_routes, "no workspace routes found"
    missing = {name for name in workspace_routes if ROUTES.get(name, name) not in PAGES}
    assert not missing, f"add these workspace routes to PAGES: {sorted(missing)}"


@pytest.fixture(params=[Visibility.PUBLIC, Visibility.MEMBERS])
def setting(request, make_plan, make_user):
    plan = make_plan("committee-plan", visibility=request.param)
    other = make_plan("other-plan")
    users = {
        "anonymous": None,
        "collaborator": make_user("collaborator@example.org"),
        "other_editor": make_user("other@example.org", plan=other, role=Role.PUBLISHER),
        "editor": make_user("editor@example.org", plan=plan, role=Role.EDITOR),
        "publisher": make_user("publisher@example.org", plan=plan, role=Role.PUBLISHER),
    }
    return plan, users, workspace_urls(plan)


def expected_status(role: str, publisher_only: bool) -> int:
    if role == "anonymous":
        return HTTPStatus.FOUND
    if role in ("collaborator", "other_editor"):
        return HTTPStatus.FORBIDDEN
    if publisher_only and role == "editor":
        return HTTPStatus.FORBIDDEN
    return HTTPStatus.OK


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_every_workspace_url_checks_the_role(client, setting, page, role):
    plan, users, urls = setting
    if users[role] is not None:
        client.force_login(users[role])
    method, publisher_only = PAGES[page]
    headers = {"HX-Request": "true"} if page == "outline_subtree" else {}
    response = getattr(client, method)(urls[page], {"body": "*Hi*"} if page == "preview" else {}, headers=headers)
    expected = expected_status(role, publisher_only)
    assert response.status_code == expected, (page, role, plan.visibility)
    if role == "anonymous":
        assert response.url.startswith(reverse("account_login") + "?next=/plans/committee-plan/edit/")


@pytest.mark.parametrize("role", ["collaborator", "editor"])
def test_an_unknown_plan_is_404_for_signed_in_people(client, setting, role):
    _, users, _ = setting
    client.force_login(users[role])
    assert client.get("/plans/no-such-plan/edit/").status_code == HTTPStatus.NOT_FOUND


def test_an_unknown_plan_sends_anonymous_people_to_sign_in_without_revealing_anything(client, db):
    response = client.get("/plans/no-such-plan/edit/")
    assert response.status_code == HTTPStatus.FOUND
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("node_edit", {"title": "Hacked", "body": "x", "base_revision": "2"}),
        ("node_delete", {}),
        ("node_move", {"direction": "down"}),
        ("node_move", {"parent": "top"}),
        ("node_restore", {}),
        ("node_revert", {}),
        ("node_change_kind_confirm", {"kind": "definition", "base_revision": "2"}),
        ("add_form", {"title": "Sneaky", "body": "x"}),
        ("reference_add", {"label": "9", "text": "Sneaky"}),
        ("reference_edit", {"label": "1", "text": "Sneaky", "base_revision": "1"}),
        ("reference_delete", {}),
        ("publish_post", {"notes": "Sneaky", "kind": "minor"}),
    ],
)
def test_writes_by_people_without_the_role_change_nothing(client, setting, name, data):
    plan, users, urls = setting

    def state():
        nodes = Node.objects.filter(plan=plan).order_by("pk")
        references = Reference.objects.filter(plan=plan).order_by("pk")
        return (
            list(nodes.values_list("kind", "title", "body", "parent_id", "position", "deleted_at", "revision")),
            list(references.values_list("label", "text", "url", "revision")),
        )

    before = state()
    for role in ("collaborator", "other_editor") + (("editor",) if name == "publish_post" else ()):
        client.force_login(users[role])
        assert client.post(urls[name], data).status_code == HTTPStatus.FORBIDDEN
    assert state() == before
    assert not plan.versions.exists()
