"""Every URL of the portal, for every role, on a public, a members-only and an unpublished plan.

Each route must be named in ROUTES with its audience; a new route that is not classified fails
`test_every_route_is_classified`, so nothing new escapes the matrix. For each cell (route x role
x plan) the test asks the page with GET, and with a POST that has no CSRF token, and checks:

- no server error, ever;
- the audience rule: who gets the page, who gets 403, 404 or the sign-in page;
- a plan the requester may not read is never named (its title is not in the answer);
- a POST without a CSRF token is refused (403), except on the endpoints that take none.
"""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from audit.models import AuditLogEntry
from consultations.models import Comment, ReviewRequest, ShareLink
from plans.models import Node, Reference, Visibility
from tests.security.conftest import World

# Who may open a route (GET):
PUBLIC = "public"  # readers of a published plan
WORKSPACE = "workspace"  # the plan's editors and publishers
PUBLISHER = "publisher"  # the plan's publishers only
ADMIN = "admin"  # staff
SIGNED_IN = "signed-in"  # any signed-in account (their own settings)
ANYONE = "anyone"  # no plan behind it: sign-in pages, health, the list of plans
TOKEN = "token"  # opened by a secret in the URL (invitations)
# Readers of a published plan, and readers of a plan not yet published while a consultation on its
# first draft is open (every plan of the world has one open, to signed-in members on the members-only plan).
CONSULTATION = "consultation"

ROUTES: dict[str, str] = {
    "plans:plan_list": ANYONE,
    "plans:plan_detail": PUBLIC,
    "plans:version_list": PUBLIC,
    "plans:version_detail": PUBLIC,
    "plans:version_json": PUBLIC,
    "plans:version_markdown": PUBLIC,
    "plans:compare_pick": PUBLIC,
    "plans:compare": PUBLIC,
    "plans:unpublished_changes": WORKSPACE,
    "plans:workspace": WORKSPACE,
    "plans:outline_subtree": WORKSPACE,
    "plans:node_add": WORKSPACE,
    "plans:workspace_import": WORKSPACE,
    "plans:plan_import": ADMIN,
    "plans:workspace_preview": WORKSPACE,
    "plans:deleted_nodes": WORKSPACE,
    "plans:recent_changes": WORKSPACE,
    "plans:workspace_publish": PUBLISHER,
    "plans:plan_settings": PUBLISHER,
    "plans:workspace_references": WORKSPACE,
    "plans:reference_add": WORKSPACE,
    "plans:reference_edit": WORKSPACE,
    "plans:reference_delete": WORKSPACE,
    "plans:node_edit": WORKSPACE,
    "plans:node_move": WORKSPACE,
    "plans:node_delete": WORKSPACE,
    "plans:node_restore": WORKSPACE,
    "plans:node_history": WORKSPACE,
    "plans:node_compare": WORKSPACE,
    "plans:node_revert": WORKSPACE,
    "plans:node_change_kind": WORKSPACE,
    "tracking:actions": PUBLIC,
    "tracking:actions_csv": PUBLIC,
    "tracking:actions_json": PUBLIC,
    "tracking:indicators": PUBLIC,
    "tracking:indicators_csv": PUBLIC,
    "tracking:indicators_json": PUBLIC,
    "tracking:report_list": PUBLIC,
    "tracking:report": PUBLIC,
    "tracking:progress_list": WORKSPACE,
    "tracking:progress_post": WORKSPACE,
    "tracking:progress_delete": WORKSPACE,
    "tracking:measurement_list": WORKSPACE,
    "tracking:measurement_record": WORKSPACE,
    "tracking:measurement_delete": WORKSPACE,
    "tracking:measurement_import": WORKSPACE,
    "tracking:measurement_template": WORKSPACE,
    "accounts:people": ADMIN,
    "accounts:invite": ADMIN,
    "accounts:invitation_withdraw": ADMIN,
    "accounts:plan_people": ADMIN,
    "accounts:role_set": ADMIN,
    "accounts:account_list": ADMIN,
    "accounts:account_deactivate": ADMIN,
    "accounts:account_reactivate": ADMIN,
    "accounts:audit_log": ADMIN,
    "accounts:invitation_accept": TOKEN,
    "notifications:subscribe": PUBLIC,
    "notifications:confirm": TOKEN,
    "notifications:unsubscribe": TOKEN,
    "notifications:manage": SIGNED_IN,
    "accounts:name": SIGNED_IN,
    "notifications:committee_settings": WORKSPACE,
    "plans:version_pdf": PUBLIC,
    "plans:section_permalink": PUBLIC,
    "plans:plan_feed": "public-plans-only",
    "plans:feed": ANYONE,
    "tracking:report_pdf": PUBLIC,
    "search:plan_search": PUBLIC,
    "search:search_all": ANYONE,
    "favicon": ANYONE,
    "healthz": ANYONE,
    "csp_report": ANYONE,
    "consultations:consultation": CONSULTATION,
    "consultations:heard": PUBLIC,
    "consultations:share": PUBLISHER,
    "consultations:share_revoke": PUBLISHER,
    "consultations:review": TOKEN,
    "consultations:comment_post": CONSULTATION,
    "consultations:support": PUBLIC,
    "consultations:committee": WORKSPACE,
    "consultations:open": PUBLISHER,
    "consultations:extend": PUBLISHER,
    "consultations:close": PUBLISHER,
    "consultations:export_csv": WORKSPACE,
    "consultations:export_json": WORKSPACE,
    "consultations:item": WORKSPACE,
    "consultations:item_answer": WORKSPACE,
    "consultations:item_hide": WORKSPACE,
    "consultations:item_accept": WORKSPACE,
    "consultations:review_request": WORKSPACE,
    "consultations:review_ask": WORKSPACE,
    "consultations:review_decide": PUBLISHER,
    "consultations:review_withdraw": WORKSPACE,
}
# allauth's own pages (sign-in, password, two-factor, sessions): no plan behind them.
ALLAUTH_PREFIXES = ("account_", "mfa_", "usersessions_")
# Routes that only take POST (a GET is 405 for everyone, before any plan is looked up).
POST_ONLY = {
    "plans:workspace_preview",
    "csp_report",
    "accounts:role_set",
    "accounts:invitation_withdraw",
    "accounts:account_deactivate",
    "accounts:account_reactivate",
    "consultations:support",
    "consultations:share_revoke",
    "consultations:item_answer",
    "consultations:item_hide",
    "consultations:item_accept",
    "consultations:review_ask",
    "consultations:review_decide",
    "consultations:review_withdraw",
}
# Query strings some pages need to show what they show.
QUERIES: dict[str, str] = {"plans:node_compare": "?from={history_id}&to={history_id}"}
# Endpoints that browsers or mail clients call without a CSRF token, by design.
NO_CSRF_TOKEN = {"csp_report", "account_reset_password_from_key", "notifications:unsubscribe"}

