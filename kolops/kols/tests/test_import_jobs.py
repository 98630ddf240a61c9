"""Import jobs and their task: progress, idempotence, failures."""

import pytest
from django.core.files.base import ContentFile

from kolops.kols import imports as service
from kolops.kols.imports import import_job_create, import_job_execute, kols_import
from kolops.kols.models import Channel, ImportJob, Kol
from kolops.kols.tasks import import_job_run
from kolops.kols.tests.import_files import channel_row, csv_bytes

pytestmark = pytest.mark.django_db
ROWS = [channel_row(handle=f"h{i}", kol_name=f"K{i}") for i in range(5)]


def new_job(user, group, *, dry_run=False, rows=ROWS) -> ImportJob:
    return import_job_create(
        by=user, group=group, upload=ContentFile(csv_bytes(rows)), file_name="kols.csv", dry_run=dry_run
    )


def test_a_job_keeps_the_file_and_a_row_estimate(specialist, group):
    job = new_job(specialist, group, dry_run=True)
    assert (job.status, job.total_rows, job.filename) == ("pending", 5, "kols.csv")
    with job.file.open("rb") as handle:
        assert handle.read() == csv_bytes(ROWS)


def test_the_task_runs_the_job_and_records_its_outcome(specialist, group):
    job = new_job(specialist, group)
    result = import_job_run.enqueue(job.pk, "en")  # ImmediateBackend: runs now
    job.refresh_from_db()
    assert result.return_value["created"] == 5
    assert (job.status, job.processed_rows, job.total_rows, job.progress_percent) == ("done", 5, 5, 100)
    assert job.result == {
        "created": 5,
        "updated": 0,
        "unchanged": 0,
        "errors": [],
        "warnings": [],
        "dry_run": False,
        "total_rows": 5,
    }
    assert job.finished_at is not None


def test_running_a_job_twice_imports_it_once(specialist, group):
    job = new_job(specialist, group)
    import_job_run.call(job.pk)
    finished = ImportJob.objects.get(pk=job.pk).finished_at
    again = import_job_run.call(job.pk)
    assert again["created"] == 5  # the recorded outcome, not a second run
    assert ImportJob.objects.get(pk=job.pk).finished_at == finished
    assert (Kol.history.count(), Channel.objects.count()) == (5, 5)


def test_progress_is_reported_while_rows_are_read_and_written(specialist, group):
    rows = [channel_row(handle=f"p{i}", kol_name=f"P{i}") for i in range(2500)]
    seen = []
    kols_import(
        by=specialist,
        group=group,
        file_name="kols.csv",
        data=csv_bytes(rows),
        dry_run=False,
        progress=lambda phase, done, total: seen.append((phase, done, total)),
    )
    reading = [(done, total) for phase, done, total in seen if phase == "reading"]
    writing = [(done, total) for phase, done, total in seen if phase == "writing"]
    assert reading == [(1000, 2501), (2000, 2501), (2500, 2501)]  # the total is an estimate
    assert writing == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]


def test_a_job_shows_the_phase_it_is_in(specialist, group, monkeypatch):
    job = new_job(specialist, group)
    phases = []

    def watch(phase, done, total):
        phases.append(ImportJob.objects.get(pk=job.pk).result.get("phase"))

    real = service.kols_import
    monkeypatch.setattr(
        service,
        "kols_import",
        lambda **kwargs: real(**{**kwargs, "progress": _both(kwargs["progress"], watch)}),
    )
    import_job_execute(job_id=job.pk)
    assert phases[0] == "reading" and phases[-1] == "writing"


def _both(first, second):
    def call(*args):
        first(*args)
        second(*args)

    return call


def test_a_job_whose_uploader_lost_the_right_to_import_fails_cleanly(specialist, group):
    job = new_job(specialist, group)
    specialist.memberships.update(role="viewer")
    specialist.__dict__.pop("_kolops_roles", None)
    payload = import_job_execute(job_id=job.pk, language="en")
    job.refresh_from_db()
    assert job.status == "failed"
    assert payload["errors"][0]["message"] == "You do not have permission to do this."
    assert Kol.objects.count() == 0


def test_a_job_with_errors_is_done_with_its_errors_and_writes_nothing(specialist, group):
    job = new_job(specialist, group, rows=[channel_row(followers="many")])
    import_job_execute(job_id=job.pk, language="en")
    job.refresh_from_db()
    assert job.status == "done"
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [(2, "followers")]
    assert Kol.objects.count() == 0
