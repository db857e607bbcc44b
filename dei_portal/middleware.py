"""Middleware of the development settings."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found


class PortalNotFoundMiddleware:
    """Under DEBUG, answer a view's 404 with the portal's own page, as production does.

    Django's debug 404 page would otherwise greet a visitor of a members-only plan during
    `make run`, with none of the portal's words (such as the hint to sign in). Addresses that
    match no URL at all still get Django's debug page, which helps whoever develops the portal.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
