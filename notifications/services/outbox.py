"""Queueing messages: the outbox rows, and waking the background task that sends them.

Why `transaction.on_commit` and not an enqueue inside the transaction: the database
backend would be transactional (its task row commits or rolls back with ours), but the
portal must not depend on which backend is configured. With a non-transactional one a
worker could run before our rows are visible and find nothing; with the immediate backend
the mail would be sent inside the publishing transaction, so publishing would wait on the
mail server. After commit, every backend sees the rows. If the process dies between the
commit and the enqueue, nothing is lost: the rows stay pending, and the next run of the
task (the next publish or subscription, a retry, or `manage.py send_queued_email`) sends them.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from plans.models import PlanVersion

from ..models import Delivery, DeliveryKind, DeliveryStatus
from ..selectors import version_recipients

logger = logging.getLogger(__name__)


def sending_enqueue_on_commit() -> None:
    """Have the sending task run once the current transaction commits (at once outside one)."""
    from ..tasks import sending_schedule  # the task module imports these services, so import it late

    transaction.on_commit(sending_schedule)


def deliveries_queue_for_version(version: PlanVersion) -> int:
    """Queue one message about `version` to each confirmed subscriber of its plan; returns how many.

    Called by `plan_publish` (through plans.hooks) inside the publishing transaction, so the
    rows commit or roll back with the version. The unique constraint on (subscription,
    version) means a version is never queued twice to anyone. Sending starts after commit.
    """
    now = timezone.now()
    rows = [
        Delivery(
            kind=DeliveryKind.NEW_VERSION,
            plan_id=version.plan_id,
            subscription=subscription,
            version=version,
            created_at=now,
            next_attempt_at=now,
        )
        for subscription in version_recipients(version)
    ]
    if not rows:
        return 0
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    sending_enqueue_on_commit()
    logger.info("Queued %d email(s) about version %s of %s", len(rows), version.number, version.plan.slug)
    return len(rows)


def deliveries_prune(*, older_than: timedelta = timedelta(days=90)) -> int:
    """Forget messages sent or skipped long ago (the outbox is not an archive). Returns how many went."""
    with transaction.atomic():
        deleted, _ = Delivery.objects.filter(
            status__in=[DeliveryStatus.SENT, DeliveryStatus.SKIPPED], created_at__lt=timezone.now() - older_than
        ).delete()
    return deleted


def deliveries_retry(*, deliveries) -> int:
    """Queue failed or skipped messages again, due now (the admin's "send again"). Returns how many."""
    with transaction.atomic():
        count = (
            Delivery.objects.filter(pk__in=[d.pk for d in deliveries])
            .filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.SKIPPED])
            .update(status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0)
        )
        if count:
            sending_enqueue_on_commit()
    return count
