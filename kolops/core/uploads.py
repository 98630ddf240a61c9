"""Uploaded files are kept private and only as long as they are needed.

- **Private.** Files are written through Django's storage with FILE_UPLOAD_PERMISSIONS (0600)
  in directories made with FILE_UPLOAD_DIRECTORY_PERMISSIONS (0700): only the service user
  reads them. They are never served to browsers except through a view that checks the group.
- **Removed.** Each app that keeps uploads has a purge service, listed in `PURGERS`, which
  removes what is older than the cutoff it is given (now − KOLOPS_UPLOAD_RETENTION_DAYS) and
  keeps the records that say what happened (see each service for what "older" means there).
  The `purge_expired_uploads` task runs them once a day; it re-enqueues itself for the next
  day, and `kolops migrate` starts it. Every purge is idempotent: running it twice, or two
  runs at once, removes each file once and fails on none.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.storage import Storage
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The purge service of each app that keeps uploads: `(before: datetime) -> int` (files removed).
PURGERS = {
    "import_files": "kolops.kols.import_retention.import_files_purge",
    "brief_attachments": "kolops.campaigns.attachments.brief_attachments_purge",
}
PURGE_INTERVAL = datetime.timedelta(days=1)


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Uploads older than this are removed: `now` − KOLOPS_UPLOAD_RETENTION_DAYS."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.KOLOPS_UPLOAD_RETENTION_DAYS)


def stored_file_delete(storage: Storage, name: str) -> None:
    """Remove `name` from `storage`; a file that is already gone is not an error."""
    if name and storage.exists(name):
        storage.delete(name)


def uploads_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove every app's expired uploads (see `PURGERS`); returns the files removed per kind."""
    before = retention_cutoff(now)
    removed = {kind: import_string(path)(before=before) for kind, path in PURGERS.items()}
    logger.info("Expired uploads removed: %s", removed)
    return removed


def purge_waiting() -> bool:
    """Whether a purge task is already queued (known for django-tasks-db's queue only)."""
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult, TaskResultStatus

    from .tasks import purge_expired_uploads

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
    from .tasks import purge_expired_uploads

    if not purge_expired_uploads.get_backend().supports_defer or purge_waiting():
        return False
    task = purge_expired_uploads.using(run_after=run_after) if run_after else purge_expired_uploads
    task.enqueue()
    return True


def purge_schedule_after_migrate(sender, using, **kwargs) -> None:
    """post_migrate: start the daily purge once the task table exists (`kolops migrate`)."""
    if using == "default":
        purge_schedule()
