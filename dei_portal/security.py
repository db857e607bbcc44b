"""Site-wide safety nets: the Permissions-Policy header, the CSP violation report endpoint, and
a logging filter that keeps refused requests to one line."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("dei_portal.csp")

# Browser features the portal never uses are switched off for it and anything it embeds;
# writing to the clipboard stays allowed for the portal itself (the "copy link" buttons).
PERMISSIONS_POLICY = ", ".join(
    [
        "accelerometer=()",
        "camera=()",
        "geolocation=()",
        "gyroscope=()",
        "magnetometer=()",
        "microphone=()",
        "payment=()",
        "usb=()",
        "browsing-topics=()",
        "clipboard-write=(self)",
    ]
)
CSP_REPORT_MAX_BYTES = 16 * 1024


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response that has none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def _allowed(key: str, limit: int) -> bool:
    """Count one more report under `key` for this minute; False once `limit` is passed."""
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=60)
        return True


@csrf_exempt  # browsers send reports without a token; the view only writes a log line
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log a browser's Content-Security-Policy violation report in one line (rate-limited).

    Answers 204 whatever it receives: a report is never an error for the reader.
    """
    client = request.META.get("REMOTE_ADDR", "")
    per_client = settings.CSP_REPORTS_PER_MINUTE_PER_CLIENT
    if not (_allowed(f"csp-report:{client}", per_client) and _allowed("csp-report:all", per_client * 10)):
        return HttpResponse(status=204)
    body = request.body[:CSP_REPORT_MAX_BYTES] if int(request.META.get("CONTENT_LENGTH") or 0) else b""
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = {}
    report = data.get("csp-report", data) if isinstance(data, dict) else {}
    if not isinstance(report, dict):
        report = {}
    fields = ("document-uri", "violated-directive", "effective-directive", "blocked-uri", "source-file")
    summary = " ".join(f"{name}={str(report.get(name, ''))[:200]!r}" for name in fields if report.get(name))
    logger.warning("CSP violation: %s", summary or "(unreadable report)")
    return HttpResponse(status=204)


class OneLineClientErrors(logging.Filter):
    """Drops the traceback from log records of refused requests (4xx): one line each, not a stack."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