# "link_holder" is a visitor who holds the plan's review link (/review/<token>/): that page opens
# for them on every plan, and everything else answers as it does to any visitor.
ROLES = ["visitor", "collaborator", "editor", "publisher", "admin", "other_editor", "link_holder"]
ANONYMOUS = ("visitor", "link_holder")
SHARED = "consultations:review"  # the route a review link opens
PLANS = [Visibility.PUBLIC, Visibility.MEMBERS, "unpublished"]


def _routes() -> list[tuple[str, URLPattern, str]]:
    """(name, pattern, route text) of every named route outside the Django admin."""
    found = []

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for item in patterns:
            if isinstance(item, URLResolver):
                if str(item.pattern).startswith("admin/"):
                    continue
                walk(item.url_patterns, prefix + str(item.pattern), item.namespace or namespace)
            elif item.name:
                name = f"{namespace}:{item.name}" if namespace else item.name
                found.append((name, item, prefix + str(item.pattern)))

    walk(get_resolver().url_patterns, "", None)
    return found


def _audience(name: str) -> str:
    if name in ROUTES:
        return ROUTES[name]
    if name.startswith(ALLAUTH_PREFIXES):
        return ANYONE
    raise KeyError(name)


def test_every_route_is_classified():
    unclassified = []
    for name, _pattern, _route in _routes():
        try:
            _audience(name)
        except KeyError:
            unclassified.append(name)
    assert not unclassified, f"Say in ROUTES who may open these routes: {unclassified}"


