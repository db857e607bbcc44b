"""Public pages of a plan served from the page cache, for each audience.

Decorate a public view of a plan with `cached_page(...)` (inside `require_safe` and any
redirecting decorator). The view's whole response is stored once per audience and URL,
and served again as long as the plan's state says nothing it shows has changed.

Audiences: what the page shows depends on nothing else.
- "anon": visitors. PageCacheMiddleware stores the response on its way out (with every
  header the middleware inside it adds: CSP, X-Frame-Options) and serves it itself to
  requests without a session or messages cookie: no session, no database, no template.
  Members-only plans never get an anonymous entry: a visitor's request for one is always
  answered by the view (404, or the sign-in page).
- "in-reader", "in-editor", "in-publisher": signed-in people, by their role on this plan.
  Their requests go through the whole middleware stack as always (sessions, the MFA
  requirement...). The stored page has the per-person regions of base.html cut out (the
  `user_nav` and `messages` partials: who is signed in, the sign-out form with its CSRF
  token, messages); each hit renders those two small partials for the person and puts
  them back. A role change changes the audience at once; signing out makes a visitor.

What a template on a cached page must not do: show something that depends on the person
(their follow state...) outside those two regions. A page with a CSRF token or a CSP nonce
outside them is never stored (that is checked); anything else per person must go inside a
region, or its view calls `page_cache_exempt(request)`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from functools import wraps

from django.conf import settings
from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.http import parse_http_date_safe

from ..permissions import can_read, role_of
from .connection import today
from .state import DOCUMENT, plan_state
from .store import Entry, Pending, body_get, build_entry, entry_get, entry_key, respond, stored_headers

ANONYMOUS = "anon"
# The per-person regions of base.html, in page order: (partial, start marker, end marker).
REGIONS = (
    ("base.html#user_nav", b"<!--pc:user-->", b"<!--/pc:user-->"),
    ("base.html#messages", b"<!--pc:messages-->", b"<!--/pc:messages-->"),
)
# What a page must not hold outside the per-person regions to be shared.
CSRF_MARKS = (b"csrfmiddlewaretoken", b"X-CSRFToken")


def page_cache_exempt(request: HttpRequest) -> None:
    """Never store this request's response (a page that shows something per person)."""
    request._page_cache_exempt = True


def audience_of(request: HttpRequest, plan) -> str:
    """Who the page is for: anonymous, or signed in with a role (or none) on this plan."""
    user = request.user
    if not user.is_authenticated:
        return ANONYMOUS
    return f"in-{role_of(user, plan) or 'reader'}"


