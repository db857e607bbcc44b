"""The fastest path: a visitor's hit answered at the WSGI door, before Django's request handling.

Django's handler costs more per request than serving a cached page does: building the request,
the request_started and request_finished signals, the middleware chain, the response object.
`PageCacheApplication` wraps the WSGI application (dei_portal/wsgi.py) and answers a visitor's
GET or HEAD for a cached page itself, when everything Django would do before
PageCacheMiddleware is known to change nothing but headers:

- the only middleware before PageCacheMiddleware is listed in PAGE_CACHE_OUTER_MIDDLEWARE
  (middleware that adds the same headers to every response to a public page, such as
  SecurityMiddleware); else this path turns itself off and every request goes to Django;
- the Host is one ALLOWED_HOSTS accepts, and the request is not one SecurityMiddleware would
  redirect to https;
- the page's entry and the plan's state are in the cache and current: anything that needs the
  database (a state to read again) goes to Django, where connections are looked after.

It then sends the stored page with the headers that outer middleware adds (SecurityMiddleware:
HSTS on secure requests, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy), found by
running it once per process on an empty response. Everything else (misses, signed-in people,
other pages) goes to Django, where PageCacheMiddleware serves and stores as usual.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from http import HTTPStatus

from django.conf import settings
from django.core.handlers.wsgi import WSGIRequest
from django.core.signals import setting_changed
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils.module_loading import import_string

from .middleware import PREFIX, PageCacheMiddleware, visitor_entry
from .store import serve

logger = logging.getLogger(__name__)

MIDDLEWARE = f"{PageCacheMiddleware.__module__}.{PageCacheMiddleware.__qualname__}"
STATUS_LINES = {status.value: f"{status.value} {status.phrase}" for status in (HTTPStatus.OK, HTTPStatus.NOT_MODIFIED)}


class PageCacheApplication:
    def __init__(self, application: Callable) -> None:
        self.application = application

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") in ("GET", "HEAD") and environ.get("PATH_INFO", "").startswith(PREFIX):
            found = self.hit(environ)
            if found is not None:
                status, headers, body = found
                start_response(STATUS_LINES[status], headers)
                return [body]
        return self.application(environ, start_response)

    def hit(self, environ: dict) -> tuple[int, list[tuple[str, str]], bytes] | None:
        config = _config()
        path = environ["PATH_INFO"]
        if config is None or not path.isascii() or _has_cookies(config, environ.get("HTTP_COOKIE", "")):
            return None
        if not _host_allowed(config, environ):
            return None  # Django answers 400
        secure = _is_secure(config, environ)
        if config.ssl_redirect and not secure:
            return None  # Django redirects
        entry = visitor_entry(path, environ.get("QUERY_STRING", ""), may_query=False)
        if entry is None:
            return None
        found = serve(environ, entry)
        if found is None:
            return None
        status, headers, body = found
        return status, headers + _outer_headers(secure), body


@dataclass(frozen=True)
class _Config:
    """The settings this path reads, read once (a settings lookup is not free at this speed)."""

    allowed_hosts: tuple[str, ...]
    use_x_forwarded_host: bool
    proxy_ssl_header: tuple[str, str] | None
    ssl_redirect: bool
    session_cookie: str
    outer: tuple[str, ...]  # the middleware before PageCacheMiddleware, outermost first


@cache
def _config() -> _Config | None:
    """The settings, or None when this path must stay off (see the module's docstring)."""
    middleware = list(settings.MIDDLEWARE)
    if MIDDLEWARE not in middleware:
        return None
    before = middleware[: middleware.index(MIDDLEWARE)]
    unknown = [path for path in before if path not in settings.PAGE_CACHE_OUTER_MIDDLEWARE]
    if unknown:
        logger.warning(
            "The page cache's WSGI path is off: %s come before %s (see PAGE_CACHE_OUTER_MIDDLEWARE).",
            ", ".join(unknown),
            MIDDLEWARE,
        )
        return None
    return _Config(
        allowed_hosts=tuple(settings.ALLOWED_HOSTS),
        use_x_forwarded_host=settings.USE_X_FORWARDED_HOST,
        proxy_ssl_header=settings.SECURE_PROXY_SSL_HEADER,
        ssl_redirect=settings.SECURE_SSL_REDIRECT,
        session_cookie=settings.SESSION_COOKIE_NAME,
        outer=tuple(before),
    )


def _has_cookies(config: _Config, header: str) -> bool:
    """Does the request carry a session or messages cookie (so Django must see who it is)?"""
    if not header:
        return False
    cookies = parse_cookie(header)
    return config.session_cookie in cookies or "messages" in cookies


def _host_allowed(config: _Config, environ: dict) -> bool:
    # As HttpRequest.get_host() reads it.
    if config.use_x_forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
        host = environ["HTTP_X_FORWARDED_HOST"]
    elif "HTTP_HOST" in environ:
        host = environ["HTTP_HOST"]
    else:
        return False
    domain, _ = split_domain_port(host)
    return bool(domain) and validate_host(domain, config.allowed_hosts)


def _is_secure(config: _Config, environ: dict) -> bool:
    # As HttpRequest.scheme reads it.
    if config.proxy_ssl_header:
        header, secure_value = config.proxy_ssl_header
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


@cache
def _outer_headers(secure: bool) -> list[tuple[str, str]]:
    """The headers the middleware before PageCacheMiddleware adds to a response to a (secure or
    plain) request for a public page: found by running that middleware once, on an empty response."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": PREFIX,
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "443" if secure else "80",
        "wsgi.url_scheme": "https" if secure else "http",
        "wsgi.input": io.BytesIO(),
    }
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = secure_value if secure else "http"
    blank = HttpResponse()
    chain: Callable = lambda request: blank  # noqa: E731 -- the innermost step: what the page cache returns
    for path in reversed(_config().outer):
        chain = import_string(path)(chain)
    response = chain(WSGIRequest(environ))
    return [(name, value) for name, value in response.items() if name.lower() not in _BLANK_HEADERS]


_BLANK_HEADERS = frozenset(name.lower() for name in HttpResponse().headers)
_READ_SETTINGS = frozenset(
    {"MIDDLEWARE", "PAGE_CACHE_OUTER_MIDDLEWARE", "ALLOWED_HOSTS", "USE_X_FORWARDED_HOST", "SESSION_COOKIE_NAME"}
)


def _settings_changed(*, setting: str, **kwargs) -> None:
    # Tests that change the settings these read.
    if setting in _READ_SETTINGS or setting.startswith("SECURE_"):
        _config.cache_clear()
        _outer_headers.cache_clear()


setting_changed.connect(_settings_changed, dispatch_uid="page_cache_wsgi_settings_changed")