# Routes whose node_id / pk mean something more specific than "a live section".
PARAMETERS: dict[str, dict[str, str]] = {
    "plans:node_restore": {"node_id": "deleted_node_id"},
    "tracking:progress_post": {"node_id": "action_id"},
    "tracking:progress_delete": {"node_id": "action_id", "pk": "update_id"},
    "tracking:measurement_record": {"node_id": "indicator_id"},
    "tracking:measurement_delete": {"node_id": "indicator_id", "pk": "measurement_id"},
}


def _url(
    name: str, pattern: URLPattern, route: str, ids: dict[str, object], world: World, role: str = "visitor"
) -> str | None:
    """The route's URL filled in with the world's values, or None if it takes values we have no fixture for.

    Only the link holder has the plan's real review token; everyone else tries a forged one."""
    names = PARAMETERS.get(name, {})
    values = {}
    for parameter in pattern.pattern.converters:
        key = names.get(parameter, parameter)
        if name == SHARED and role == "link_holder":
            values[parameter] = ids["review_token"]
        elif key in ids:
            values[parameter] = ids[key]
        elif parameter == "user_id":
            values[parameter] = world.users["editor"].pk
        elif parameter == "pk":
            values[parameter] = 1
        elif parameter in ("key", "token"):
            values[parameter] = "not-a-real-key"
        else:
            return None
    if not pattern.pattern.converters and "(?P<" in route:
        return None  # a regular-expression route (allauth's password reset key): tried by allauth's own tests
    url = "/" + route
    for parameter, value in values.items():
        url = re.sub(rf"<(?:\w+:)?{parameter}>", str(value), url)
    return url + QUERIES.get(name, "").format(**ids)


