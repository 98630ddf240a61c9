"""Background work of the KOL database (django.tasks).

Large import files run here, in `kolops db_worker` (django-tasks-db's DatabaseBackend; the
ImmediateBackend runs them at once in tests); small ones run in the request. Either way the
same service does the work, so a file imports the same whether it is big or small.
"""

from django.tasks import task

from . import imports


@task()
def import_job_run(job_id: int, language: str | None = None) -> dict:
    """Run ImportJob `job_id` (a preview or an import, as the job says) and record progress.

    Idempotent: a job runs once however often the task is delivered; see
    `imports.import_job_execute`. `language` is the uploader's, for the error messages.
    """
    return imports.import_job_execute(job_id=job_id, language=language)
