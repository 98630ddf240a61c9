"""Uploaded files are private (0600 in 0700 directories) and kept only while needed: a rejected
or cancelled import file goes at once, other import files after KOLOPS_UPLOAD_RETENTION_DAYS,
brief attachments that long after their campaign was closed; the daily task is idempotent."""

import datetime
import stat
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kolops.campaigns import services as campaign_services
from kolops.campaigns.models import BriefAttachment
from kolops.campaigns.tests.factories import make_campaign
from kolops.core import tasks, uploads
from kolops.core.tasks import purge_expired_uploads
from kolops.kols.choices import ImportStatus
from kolops.kols.import_retention import import_job_cancel
from kolops.kols.imports import import_job_confirm, import_job_create, import_job_start
from kolops.kols.models import ImportJob
from kolops.kols.tests.import_files import channel_row, csv_bytes

pytestmark = pytest.mark.django_db
CLEAN = csv_bytes([channel_row(handle=f"@h{i}", kol_name=f"K{i}") for i in range(3)])
WITH_ERRORS = csv_bytes([channel_row(handle="@bad", followers="many")])
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def uploaded_job(user, group, content=CLEAN, *, dry_run=True) -> ImportJob:
    """An import file uploaded and run, as the upload page does."""
    job = import_job_create(
        by=user, group=group, upload=ContentFile(content), file_name="kols.csv", dry_run=dry_run
    )
    import_job_start(job)
    job.refresh_from_db()
    return job


def age(model, pk, days: int, field: str = "created_at") -> None:
    model.objects.filter(pk=pk).update(**{field: timezone.now() - datetime.timedelta(days=days)})


def close_campaign(campaign, by, days_ago: int) -> None:
    campaign_services.campaign_set_status(by=by, campaign=campaign, status="closed")
    campaign.history.filter(status="closed").update(
        history_date=timezone.now() - datetime.timedelta(days=days_ago)
    )


@pytest.fixture(autouse=True)
def retention_of_thirty_days(settings):
    """The ages below (29, 31, 60 days …) are read against a 30-day period, whatever the
    environment running the tests sets."""
    settings.KOLOPS_UPLOAD_RETENTION_DAYS = 30


