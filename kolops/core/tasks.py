"""Background work shared by every app (django.tasks)."""

from django.tasks import task
from django.utils import timezone

from . import uploads


@task()
def purge_expired_uploads() -> dict[str, int]:
    """Remove the uploads past their retention period, then queue the next run a day later.

    Idempotent: a purge removes only what is still there, and the next run is queued only
    when none is waiting (`uploads.purge_schedule`).
    """
    removed = uploads.uploads_purge()
    uploads.purge_schedule(run_after=timezone.now() + uploads.PURGE_INTERVAL)
    return removed
