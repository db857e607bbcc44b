"""Two workers sending at the same moment, on PostgreSQL: each message goes out exactly once."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications.models import Delivery, DeliveryStatus
from notifications.services import deliveries_send
from tests.concurrency import postgres_only, run_at_once

from .conftest import publish_change

# Tasks wait in the database (nothing sends on commit), as in production without a worker yet.
pytestmark = [*postgres_only, pytest.mark.usefixtures("db_tasks")]


def test_two_workers_at_once_send_each_message_exactly_once(published_plan, make_subscription):
    readers = [f"reader{number}@example.org" for number in range(40)]
    for email in readers:
        make_subscription(published_plan, email)
    publish_change(published_plan)
    assert mail.outbox == []

    reports = run_at_once(deliveries_send, deliveries_send, deliveries_send)

    assert all(not isinstance(report, Exception) for report in reports), reports
    assert sum(report.sent for report in reports) == len(readers)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(readers)
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}
