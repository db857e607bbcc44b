"""Importing in the browser: preview first (nothing written), then confirm (one transaction, history, audit)."""

from __future__ import annotations

import json
from http import HTTPStatus

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditAction, AuditLogEntry
from plans.importers import service as import_service
from plans.models import Node, NodeKind, Plan, PlanRole, Reference, Role, Visibility
from plans.services import plan_publish
from plans.snapshot import version_export
from plans.tree import plan_tree, walk

PASTED = """\
1 Scope
This plan covers every institute of the collabo-
ration, as set out in [1] and [7].

1.1 Who is included
Students, staff and visitors.

2 Governance
The committee meets monthly.
"""

MARKDOWN = """\
# Scope

This plan covers every institute.

## Who is included

Students and **staff** [1].

# Governance

The committee meets monthly.
"""


def import_url(plan) -> str:
    return reverse("plans:workspace_import", kwargs={"slug": plan.slug})


NEW_URL = reverse("plans:plan_import")


def numbered(plan) -> list[tuple[str, str, str]]:
    return [(item.number, item.node.title, item.node.kind) for item in walk(plan_tree(plan))]


def preview(client, url, **data):
    return client.post(url, {"step": "preview", **data})


def confirm(client, url, page, **kinds):
    """Confirm a preview as the browser would: its hidden fields, the kind menus as shown (or as chosen)."""
    form = page.context["confirm"]
    data = {"step": "confirm", **{name: form[name].value() or "" for name in form.fields}}
    data.update({row["field"]: row["kind"].value for row in page.context["rows"] if row["choices"]})
    data.update({f"kind-{key}": value for key, value in kinds.items()})
    return client.post(url, data)


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("admin@example.org", is_staff=True, is_superuser=True))
    return client


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [("visitor", "sign-in"), ("collaborator", 403), ("other_editor", 403), ("editor", 200), ("publisher", 200)],
)
def test_import_page_is_for_the_plans_editors(client, make_user, make_plan, plan, who, expected):
    other = make_plan("other-plan")
    users = {
        "collaborator": lambda: make_user(),
        "other_editor": lambda: make_user(plan=other, role=Role.EDITOR),
        "editor": lambda: make_user(plan=plan, role=Role.EDITOR),
        "publisher": lambda: make_user(plan=plan, role=Role.PUBLISHER),
    }
    if who in users:
        client.force_login(users[who]())
    before = Node.objects.count()
    for response in (client.get(import_url(plan)), preview(client, import_url(plan), text=PASTED)):
        if expected == "sign-in":
            assert response.status_code == HTTPStatus.FOUND
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == expected
    assert Node.objects.count() == before


def test_a_collaborator_who_may_read_a_members_only_plan_may_not_import_into_it(client, make_user, make_plan):
    members = make_plan("members-plan", visibility=Visibility.MEMBERS)
    client.force_login(make_user())
    assert client.get(import_url(members)).status_code == HTTPStatus.FORBIDDEN  # may read it, may not edit


@pytest.mark.parametrize(
    ("who", "expected"), [("visitor", "sign-in"), ("collaborator", 403), ("editor", 403), ("admin", 200)]
)
def test_new_plan_import_is_for_admins(client, make_user, plan, who, expected):
    users = {
        "collaborator": lambda: make_user(),
        "editor": lambda: make_user(plan=plan, role=Role.PUBLISHER),
        "admin": lambda: make_user(is_staff=True),
    }
    if who in users:
        client.force_login(users[who]())
    response = client.get(NEW_URL)
    if expected == "sign-in":
        assert response.status_code == HTTPStatus.FOUND
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected


def test_links_to_the_import_pages(editor_client, plan, client, make_user):
    outline = editor_client.get(reverse("plans:workspace", kwargs={"slug": plan.slug}))
    assert import_url(plan) in outline.text
    assert NEW_URL not in editor_client.get(reverse("plans:plan_list")).text
    client.force_login(make_user(is_staff=True))
    assert NEW_URL in client.get(reverse("plans:plan_list")).text


