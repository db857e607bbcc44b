"""Send the queued emails that are due now, in this process (cron, or by hand after an outage).

The worker (`manage.py db_worker`) does this by itself; this command is for when no worker
runs, or to see at once what a mail server outage left behind.
"""

from django.core.management.base import BaseCommand, CommandError

from notifications import conf
from notifications.services import SendReport, deliveries_send
from notifications.tasks import sending_schedule


class Command(BaseCommand):
    help = "Send the queued notification emails that are due now."

    def handle(self, *args, **options) -> None:
        total = SendReport()
        while True:
            report = deliveries_send(limit=conf.batch_size())
            total.sent += report.sent
            total.failed += report.failed
            total.skipped += report.skipped
            if not report.more:
                break
        self.stdout.write(f"Sent {total.sent}, failed {total.failed}, skipped {total.skipped}.")
        if report.retry_at is not None:
            sending_schedule(at=report.retry_at)  # a running worker takes the retry from here
        if report.server_down:
            raise CommandError(
                f"The mail server failed ({total.failed} not sent); the messages stay queued and are "
                f"tried again from {report.retry_at:%Y-%m-%d %H:%M} UTC."
            )
