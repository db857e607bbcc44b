"""The fast path: a visitor's request for a cached public page, answered before the rest of the stack.

Place PageCacheMiddleware right after SecurityMiddleware and WhiteNoiseMiddleware. For a
GET or HEAD under /plans/ without a session or messages cookie, it looks the page up (one
cache round trip: the entry, the plan's state and its generation) and, when the entry was
built for the plan's current state, sends it: no session, no user, no database, no view,
no template. SecurityMiddleware, outside it, still adds HSTS, nosniff, Referrer-Policy and
the rest; the headers of the middleware inside it (CSP, X-Frame-Options) were stored with
the page when it was first built.

On the way out it stores what `cached_page` built for such a request, once the inner
middleware has added its headers, unless one of them set a cookie (a session, a CSRF
token) or made a CSP nonce: a page that carries those is not everyone's.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.utils.cache import cc_delim_re

from .connection import page_store, today
from .pages import ANONYMOUS
from .state import generation_key, state_from_cache, state_is_current, state_key
from .store import UNSTORED_HEADERS, Entry, Pending, entry_from_cache, path_key, respond

PREFIX = "/plans/"


def visitor_entry(path_info: str, query_string: str, *, may_query: bool) -> Entry | None:
    """The visitors' entry for this URL under /plans/, if it was built for the plan's current
    state. One cache round trip: the entry, the plan's state and its generation. A state that
    must be read again comes from the database if `may_query`, else the answer is None."""
    slug = path_info[len(PREFIX) :].split("/", 1)[0]
    key, plan_key, gen_key = path_key(ANONYMOUS, path_info, query_string), state_key(slug), generation_key(slug)
    found = page_store().get_many([key, plan_key, gen_key])
    entry = entry_from_cache(found.get(key))
    if entry is None:
        return None
    stored, generation = found.get(plan_key), found.get(gen_key)
    if not may_query and not state_is_current(stored, generation):
        return None
    state = state_from_cache(slug, stored, generation)
    if state is None or not state.is_public or entry.token != state.token(entry.kind, today()):
        return None
    return entry


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.cookies = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        anonymous = (
            request.method in ("GET", "HEAD")
            and request.path_info.startswith(PREFIX)
            and not any(name in request.COOKIES for name in self.cookies)
        )
        if anonymous:
            response = self.hit(request)
            if response is not None:
                return response
        request._page_cache_middleware = True
        response = self.get_response(request)
        pending = getattr(response, "_page_cache_pending", None)
        if pending is not None and anonymous:
            self.store(request, response, pending)
        return response

    def hit(self, request: HttpRequest) -> HttpResponse | None:
        """The cached page for this visitor's request, or None to let the stack answer."""
        # As the rest of the stack would: 400 for a Host that is not in ALLOWED_HOSTS.
        request.get_host()
        entry = visitor_entry(request.path_info, request.META.get("QUERY_STRING", ""), may_query=True)
        return respond(request, entry) if entry is not None else None

    def store(self, request: HttpRequest, response: HttpResponse, pending: Pending) -> None:
        vary = [name for name in cc_delim_re.split(response.get("Vary", "")) if name and name.lower() != "cookie"]
        # Nothing in the page depends on cookies: the session was only asked for messages (none).
        if vary:
            response["Vary"] = ", ".join(vary)
        elif "Vary" in response:
            del response["Vary"]
        if response.status_code not in (200, 304) or response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            return
        if isinstance(getattr(request, "_csp_nonce", None), str):
            return
        names = {name.lower() for name, _ in pending.entry.headers} | UNSTORED_HEADERS
        added = tuple((name, value) for name, value in response.items() if name.lower() not in names)
        pending.with_headers(pending.entry.headers + added).save()