# --- Preview, then confirm -------------------------------------------------------------------------


def test_preview_of_pasted_text_shows_the_tree_references_and_repairs_and_writes_nothing(editor_client, plan):
    before = (Node.objects.count(), Reference.objects.count(), AuditLogEntry.objects.count())
    page = preview(editor_client, import_url(plan), text=PASTED)
    assert page.status_code == HTTPStatus.OK
    rows = [(row["number"], row["title"], row["kind"].value) for row in page.context["rows"]]
    # The draft has three top-level sections: the new ones follow them.
    assert rows == [
        ("4", "Scope", "narrative"),
        ("4.1", "Who is included", "narrative"),
        ("5", "Governance", "narrative"),
    ]
    html = page.text
    assert "Rejoined “collabo-” + “ration” as “collaboration”." in html
    assert page.context["kept"] == ["1"]  # the draft's own [1] is cited and kept
    assert page.context["missing_text"] == ["1", "7"]
    assert "[7]" in html
    assert (Node.objects.count(), Reference.objects.count(), AuditLogEntry.objects.count()) == before


def test_confirm_appends_the_sections_with_history_and_an_audit_entry(editor_client, editor, plan):
    page = preview(editor_client, import_url(plan), text=PASTED)
    response = confirm(editor_client, import_url(plan), page)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("plans:workspace", kwargs={"slug": plan.slug})
    assert numbered(plan)[-3:] == [
        ("4", "Scope", "narrative"),
        ("4.1", "Who is included", "narrative"),
        ("5", "Governance", "narrative"),
    ]
    scope = Node.objects.get(plan=plan, title="Scope")
    assert "collaboration, as set out in [1] and [7]." in scope.body
    record = scope.history.get()
    assert (record.history_user, record.history_change_reason) == (editor, "Imported")
    # [1] was the plan's already (kept, unchanged); [7] is new, still to be written.
    assert Reference.objects.get(plan=plan, label="1").text == "Code of Conduct"
    assert Reference.objects.get(plan=plan, label="7").text == ""
    entry = AuditLogEntry.objects.get(action=AuditAction.PLAN_IMPORTED)
    assert (entry.actor_id, entry.plan_slug) == (editor.pk, plan.slug)


def _json_export(plan, *, description="") -> bytes:
    version = plan_publish(plan=plan, user=None, notes="For export.")
    data = version_export(version)
    data["plan"]["description"] = description
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    ("name", "content", "titles"),
    [
        ("plan.txt", PASTED.encode(), ["Scope", "Who is included", "Governance"]),
        ("plan.md", MARKDOWN.encode(), ["Scope", "Who is included", "Governance"]),
        ("plan.txt", ("\ufeff" + PASTED.replace("\n", "\r\n")).encode(), ["Scope", "Who is included", "Governance"]),
    ],
)
def test_uploaded_text_and_markdown_files(editor_client, plan, name, content, titles):
    upload = SimpleUploadedFile(name, content, content_type="text/plain")
    page = preview(editor_client, import_url(plan), file=upload)
    assert page.status_code == HTTPStatus.OK, page.context["form"].errors
    assert [row["title"] for row in page.context["rows"]] == titles
    assert confirm(editor_client, import_url(plan), page).status_code == HTTPStatus.FOUND
    assert [title for _, title, _ in numbered(plan)[-len(titles) :]] == titles


def test_uploaded_json_export_keeps_kinds_and_fields(editor_client, plan):
    upload = SimpleUploadedFile("plan.json", _json_export(plan), content_type="application/json")
    page = preview(editor_client, import_url(plan), file=upload)
    assert page.status_code == HTTPStatus.OK
    assert page.context["parsed"].format == "json"
    assert confirm(editor_client, import_url(plan), page).status_code == HTTPStatus.FOUND
    copies = Node.objects.filter(plan=plan, title="Run a mentoring scheme").order_by("pk")
    assert [(n.kind, n.owner) for n in copies] == [(NodeKind.ACTION, "Mentoring subcommittee")] * 2
    assert [n for n, _, _ in numbered(plan)] == [
        *["1", "2", "2.1", "2.2", "3", "3.1", "3.1.1"],
        *["4", "5", "5.1", "5.2", "6", "6.1", "6.1.1"],
    ]
    assert Reference.objects.filter(plan=plan).count() == 1  # the same [1]: kept, not doubled


