"""Serving a PDF: conditional responses (304 on a matching ETag) and the page for a failed typesetting."""

from __future__ import annotations

from collections.abc import Callable
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

UNAVAILABLE = "This PDF cannot be made just now. Please try again in a few minutes."


def pdf_response(
    request: HttpRequest, *, etag: str, last_modified: float | None, filename: str, load: Callable[[], bytes]
) -> HttpResponse:
    """The PDF, or 304 Not Modified when the reader's copy is current (then `load` is not called).

    Cache-Control is the caller's: who may keep a copy, and for how long.
    """
    response = get_conditional_response(request, etag=etag, last_modified=last_modified)
    if response is None:
        response = HttpResponse(load(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified)
    return response


def unavailable() -> HttpResponse:
    """503 with a plain message: the document could not be typeset (the error is logged)."""
    response = HttpResponse(
        UNAVAILABLE, status=HTTPStatus.SERVICE_UNAVAILABLE, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = "120"
    return response
