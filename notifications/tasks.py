"""The background task that sends queued email, run by the django-tasks database worker.

`manage.py db_worker` runs it (make run starts one next to the web server). Each run sends
at most `conf.batch_size()` messages, so a worker asked to stop finishes quickly, and
queues its own continuation when more are due, or a later run when the mail server failed
(with the backoff of the message that failed). While no worker runs, the task rows wait in
the database and run when one starts again.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django_tasks import TaskResultStatus, task

from . import conf
from .services import deliveries_prune, deliveries_send, subscriptions_prune


@task()
def send_queued_email() -> dict:
    """Send the messages that are due; returns what was done (kept as the task's result)."""
    report = deliveries_send(limit=conf.batch_size())
    subscriptions_prune()
    deliveries_prune()
    if report.more:
        sending_schedule()
    elif report.retry_at is not None:
        sending_schedule(at=report.retry_at)
    return report.as_dict()


def sending_schedule(at: datetime | None = None) -> None:
    """Queue a run of the sending task: now, or not before `at` (a retry).

    A retry needs a backend that can defer tasks (the database one can). Without one (the
    immediate backend of the tests) the retry waits for the next run something else queues.
    A retry is not queued twice: when a run is already waiting that starts by then, it will do.
    """
    if at is None:
        send_queued_email.enqueue()
        return
    backend = send_queued_email.get_backend()
    if not backend.supports_defer or _run_waiting_by(backend, at):
        return
    send_queued_email.using(run_after=max(at, timezone.now())).enqueue()


def _run_waiting_by(backend, at: datetime) -> bool:
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, get_date_max

    if not isinstance(backend, DatabaseBackend):
        return False
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=send_queued_email.module_path, backend_name=backend.alias
    )
    return waiting.filter(run_after__lte=at).exists() or waiting.filter(run_after=get_date_max()).exists()