@pytest.fixture
def disk_storage(settings, tmp_path):
    """Uploads written to a directory on disk, as in production (the tests keep them in memory)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return Path(settings.MEDIA_ROOT)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ---- private files -----------------------------------------------------------------------------


def test_an_uploaded_import_file_is_readable_by_the_service_user_only(disk_storage, specialist, group):
    job = uploaded_job(specialist, group)
    path = disk_storage / job.file.name
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert mode(path.parent.parent) == 0o700  # imports/<year>/ too


def test_a_brief_attachment_is_readable_by_the_service_user_only(disk_storage, specialist, group):
    campaign = make_campaign(specialist, group)
    upload = SimpleUploadedFile("product.pdf", b"%PDF-1.7 product sheet", content_type="application/pdf")
    attachment = campaign_services.brief_attach(by=specialist, brief=campaign.brief, file=upload)
    assert mode(disk_storage / attachment.file.name) == 0o600


# ---- rejected and cancelled import files go at once -----------------------------------------


def test_a_rejected_file_is_removed_at_once_and_its_report_stays(specialist, group):
    job = import_job_create(
        by=specialist, group=group, upload=ContentFile(WITH_ERRORS), file_name="kols.csv", dry_run=True
    )
    name = job.file.name
    import_job_start(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and job.result["errors"]
    assert (job.file.name, default_storage.exists(name)) == ("", False)
    assert "file_removed_at" in job.result


def test_a_rejected_file_leaves_nothing_in_storage(disk_storage, specialist, group):
    uploaded_job(specialist, group, WITH_ERRORS, dry_run=False)
    assert [p for p in disk_storage.rglob("*") if p.is_file()] == []


def test_a_failed_run_removes_its_file(specialist, group, django_user_model):
    job = import_job_create(
        by=specialist, group=group, upload=ContentFile(CLEAN), file_name="kols.csv", dry_run=True
    )
    name = job.file.name
    django_user_model.objects.filter(pk=specialist.pk).delete()  # the uploader's account is gone
    import_job_start(ImportJob.objects.get(pk=job.pk))
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert (job.file.name, default_storage.exists(name)) == ("", False)


def test_the_report_page_says_the_file_was_removed(client_for, specialist, group):
    job = uploaded_job(specialist, group, WITH_ERRORS)
    page = client_for(specialist).get(f"/kols/import/{job.pk}/")
    assert b'id="import-file-removed"' in page.content
    assert b'id="import-errors"' in page.content  # the row report is still shown


def test_cancelling_a_clean_preview_removes_its_file(client_for, specialist, group):
    job = uploaded_job(specialist, group)
    name = job.file.name
    response = client_for(specialist).post(f"/kols/import/{job.pk}/cancel/", follow=True)
    job.refresh_from_db()
    assert (job.file.name, default_storage.exists(name)) == ("", False)
    assert job.result["cancelled"] is True
    assert b'id="import-cancelled"' in response.content
    assert b'id="confirm-form"' not in response.content


def test_only_the_uploader_can_cancel_a_preview(client_for, specialist, make_member, group):
    # Given a clean preview uploaded by one specialist
    job = uploaded_job(specialist, group)
    name = job.file.name
    # When a colleague of the same group presses Cancel on it
    response = client_for(make_member("specialist")).post(f"/kols/import/{job.pk}/cancel/", follow=True)
    # Then they are told why not, and the file and the preview stay
    assert "Only the person who uploaded this file can cancel it." in response.content.decode()
    job.refresh_from_db()
    assert (job.file.name, default_storage.exists(name)) == (name, True)
    assert "cancelled" not in job.result


def test_a_cancelled_preview_cannot_be_imported(specialist, group):
    job = uploaded_job(specialist, group)
    import_job_cancel(by=specialist, job=job)
    with pytest.raises(ValidationError, match="removed"):
        import_job_confirm(by=specialist, job=job)


# ---- import files expire ---------------------------------------------------------------------


def test_an_import_file_past_the_retention_period_is_removed_and_a_fresh_one_kept(specialist, group):
    old = uploaded_job(specialist, group, dry_run=False)
    fresh = uploaded_job(specialist, group, dry_run=False)
    age(ImportJob, old.pk, days=31)
    age(ImportJob, fresh.pk, days=29)
    old_name, fresh_name = old.file.name, fresh.file.name

    removed = uploads.uploads_purge()

    old.refresh_from_db()
    fresh.refresh_from_db()
    assert removed["import_files"] == 1
    assert (old.file.name, default_storage.exists(old_name)) == ("", False)
    assert (fresh.file.name, default_storage.exists(fresh_name)) == (fresh_name, True)
    assert old.result["created"] == 3  # the job's report stays


def test_a_job_still_waiting_for_a_worker_keeps_its_file(specialist, group):
    job = import_job_create(
        by=specialist, group=group, upload=ContentFile(CLEAN), file_name="kols.csv", dry_run=False
    )
    age(ImportJob, job.pk, days=400)
    uploads.uploads_purge()
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING
    assert default_storage.exists(job.file.name)


def test_a_preview_whose_file_expired_offers_no_import(client_for, specialist, group):
    job = uploaded_job(specialist, group)
    age(ImportJob, job.pk, days=31)
    uploads.uploads_purge()
    page = client_for(specialist).get(f"/kols/import/{job.pk}/")
    assert b'id="confirm-form"' not in page.content
    assert b'id="import-file-removed"' in page.content


def test_a_purge_that_finds_the_file_already_gone_still_clears_the_job(specialist, group):
    job = uploaded_job(specialist, group, dry_run=False)
    default_storage.delete(job.file.name)
    age(ImportJob, job.pk, days=31)
    assert uploads.uploads_purge()["import_files"] == 1
    job.refresh_from_db()
    assert job.file.name == ""


# ---- brief attachments expire after the campaign is closed ----------------------------------


@pytest.fixture
def attached(specialist, group):
    """attached(days_closed=None) → an attachment of a campaign closed that many days ago
    (None: still open), uploaded a year ago."""

    def make(days_closed: int | None) -> BriefAttachment:
        campaign = make_campaign(specialist, group, name=f"Campaign {days_closed}")
        attachment = campaign_services.brief_attach(
            by=specialist, brief=campaign.brief, file=SimpleUploadedFile("sheet.pdf", b"%PDF sheet")
        )
        age(BriefAttachment, attachment.pk, days=365)
        if days_closed is not None:
            close_campaign(campaign, specialist, days_closed)
        return attachment

    return make


def test_an_open_campaigns_attachment_is_kept_whatever_its_age(attached):
    attachment = attached(None)
    uploads.uploads_purge()
    assert default_storage.exists(attachment.file.name)
    assert BriefAttachment.objects.filter(pk=attachment.pk).exists()


def test_an_attachment_goes_once_its_campaign_has_been_closed_past_the_retention_period(attached):
    long_closed, recently_closed = attached(31), attached(5)
    removed = uploads.uploads_purge()
    assert removed["brief_attachments"] == 1
    assert not default_storage.exists(long_closed.file.name)
    assert not BriefAttachment.objects.filter(pk=long_closed.pk).exists()
    assert BriefAttachment.objects.filter(pk=recently_closed.pk).exists()


# ---- the daily task --------------------------------------------------------------------------


def test_the_purge_is_idempotent(specialist, group, attached):
    job = uploaded_job(specialist, group, dry_run=False)
    age(ImportJob, job.pk, days=31)
    attached(60)
    first = purge_expired_uploads.call()
    second = purge_expired_uploads.call()
    assert first == {"import_files": 1, "brief_attachments": 1}
    assert second == {"import_files": 0, "brief_attachments": 0}


def test_the_task_queues_its_next_run_a_day_later(settings):
    settings.TASKS = DATABASE_QUEUE
    purge_expired_uploads.call()
    waiting = DBTaskResult.objects.get(task_path=purge_expired_uploads.module_path, status="READY")
    assert waiting.run_after - timezone.now() > datetime.timedelta(hours=23)


def test_the_daily_purge_is_queued_once_however_often_it_is_started(settings):
    settings.TASKS = DATABASE_QUEUE
    assert tasks.purge_schedule() is True
    assert tasks.purge_schedule() is False
    purge_expired_uploads.call()  # a run while the next one already waits queues no other
    assert DBTaskResult.objects.filter(task_path=purge_expired_uploads.module_path).count() == 1


def test_migrate_starts_the_daily_purge(settings):
    settings.TASKS = DATABASE_QUEUE
    call_command("migrate", verbosity=0)
    assert DBTaskResult.objects.filter(task_path=purge_expired_uploads.module_path, status="READY").exists()


def test_the_command_purges_now(specialist, group, capsys):
    job = uploaded_job(specialist, group, dry_run=False)
    age(ImportJob, job.pk, days=31)
    call_command("purge-uploads")
    job.refresh_from_db()
    assert job.file.name == ""
    assert "Removed 1 import files" in capsys.readouterr().out
