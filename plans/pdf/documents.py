"""Each published version's PDF, typeset once and kept (VersionDocument), then served as stored.

It is made when the version is published (after the commit, as a background task, so
publishing never waits for it nor fails because of it) or, failing that, on the first
request. A stored document is made again only when it no longer fits: made with an older
layout (`LAYOUT`), or with another small-count threshold than the plan's now.
"""

from __future__ import annotations

import hashlib
import logging

from django.db import transaction
from django_tasks import task

from ..models import DocumentFormat, PlanVersion, VersionDocument
from .compile import compile_pdf
from .version import version_source

logger = logging.getLogger(__name__)

# Bump when a change to the layout or the builders changes what a version's document shows.
LAYOUT = 1


def is_current(document: VersionDocument, version: PlanVersion) -> bool:
    """Does the stored document still show what a new one would?"""
    return document.layout == LAYOUT and document.small_count_threshold == version.plan.small_count_threshold


def stored_version_pdf(version: PlanVersion) -> VersionDocument | None:
    """The version's stored PDF without its bytes (for ETag and Last-Modified), or None."""
    return VersionDocument.objects.filter(version=version, format=DocumentFormat.PDF).defer("content").first()


def version_pdf_build(*, version: PlanVersion) -> VersionDocument:
    """Typeset the version's PDF and store it, replacing a stale one. Raises DocumentError."""
    # The slow part runs outside any transaction; the write is one row.
    pdf = compile_pdf(version_source(version), timestamp=version.published_at)
    values = {
        "content": pdf,
        "sha256": hashlib.sha256(pdf).hexdigest(),
        "size": len(pdf),
        "layout": LAYOUT,
        "small_count_threshold": version.plan.small_count_threshold,
    }
    document, _ = VersionDocument.objects.update_or_create(version=version, format=DocumentFormat.PDF, defaults=values)
    return document


def version_pdf_ensure(*, version: PlanVersion) -> VersionDocument:
    """The version's current stored PDF (its bytes deferred), typeset now if missing or stale."""
    document = stored_version_pdf(version)
    if document is None or not is_current(document, version):
        document = version_pdf_build(version=version)
    return document


@task()
def version_pdf_task(version_id: int) -> None:
    """Make a just-published version's PDF (in the task worker, or at once without one)."""
    version = PlanVersion.objects.select_related("plan").filter(pk=version_id).first()
    if version is None:
        return
    try:
        version_pdf_ensure(version=version)
    except Exception:
        logger.exception("Could not make the PDF of %s; it will be made on the first request.", version)


def version_pdf_on_publish(version: PlanVersion) -> None:
    """Publish listener: queue the PDF once the version is committed; never fails the publishing."""
    version_id = version.pk
    transaction.on_commit(lambda: version_pdf_task.enqueue(version_id), robust=True)
