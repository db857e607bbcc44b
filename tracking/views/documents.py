"""The annual report as a PDF: made on request from the same data as the report page, and cached
under a fingerprint of its typeset source, so it is compiled again only when what it shows changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from plans.access import get_readable_plan
from plans.caching import audience_of, set_cache_control
from plans.pdf import DocumentError, compile_pdf
from plans.pdf.http import pdf_response, unavailable

from ..pdf import report_source
from ..selectors import annual_report
from .public import as_of_param

logger = logging.getLogger(__name__)

CACHE_TIMEOUT = 60 * 60 * 24 * 7


@require_safe
def report_pdf(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    report = annual_report(plan, year, as_of_param(request))
    if report is None:
        raise Http404("There is no report for that year: it is to come, or no version had been published by its end.")
    source = report_source(report)
    fingerprint = hashlib.sha256(source.encode("utf-8")).hexdigest()
    key = f"tracking:report-pdf:{fingerprint}"

    def load() -> bytes:
        pdf = cache.get(key)
        if pdf is None:
            moment = dt.datetime.combine(report.as_of, dt.time(12), tzinfo=timezone.get_current_timezone())
            pdf = compile_pdf(source, timestamp=moment)
            cache.set(key, pdf, timeout=CACHE_TIMEOUT)
        return pdf

    try:
        response = pdf_response(
            request,
            etag=f'"{fingerprint[:32]}"',
            last_modified=None,
            filename=f"{plan.slug}-report-{year}.pdf",
            load=load,
        )
    except DocumentError:
        logger.exception("Could not make the %s report of %s.", year, plan)
        return unavailable()
    # The data move on: caches must ask again each time (cheap: a 304 compiles nothing).
    set_cache_control(response, audience=audience_of(request, plan), immutable=False)
    return response
