"""Uploaded KOL files are kept only while they are needed (see kolops.core.uploads).

- A file whose preview or import was **rejected** (row errors, or the run failed) is removed as
  soon as its report is saved: the report says what to fix, and the file is uploaded again.
- A preview **cancelled** by its uploader has its file removed at once.
- Every other file is removed KOLOPS_UPLOAD_RETENTION_DAYS after it was uploaded, by the daily
  purge; a clean preview not imported by then must be uploaded again.

The ImportJob and its report always stay; `result["file_removed_at"]` says when the file went.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kolops.core.uploads import stored_file_delete

from .choices import ImportStatus
from .models import ImportJob
from .services import require


@transaction.atomic
def import_job_file_remove(*, job_id: int, cancelled: bool = False) -> bool:
    """Remove the uploaded file of ImportJob `job_id`; the job and its report stay, and its
    result records when the file was removed (`file_removed_at`, and `cancelled`).

    A job that is waiting or running keeps its file. Idempotent: returns whether a file was
    removed, False when it was already gone.
    """
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None or not job.file.name or job.status in (ImportStatus.PENDING, ImportStatus.RUNNING):
        return False
    # The file goes first: if the update below fails, the next purge finds the job again.
    stored_file_delete(job.file.storage, job.file.name)
    now = timezone.now()
    result = {**(job.result or {}), "file_removed_at": now.isoformat()}
    if cancelled:
        result["cancelled"] = True
    ImportJob.objects.filter(pk=job_id).update(file="", result=result, updated_at=now)
    return True


@transaction.atomic
def import_job_cancel(*, by, job: ImportJob) -> ImportJob:
    """Cancel a clean preview instead of importing it (the "Cancel" button): nothing is
    written and the uploaded file is removed at once.

    Only the person who uploaded the file can, and only a finished preview.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    require(by, "kols.import", job.group)
    if job.created_by_id != by.pk:
        raise PermissionDenied(_("Only the person who uploaded this file can cancel it."))
    if not (job.dry_run and job.status == ImportStatus.DONE):
        raise ValidationError(_("Only a finished preview can be cancelled."))
    import_job_file_remove(job_id=job.pk, cancelled=True)
    job.refresh_from_db()
    return job


def import_files_purge(*, before) -> int:
    """Remove the files of imports uploaded before `before` (KOLOPS_UPLOAD_RETENTION_DAYS ago),
    whatever became of them, except a job still waiting or running. Returns the files removed.

    The jobs and their reports stay; a preview whose file is gone can no longer be imported.
    """
    expired = (
        ImportJob.objects.filter(created_at__lt=before)
        .exclude(file="")
        .exclude(status__in=(ImportStatus.PENDING, ImportStatus.RUNNING))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return sum(import_job_file_remove(job_id=pk) for pk in list(expired))