def _client(world: World, role: str, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    if role not in ANONYMOUS:
        client.force_login(world.users[role])
    return client


def _may_read(role: str, plan_key: str) -> bool:
    if plan_key == "unpublished":
        return False
    return plan_key == Visibility.PUBLIC or role not in ANONYMOUS


def _is_sign_in(response) -> bool:
    return response.status_code == HTTPStatus.FOUND and "/accounts/login/" in response["Location"]


def _check_get(name: str, audience: str, role: str, plan_key: str, response) -> str | None:
    """What is wrong with this answer, or None."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status == HTTPStatus.METHOD_NOT_ALLOWED:
        return None if name in POST_ONLY else "GET refused with 405"
    on_plan = role in ("editor", "publisher")
    if name == SHARED:  # a bearer link: whoever holds it reads the shared draft, on any plan
        if role == "link_holder":
            return None if status == 200 else f"link holder refused ({status})"
        return None if status == 404 else f"forged review token answered {status}"
    if audience == "public-plans-only":  # feeds: members-only plans have none, for anyone
        if plan_key == Visibility.PUBLIC:
            return None if status == 200 else f"feed refused ({status})"
        return None if status == 404 else f"feed of a {plan_key} plan answered {status}"
    if audience == CONSULTATION:
        plan_key = Visibility.PUBLIC if plan_key == "unpublished" else plan_key  # its consultation is open to all
    if audience in (PUBLIC, CONSULTATION):
        if _may_read(role, plan_key):
            return None if status in (200, 301, 302, 304) else f"reader refused ({status})"
        return None if status == 404 or _is_sign_in(response) else f"non-reader got {status}"
    if audience in (WORKSPACE, PUBLISHER):
        if role in ANONYMOUS:
            return None if _is_sign_in(response) else f"visitor got {status}"
        allowed = role == "publisher" or (role == "editor" and audience == WORKSPACE)
        if allowed:
            return None if status in (200, 302) else f"committee member refused ({status})"
        if role == "editor" and on_plan:
            return None if status == 403 else f"editor on a publisher page got {status}"
        return None if status in (403, 404) else f"{role} got {status}"
    if audience == ADMIN:
        if role in ANONYMOUS:
            return None if _is_sign_in(response) else f"visitor got {status}"
        if role == "admin":
            return None if status in (200, 302, 404, 405) else f"admin refused ({status})"
        return None if status in (403, 404) else f"{role} got {status}"
    if audience == SIGNED_IN:
        if role in ANONYMOUS:
            return None if _is_sign_in(response) else f"visitor got {status}"
        return None if status == 200 else f"{role} refused ({status})"
    return None  # ANYONE, TOKEN: only "no server error" and "no leak" apply


@pytest.mark.parametrize("plan_key", PLANS)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role, plan_key, record_property):
    plan = world.plans[plan_key]
    ids = world.ids[plan_key]
    reader, csrf_client = _client(world, role), _client(world, role, csrf=True)
    problems, cells = [], 0
    for name, pattern, route in _routes():
        url = _url(name, pattern, route, ids, world, role)
        if url is None:
            continue
        if "<slug" not in route and plan_key != Visibility.PUBLIC and name != SHARED:
            continue  # routes without a plan are the same on every plan: tried once
        audience = _audience(name)
        cells += 1
        response = reader.get(url)
        problem = _check_get(name, audience, role, plan_key, response)
        insider = role in ("editor", "publisher", "admin")  # the committee and admins know their plans
        first_draft = audience == CONSULTATION and plan_key == "unpublished"  # consulted on before publishing
        readable = _may_read(role, Visibility.PUBLIC if first_draft else plan_key)
        hidden = "<slug" in route and not readable and not insider
        if problem is None and hidden and plan.title.encode() in response.content:
            problem = "names a plan the requester may not read"
        if problem:
            problems.append(f"GET {url} ({name}): {problem}")
        posted = csrf_client.post(url, data={})
        if posted.status_code >= 500:
            problems.append(f"POST {url} ({name}): server error {posted.status_code}")
        elif name not in NO_CSRF_TOKEN and posted.status_code not in (403, 405) and not _is_sign_in(posted):
            problems.append(f"POST {url} ({name}) without a CSRF token answered {posted.status_code}")
    record_property("cells", cells)
    assert cells > 40
    assert not problems, "\n".join(problems)


def _written(world: World) -> tuple:
    """A fingerprint of what a POST could have written: audit entries, section history, consultation rows."""
    return (
        AuditLogEntry.objects.count(),
        Node.history.count(),
        Reference.history.count(),
        Comment.objects.exclude(answer_status="").count(),
        Comment.objects.exclude(hidden_at=None).count(),
        ShareLink.objects.exclude(revoked_at=None).count(),
        tuple(ReviewRequest.objects.order_by("pk").values_list("state", flat=True)),
    )


@pytest.mark.parametrize("plan_key", PLANS)
@pytest.mark.parametrize("role", ROLES)
def test_committee_and_admin_posts_with_a_valid_token(world, role, plan_key):
    """Every committee, publisher and admin route, POSTed with a valid CSRF token (and an empty form):
    those who may act are let in (a form error, a redirect or a page); nobody else is, and then
    nothing is written."""
    ids = world.ids[plan_key]
    client = _client(world, role)  # CSRF checks off: the token is taken as valid
    problems = []
    for name, pattern, route in _routes():
        audience = ROUTES.get(name)
        if audience not in (WORKSPACE, PUBLISHER, ADMIN) or "<slug" not in route:
            continue
        url = _url(name, pattern, route, ids, world, role)
        if url is None:
            continue
        before = _written(world)
        response = client.post(url, data={})
        status = response.status_code
        if audience == ADMIN:
            allowed = role == "admin"
        else:
            allowed = role == "publisher" or (role == "editor" and audience == WORKSPACE)
        if status >= 500:
            problems.append(f"POST {url} ({name}): server error {status}")
        elif status == HTTPStatus.METHOD_NOT_ALLOWED:  # a page that takes no POST, for anyone
            if _written(world) != before:
                problems.append(f"POST {url} ({name}): refused with 405 but something was written")
        elif allowed:
            if status == 403 or _is_sign_in(response):
                problems.append(f"POST {url} ({name}): {role} refused ({status})")
        else:
            if status not in (403, 404) and not _is_sign_in(response):
                problems.append(f"POST {url} ({name}): {role} let in ({status})")
            if _written(world) != before:
                problems.append(f"POST {url} ({name}): {role} was refused but something was written")
    assert not problems, "\n".join(problems)
