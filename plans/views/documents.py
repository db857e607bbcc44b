"""Published versions as PDF documents: typeset once, stored, then served with ETag and long caching."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from ..access import get_readable_plan
from ..models import VersionDocument
from ..pdf import DocumentError
from ..pdf.documents import version_pdf_ensure
from ..pdf.http import pdf_response, unavailable
from ..version_numbers import VersionNumber
from .public import canonical_version_urls, get_version, mark_cacheable_by

logger = logging.getLogger(__name__)


def _content(document: VersionDocument) -> bytes:
    if "content" in document.get_deferred_fields():
        return bytes(VersionDocument.objects.values_list("content", flat=True).get(pk=document.pk))
    return bytes(document.content)


@require_safe
@canonical_version_urls
def version_pdf(request: HttpRequest, slug: str, number: VersionNumber) -> HttpResponse:
    plan = get_readable_plan(request, slug)
    version = get_version(plan, number)
    try:
        document = version_pdf_ensure(version=version)
    except DocumentError:
        logger.exception("Could not make the PDF of %s.", version)
        return unavailable()
    response = pdf_response(
        request,
        etag=f'"{document.sha256[:32]}"',
        last_modified=document.created_at.timestamp(),
        filename=f"{plan.slug}-{version.number}.pdf",
        load=lambda: _content(document),
    )
    # A numbered version's document never changes; members-only plans stay out of shared caches.
    patch_cache_control(response, max_age=settings.PUBLISHED_VERSION_MAX_AGE, immutable=True)
    mark_cacheable_by(response, request, plan)
    return response
