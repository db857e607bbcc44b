"""Warm after publish: build the new version's pages before the first reader asks for them.

`version_warm` runs when the publishing transaction has committed, in the process that
published (no background worker is needed: it takes about as long as one first render of
each page, a fraction of a second for a 500-section plan). It renders the version's document
(for every plan: the slow part, shared by every audience), then, for a public plan, asks the
portal itself for each page a visitor would open first, through the whole middleware stack
as an anonymous request, so the page cache stores them exactly as it would have for the
first visitor.

With the default per-process cache only the publishing process is warmed (the others build
the pages on their first request); with Redis every process and server shares them.
"""

from __future__ import annotations

import io
import logging
import sys
import time
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.handlers.base import BaseHandler
from django.core.handlers.wsgi import WSGIRequest
from django.http.request import split_domain_port, validate_host
from django.urls import NoReverseMatch, reverse
from simple_history.models import HistoricalRecords

from ..document import version_document_html
from ..models import PlanVersion, Visibility
from ..selectors import previous_version

logger = logging.getLogger(__name__)


def version_warm(version_id: int) -> list[str]:
    """Fill the caches for a published version. Returns the paths it warmed (for a public plan)."""
    started = time.perf_counter()
    version = PlanVersion.objects.select_related("plan").filter(pk=version_id).first()
    if version is None:
        return []
    version_document_html(version)
    if version.plan.visibility != Visibility.PUBLIC:
        return []
    warmed = [path for path in warm_paths(version) if _get(path) == 200]
    logger.info(
        "Warmed %d pages of %s %s in %.0f ms.",
        len(warmed),
        version.plan.slug,
        version.number,
        (time.perf_counter() - started) * 1000,
    )
    return warmed


def warm_paths(version: PlanVersion) -> list[str]:
    """The pages a reader opens first after a publication: the version itself, its exports,
    what changed since the one before, the versions list and the dashboards."""
    slug, number = version.plan.slug, version.number
    names = [
        ("plans:plan_detail", {}),
        ("plans:version_detail", {"number": number}),
        ("plans:version_list", {}),
        ("plans:version_json", {"number": number}),
        ("plans:version_markdown", {"number": number}),
        ("tracking:actions", {}),
        ("tracking:indicators", {}),
    ]
    earlier = previous_version(version)
    if earlier is not None:
        names.append(("plans:compare", {"from_number": earlier.number, "to_number": number}))
    paths = []
    for name, kwargs in names:
        try:
            paths.append(reverse(name, kwargs={"slug": slug, **kwargs}))
        except NoReverseMatch:
            continue  # an app that is not installed
    return paths


def _get(path: str) -> int:
    """Ask the portal for `path` as a visitor would (no cookies), through every middleware."""
    scheme, host, port = _origin()
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": port,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": host,
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": scheme,
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
    )
    # The history middleware forgets the request it was given when done: keep the publisher's.
    outer = getattr(HistoricalRecords.context, "request", None)
    try:
        response = _handler().get_response(request)
    finally:
        if outer is not None:
            HistoricalRecords.context.request = outer
    return response.status_code


@cache
def _handler() -> BaseHandler:
    """The portal's middleware stack and views, as the WSGI handler has them (one per process)."""
    handler = BaseHandler()
    handler.load_middleware()
    return handler


def _origin() -> tuple[str, str, str]:
    """(scheme, host, port) of an internal request the portal accepts: the portal's own address
    when it is an allowed host, else the first allowed host; https when only that is served."""
    portal = urlsplit(settings.PORTAL_URL)
    hosts = [portal.hostname or ""] + [h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"]
    host = next((h for h in hosts if h and validate_host(split_domain_port(h)[0], settings.ALLOWED_HOSTS)), "localhost")
    scheme = "https" if settings.SECURE_SSL_REDIRECT else (portal.scheme or "http")
    return scheme, host, "443" if scheme == "https" else "80"