def cached_page(
    *, kind: str = DOCUMENT, query: Collection[str] = (), immutable: bool = False
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Serve a public view `view(request, slug, **kwargs)` of a plan from the page cache.

    `kind`: DOCUMENT for pages built from published versions only, DATA for pages that show
    live data too (dashboards, reports: stored per day). `query`: the query parameters the
    page reads; a request with any other is answered by the view and not stored.
    `immutable`: the page never changes (a numbered version, its exports): shared caches
    may keep it PUBLISHED_VERSION_MAX_AGE seconds; other pages are revalidated every time.
    """
    allowed = frozenset(query)

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, slug: str, **kwargs) -> HttpResponse:
            state = plan_state(slug)
            if state is None or state.latest_id is None:
                return view(request, slug, **kwargs)  # its 404
            plan = state.plan()
            if not can_read(request.user, plan):
                return view(request, slug, **kwargs)  # its 404, or the sign-in page
            audience = audience_of(request, plan)
            cacheable = _cacheable(request, allowed)
            if cacheable:
                key = entry_key(audience, request)
                token = state.token(kind, today())
                entry = entry_get(key)
                if entry is not None and entry.token == token:
                    response = _serve(request, entry, audience)
                    if response is not None:
                        return response
            response = view(request, slug, **kwargs)
            if response.status_code != 200 or response.streaming:
                return response
            set_cache_control(response, audience=audience, immutable=immutable)
            if not cacheable or not _storable(request, response):
                return response
            pending = _pending(response, key=key, kind=kind, token=token, audience=audience)
            if pending is None:
                return response
            if audience != ANONYMOUS:
                pending.save()
                return _serve(request, pending.entry, audience, pending=pending) or response
            result = respond(request, pending.entry, pending=pending)
            if getattr(request, "_page_cache_middleware", False):
                # The middleware stores it on the way out, with the headers added inside it.
                result._page_cache_pending = pending
            else:
                pending.save()
            return result

        return wrapped

    return decorator


def set_cache_control(response: HttpResponse, *, audience: str, immutable: bool) -> None:
    """Browsers revalidate every HTML page (one page, several audiences: a 304 or the right
    copy); shared caches may keep a visitor's copy of a page that never changes."""
    if audience != ANONYMOUS:
        response["Cache-Control"] = "private, no-cache"
    elif not immutable:
        response["Cache-Control"] = "public, max-age=0, must-revalidate"
    elif response.get("Content-Type", "").startswith("text/html"):
        response["Cache-Control"] = f"public, max-age=0, s-maxage={settings.PUBLISHED_VERSION_MAX_AGE}"
    else:
        response["Cache-Control"] = f"public, max-age={settings.PUBLISHED_VERSION_MAX_AGE}"


def _cacheable(request: HttpRequest, allowed: frozenset[str]) -> bool:
    if request.method not in ("GET", "HEAD") or request.headers.get("HX-Request"):
        return False  # an htmx request may get a fragment of the page
    return all(name in allowed for name in request.GET)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if getattr(request, "_page_cache_exempt", False) or response.cookies:
        return False
    # A CSP nonce in a shared page would be the same for everyone: no nonce at all.
    return not isinstance(getattr(request, "_csp_nonce", None), str)


def _split(body: bytes) -> list[bytes] | None:
    """The page's parts around its per-person regions, with the regions' contents in between
    ([before, region 1, between, region 2, after]); None if it has not got them."""
    parts, position = [], 0
    for _, start, end in REGIONS:
        begin = body.find(start, position)
        finish = body.find(end, begin + len(start)) if begin >= 0 else -1
        if finish < 0:
            return None
        parts += [body[position:begin], body[begin : finish + len(end)]]
        position = finish + len(end)
    parts.append(body[position:])
    return parts


def _pending(response: HttpResponse, *, key: str, kind: str, token: str, audience: str) -> Pending | None:
    """The entry to store for this response, or None when it must not be shared."""
    body = response.content
    is_html = response.get("Content-Type", "").startswith("text/html")
    parts = _split(body) if is_html else None
    if is_html and parts is None and audience != ANONYMOUS:
        return None  # a signed-in page without both regions: who is signed in cannot be cut out
    shared = b"".join(parts[0::2]) if parts else body
    if is_html and any(mark in shared for mark in CSRF_MARKS):
        return None  # someone's CSRF token would be handed to everyone
    cuts: tuple[int, ...] = ()
    if audience != ANONYMOUS and parts:
        body, cuts = shared, (len(parts[0]), len(parts[2]))
    elif audience == ANONYMOUS and parts and parts[3][len(REGIONS[1][1]) : -len(REGIONS[1][2])].strip():
        return None  # it shows messages: they were for this request only
    return build_entry(
        key=key,
        kind=kind,
        token=token,
        body=body,
        headers=stored_headers(response),
        last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
        cuts=cuts,
    )


def _has_messages(request: HttpRequest) -> bool:
    return len(get_messages(request)) > 0


def _regions(request: HttpRequest) -> list[bytes]:
    return [render_to_string(name, request=request).encode() for name, _, _ in REGIONS]


def _serve(request: HttpRequest, entry: Entry, audience: str, *, pending: Pending | None = None) -> HttpResponse | None:
    """The stored page for this request, with the person's regions filled in where needed."""
    if audience == ANONYMOUS:
        if not _has_messages(request):
            return respond(request, entry, pending=pending)
        body = pending.body if pending else body_get(entry.body)
        parts = _split(body) if body is not None else None
        if parts is None:
            return respond(request, entry, pending=pending)
        user, messages = _regions(request)
        response = respond(request, entry, body=parts[0] + user + parts[2] + messages + parts[4], conditional=False)
        if response is not None:
            response["Cache-Control"] = "private, no-store"  # the messages were for this request only
        return response
    body = pending.body if pending else body_get(entry.body)
    if body is None:
        return None
    if not entry.cuts:  # an export: nothing per person in it
        return respond(request, entry, pending=pending, etag=_person_etag(request, entry, audience))
    has_messages = _has_messages(request)
    user, messages = _regions(request)
    first, second = entry.cuts
    filled = body[:first] + user + body[first : first + second] + messages + body[first + second :]
    if has_messages:
        response = respond(request, entry, body=filled, conditional=False)
        if response is not None:
            response["Cache-Control"] = "private, no-store"
        return response
    return respond(request, entry, body=filled, etag=_person_etag(request, entry, audience))


def _person_etag(request: HttpRequest, entry: Entry, audience: str) -> str:
    """The ETag of a signed-in person's copy: the page, who they are, and their CSRF secret
    (a copy kept from before they signed in again would hold a token no longer valid)."""
    user = request.user
    mix = "|".join(
        str(part)
        for part in (
            entry.etag,
            audience,
            user.pk,
            user.get_username(),
            getattr(user, "email", ""),
            user,
            user.is_staff,
            request.META.get("CSRF_COOKIE", ""),
        )
    )
    return f'"{hashlib.blake2b(mix.encode(), digest_size=16).hexdigest()}"'
