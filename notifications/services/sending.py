"""Sending queued messages: claim one, send it, mark it; never twice, never lost.

Each message is claimed before it is sent, by a conditional UPDATE (`status` pending →
sending, with this run's token) that only one worker can win, whether two workers race on
PostgreSQL or SQLite. The claim is its own short transaction, so no lock is held while the
mail server talks (on SQLite that would block every other write, publishing included).
After sending, the row is marked sent; on failure it goes back to pending with one more
attempt, the error, and a later `next_attempt_at` (1, 2, 4... minutes, at most 6 hours).

The one gap no outbox can close: a worker killed between the mail server accepting a
message and the row being marked. Its claim is taken as abandoned after
`conf.claim_timeout()` and the message goes out again (once more, not lost). A normal stop
(SIGTERM, Ctrl+C) lets the running batch finish first, so it never leaves such a claim.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core import mail
from django.db.models import Min
from django.utils import timezone

from .. import conf
from ..emails import MessageBuilder, NotDeliverable
from ..models import Delivery, DeliveryStatus

logger = logging.getLogger(__name__)

CANDIDATES_PER_QUERY = 50


@dataclass
class SendReport:
    """What one run did, and when the next one is needed."""

    sent: int = 0
    failed: int = 0
    skipped: int = 0
    more: bool = False  # the run stopped at its limit with messages still due
    server_down: bool = False  # the mail server failed; the run stopped rather than try every message
    server_retry_at: datetime | None = None  # when the message that met the failing server is due again
    retry_at: datetime | None = None  # when the earliest waiting message is due (None: nothing waits)

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "failed": self.failed,
            "skipped": self.skipped,
            "more": self.more,
            "server_down": self.server_down,
            "retry_at": self.retry_at.isoformat() if self.retry_at else None,
        }


def _claim(pk: int, token: str, now: datetime) -> Delivery | None:
    claimed = (
        Delivery.objects.filter(pk=pk)
        .claimable(now, abandoned_before=now - conf.claim_timeout())
        .update(status=DeliveryStatus.SENDING, claim_token=token, claimed_at=now)
    )
    if claimed != 1:
        return None  # another worker has it, or it was sent meanwhile
    # Unsubscribed meanwhile: the row went with its subscription.
    return (
        Delivery.objects.select_related("plan", "subscription__plan", "subscription__user", "user")
        .filter(pk=pk, claim_token=token)
        .first()
    )


def _mark(delivery: Delivery, token: str, **fields) -> None:
    updated = Delivery.objects.filter(pk=delivery.pk, claim_token=token).update(claim_token="", **fields)
    if updated != 1:
        logger.warning("Delivery %s changed hands while it was being sent", delivery.pk)


def _is_server_trouble(error: Exception) -> bool:
    """A failure of the mail server or the network (stop trying others), not of this one recipient."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    return isinstance(error, smtplib.SMTPException | OSError)


def _record_failure(delivery: Delivery, token: str, error: Exception, now: datetime) -> datetime:
    attempts = delivery.attempts + 1
    gave_up = attempts >= conf.max_attempts()
    next_attempt = now + conf.retry_delay(attempts)
    _mark(
        delivery,
        token,
        status=DeliveryStatus.FAILED if gave_up else DeliveryStatus.PENDING,
        attempts=attempts,
        last_error=f"{error.__class__.__name__}: {error}"[:2000],
        next_attempt_at=next_attempt,
        claimed_at=None,
    )
    logger.warning(
        "Email %s not sent (attempt %d%s): %s",
        delivery.pk,
        attempts,
        ", giving up" if gave_up else f", next try at {next_attempt:%H:%M:%S}",
        error,
    )
    return next_attempt


def deliveries_send(*, limit: int | None = None) -> SendReport:
    """Send the messages that are due, oldest first, at most `limit` of them.

    Safe to run in several workers at once: each message is claimed before it is sent.
    Stops early when the mail server fails (the rest stay queued, untouched) and reports
    when the next run is needed.
    """
    token = uuid.uuid4().hex
    report = SendReport()
    builder = MessageBuilder()
    connection = mail.get_connection(fail_silently=False, timeout=conf.smtp_timeout())
    tried: set[int] = set()
    handled = 0
    try:
        while not report.server_down:
            now = timezone.now()
            due = Delivery.objects.claimable(now, abandoned_before=now - conf.claim_timeout())
            # A message handled in this run is not due again in it (its retry waits), so seeing
            # only handled ones means there is nothing left.
            candidates = [
                pk
                for pk in due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:CANDIDATES_PER_QUERY]
                if pk not in tried
            ]
            if not candidates:
                break
            for pk in candidates:
                if limit is not None and handled >= limit:
                    report.more = True
                    return report
                tried.add(pk)
                delivery = _claim(pk, token, timezone.now())
                if delivery is None:
                    continue
                handled += 1
                if _send_one(delivery, token, builder, connection, report):
                    break  # the server is down: leave the rest for later
    finally:
        _close(connection)
        report.retry_at = _next_due(report)
    return report


def _close(connection) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):  # a dead server cannot say goodbye
        connection.close()


def _send_one(delivery: Delivery, token: str, builder: MessageBuilder, connection, report: SendReport) -> bool:
    """Send one claimed message and record the outcome; True when the mail server is in trouble."""
    try:
        message = builder.build(delivery)
    except NotDeliverable as reason:
        _mark(delivery, token, status=DeliveryStatus.SKIPPED, last_error=str(reason), claimed_at=None)
        report.skipped += 1
        return False
    except Exception as error:  # a message that cannot be built stays queued, with the error
        logger.exception("Email %s could not be built", delivery.pk)
        _record_failure(delivery, token, error, timezone.now())
        report.failed += 1
        return False
    try:
        connection.open()  # once per run: later messages reuse the connection
        message.connection = connection
        if message.send() != 1:
            raise smtplib.SMTPException("The mail backend accepted no message.")
    except Exception as error:  # noqa: BLE001 — whatever the backend raised, the message stays queued
        retry_at = _record_failure(delivery, token, error, timezone.now())
        report.failed += 1
        if _is_server_trouble(error):
            report.server_down, report.server_retry_at = True, retry_at
            _close(connection)
            return True
        return False
    _mark(
        delivery,
        token,
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        sent_to=message.to[0],
        last_error="",
        claimed_at=None,
    )
    report.sent += 1
    return False


def _next_due(report: SendReport) -> datetime | None:
    waiting = Delivery.objects.waiting().aggregate(at=Min("next_attempt_at"))["at"]
    if waiting is None:
        return None
    if report.server_retry_at is not None:
        # Messages not tried yet are due now, but the server just failed: wait as long as the
        # message that met it does before trying again.
        return max(waiting, report.server_retry_at)
    return waiting