# --- Bad input: a clear message, nothing written ---------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"file": ("plan.pdf", b"%PDF-1.7\x00\x01\x02")}, "The file looks binary"),
        ({"file": ("plan.txt", "Café".encode("latin-1"))}, "not valid UTF-8"),
        ({"text": "Just a sentence with no heading at all."}, "No headings found"),
        ({"text": "   "}, "Paste the plan&#x27;s text or choose a file"),
        ({"text": PASTED, "file": ("plan.txt", PASTED.encode())}, "not both"),
        ({"text": "Our plan.\n\nA preamble sentence that has no heading.\n\n1 Scope\nText."}, "no place in the draft"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(editor_client, plan, data, message):
    if "file" in data:
        name, content = data["file"]
        data = {**data, "file": SimpleUploadedFile(name, content)}
    before = (Node.objects.count(), Reference.objects.count(), AuditLogEntry.objects.count())
    page = preview(editor_client, import_url(plan), **data)
    assert page.status_code == HTTPStatus.OK
    assert message in page.text
    assert "confirm" not in page.context
    assert (Node.objects.count(), Reference.objects.count(), AuditLogEntry.objects.count()) == before


@pytest.mark.parametrize("how", ["file", "text"])
def test_too_large_input_is_refused_with_the_limit(editor_client, plan, settings, how):
    settings.PLAN_IMPORT_MAX_BYTES = 1024 * 1024
    big = ("1 Scope\n" + "word " * 220_000).encode()
    data = {"file": SimpleUploadedFile("big.txt", big)} if how == "file" else {"text": big.decode()}
    page = preview(editor_client, import_url(plan), **data)
    assert "larger than the 1 MB the portal imports" in page.text
    assert not Node.objects.filter(plan=plan, title="Scope").exists()


def test_a_reference_label_with_other_text_is_refused(editor_client, plan):
    text = "1 Scope\nAs in [1].\n\nReferences\n[1] Another document entirely.\n"
    page = preview(editor_client, import_url(plan), text=text)
    assert "Reference [1] is in the plan&#x27;s reference list already, with other text" in page.text
    assert not Node.objects.filter(plan=plan, title="Scope").exists()


# --- Confirming is not trusting the browser --------------------------------------------------------


def test_a_changed_source_at_confirm_is_refused(editor_client, plan):
    page = preview(editor_client, import_url(plan), text=PASTED)
    form = page.context["confirm"]
    data = {"step": "confirm", "source": PASTED + "\n3 Smuggled\nNot previewed.\n", "token": form["token"].value()}
    response = editor_client.post(import_url(plan), data)
    assert response.status_code == HTTPStatus.FOUND
    assert not Node.objects.filter(plan=plan, title__in=["Scope", "Smuggled"]).exists()


def test_a_preview_of_one_plan_cannot_be_confirmed_on_another(client, make_user, make_plan, plan):
    other = make_plan("other-plan")
    user = make_user()
    for target in (plan, other):
        PlanRole.objects.create(plan=target, user=user, role=Role.EDITOR)
    client.force_login(user)
    page = preview(client, import_url(plan), text=PASTED)
    assert confirm(client, import_url(other), page).status_code == HTTPStatus.FOUND
    assert not Node.objects.filter(title="Scope").exists()


def test_the_draft_may_change_between_preview_and_confirm(editor_client, plan):
    page = preview(editor_client, import_url(plan), text=PASTED)
    Node.objects.create(plan=plan, parent=None, position=3, kind=NodeKind.NARRATIVE, title="Added meanwhile")
    assert confirm(editor_client, import_url(plan), page).status_code == HTTPStatus.FOUND
    assert [(n, t) for n, t, _ in numbered(plan)][-4:] == [
        ("4", "Added meanwhile"),
        ("5", "Scope"),
        ("5.1", "Who is included"),
        ("6", "Governance"),
    ]


# --- Kinds -------------------------------------------------------------------------------------------


def test_each_section_offers_only_the_kinds_allowed_where_it_stands(editor_client, plan):
    page = preview(editor_client, import_url(plan), text=PASTED)
    choices = {row["key"]: [kind.value for kind in row["choices"]] for row in page.context["rows"]}
    # "Scope" has a subsection: it cannot become a definition, which holds none.
    assert choices["1"] == ["narrative", "area"]
    assert choices["1.1"] == ["narrative", "definition", "area"]
    assert choices["2"] == ["narrative", "definition", "area"]
    assert 'name="kind-1.1"' in page.text


def test_kinds_chosen_in_the_preview_are_imported(editor_client, plan):
    page = preview(editor_client, import_url(plan), text=PASTED)
    response = confirm(editor_client, import_url(plan), page, **{"1": "area", "1.1": "narrative", "2": "definition"})
    assert response.status_code == HTTPStatus.FOUND
    assert numbered(plan)[-3:] == [
        ("4", "Scope", "area"),
        ("4.1", "Who is included", "narrative"),
        ("5", "Governance", "definition"),
    ]


@pytest.mark.parametrize(
    ("kinds", "message"),
    [
        ({"1": "definition"}, "a narrative section cannot go under a definition"),
        ({"2": "goal"}, "a goal cannot go at the top level"),
        ({"1": "nonsense"}, "is not a kind of section"),
        ({"9": "narrative"}, "There is no section 9"),
    ],
)
def test_a_kind_that_does_not_fit_is_refused_and_nothing_is_written(editor_client, plan, kinds, message):
    page = preview(editor_client, import_url(plan), text=PASTED)
    before = (Node.objects.count(), Reference.objects.count(), AuditLogEntry.objects.count())
    response = confirm(editor_client, import_url(plan), page, **kinds)
    assert response.status_code == HTTPStatus.OK
    assert message in response.text
    assert "Nothing was imported" in response.text
    assert (Node.objects.count(), Reference.objects.count(), AuditLogEntry.objects.count()) == before


def test_a_section_becoming_an_action_gets_the_initial_status(editor_client, plan):
    text = "1 Community engagement\nHow we reach out.\n\n1.1 Welcome newcomers\nWhy.\n\n1.1.1 Run a buddy scheme\n"
    page = preview(editor_client, import_url(plan), text=text)
    response = confirm(editor_client, import_url(plan), page, **{"1": "area", "1.1": "goal", "1.1.1": "action"})
    assert response.status_code == HTTPStatus.FOUND
    action = Node.objects.get(plan=plan, title="Run a buddy scheme")
    assert (action.kind, action.status) == (NodeKind.ACTION, "proposed")


# --- One transaction ------------------------------------------------------------------------------


def test_a_failure_after_the_sections_are_written_leaves_nothing(editor_client, plan, monkeypatch):
    page = preview(editor_client, import_url(plan), text=PASTED)

    def failing(*args, **kwargs):
        raise import_service.PlanImportError("Reference [7]: the database refused it.")

    monkeypatch.setattr(import_service, "_create_references", failing)
    before = (Node.objects.count(), Reference.objects.count(), AuditLogEntry.objects.count())
    response = confirm(editor_client, import_url(plan), page)
    assert response.status_code == HTTPStatus.OK
    assert "the database refused it" in response.text
    assert (Node.objects.count(), Reference.objects.count(), AuditLogEntry.objects.count()) == before


# --- A new plan ---------------------------------------------------------------------------------------


def test_admin_imports_a_new_plan_with_chosen_kinds(admin_client):
    data = {"slug": "new-plan", "title": "", "visibility": Visibility.MEMBERS}
    page = preview(admin_client, NEW_URL, text="Our DEI plan\n\n" + PASTED, **data)
    assert page.status_code == HTTPStatus.OK, page.context.get("form") and page.context["form"].errors
    assert [row["number"] for row in page.context["rows"]] == ["1", "1.1", "2"]
    assert not Plan.objects.filter(slug="new-plan").exists()
    response = confirm(admin_client, NEW_URL, page, **{"2": "definition"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == reverse("accounts:plan_people", kwargs={"slug": "new-plan"})
    plan = Plan.objects.get(slug="new-plan")
    assert (plan.title, plan.visibility) == ("Our DEI plan", Visibility.MEMBERS)
    assert numbered(plan) == [
        ("1", "Scope", "narrative"),
        ("1.1", "Who is included", "narrative"),
        ("2", "Governance", "definition"),
    ]
    assert not plan.versions.exists()


def test_admin_imports_a_json_export_as_a_new_plan(admin_client, plan):
    upload = SimpleUploadedFile("plan.json", _json_export(plan, description="From the export."))
    page = preview(admin_client, NEW_URL, file=upload, slug="copy", title="A copy", visibility=Visibility.PUBLIC)
    assert confirm(admin_client, NEW_URL, page).status_code == HTTPStatus.FOUND
    copy = Plan.objects.get(slug="copy")
    assert copy.description == "From the export."
    assert [(n, t) for n, t, _ in numbered(copy)] == [(n, t) for n, t, _ in numbered(plan)]


def test_a_taken_address_is_refused_before_the_preview(admin_client, plan):
    page = preview(admin_client, NEW_URL, text=PASTED, slug=plan.slug, visibility=Visibility.PUBLIC)
    assert "A plan with this address exists already" in page.text
    assert Plan.objects.count() == 1


def test_a_source_sent_back_with_browser_line_breaks_is_the_previewed_one(editor_client, plan):
    page = preview(editor_client, import_url(plan), text=PASTED)
    form = page.context["confirm"]
    source = form["source"].value().replace("\n", "\r\n")  # as browsers submit any form field
    response = editor_client.post(
        import_url(plan), {"step": "confirm", "source": source, "token": form["token"].value()}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert Node.objects.get(plan=plan, title="Who is included").body == "Students, staff and visitors."


def test_preview_and_confirm_queries_do_not_grow_with_the_sections(editor_client, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(sections: int) -> tuple[int, int]:
        text = "".join(f"{n} Section {n}\nText {n} [1].\n\n{n}.1 Part {n}\nMore.\n\n" for n in range(1, sections + 1))
        with CaptureQueriesContext(connection) as seen:
            page = preview(editor_client, import_url(plan), text=text)
        previewed = len(seen)
        with CaptureQueriesContext(connection) as seen:
            assert confirm(editor_client, import_url(plan), page).status_code == HTTPStatus.FOUND
        return previewed, len(seen)

    small, large = counts(2), counts(60)
    assert large[0] == small[0]
    # Rows are written in batches per level of the tree (SQLite splits a batch at its limit of
    # variables per query): 116 more sections cost a few queries, never one or more each.
    assert large[1] - small[1] < 10


def test_a_json_section_keeps_a_kind_that_holds_its_fields(editor_client, plan):
    upload = SimpleUploadedFile("plan.json", _json_export(plan), content_type="application/json")
    page = preview(editor_client, import_url(plan), file=upload)
    action = next(row for row in page.context["rows"] if row["title"] == "Run a mentoring scheme")
    assert action["choices"] == []  # its owner and status fit no other kind: no menu
    before = Node.objects.count()
    response = confirm(editor_client, import_url(plan), page, **{action["key"]: "indicator"})
    assert "fills in “Owner”, which an indicator does not have" in response.text
    assert Node.objects.count() == before
