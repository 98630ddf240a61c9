"""Background work shared by every app (django.tasks), and the daily schedule of the purge."""

import datetime

from django.tasks import task
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult, TaskResultStatus

from . import uploads

PURGE_INTERVAL = datetime.timedelta(days=1)


@task()
def purge_expired_uploads() -> dict[str, int]:
    """Remove the uploads past their retention period, then queue the next run a day later.

    Idempotent: a purge removes only what is still there, and the next run is queued only
    when none is waiting (`purge_schedule`).
    """
    removed = uploads.uploads_purge()
    purge_schedule(run_after=timezone.now() + PURGE_INTERVAL)
    return removed


def purge_waiting() -> bool:
    """Whether a purge task is already queued (known for django-tasks-db's queue only)."""
    if not isinstance(purge_expired_uploads.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=purge_expired_uploads.module_path, status=TaskResultStatus.READY
    ).exists()


def purge_schedule(*, run_after: datetime.datetime | None = None) -> bool:
    """Queue the daily purge (at `run_after`, else as soon as a worker is free) unless one is
    already waiting; returns whether it was queued.

    Only a task backend that can run tasks later keeps the daily cycle going; with one that
    runs tasks at once (the tests' ImmediateBackend) nothing is queued. Two cycles started at
    the same moment merge: each run queues the next only when none is waiting.
    """
    if not purge_expired_uploads.get_backend().supports_defer or purge_waiting():
        return False
    task = purge_expired_uploads.using(run_after=run_after) if run_after else purge_expired_uploads
    task.enqueue()
    return True


def purge_schedule_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate: start the daily purge once the task table exists (`kolops migrate`)."""
    if using == "default":
        purge_schedule()
