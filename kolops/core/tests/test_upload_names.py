"""An uploaded file's name never makes the upload fail: a name whose extension alone is longer
than the file column (which Django's storage refuses with a 400 page) is stored under a
shortened extension, and the record keeps the name as it was uploaded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kolops.campaigns.models import BriefAttachment
from kolops.campaigns.tests.factories import make_campaign
from kolops.core.uploads import MAX_STORED_EXTENSION, storage_name
from kolops.kols.models import ImportJob
from kolops.kols.tests.import_files import channel_row, csv_bytes

LONG_EXTENSION = "kols." + "x" * 120


def test_a_long_extension_is_cut_for_storage():
    assert storage_name(LONG_EXTENSION) == "kols." + "x" * MAX_STORED_EXTENSION


@pytest.mark.parametrize("name", ["kols.csv", "bao-gia.v2.xlsx", "README", ".csv"])
def test_an_ordinary_name_is_stored_as_it_is(name):
    assert storage_name(name) == name


@pytest.mark.django_db
def test_an_import_upload_with_a_long_extension_is_kept_as_a_job_named_as_uploaded(
    client_for, specialist, group
):
    # Given a file whose extension is longer than the file column
    upload = SimpleUploadedFile(LONG_EXTENSION, csv_bytes([channel_row()]), content_type="text/csv")
    # When it is uploaded for a preview
    response = client_for(specialist).post(
        reverse("kols:import"), {"file": upload, "group": group.pk, "preview": "on"}
    )
    # Then a job is made (its report says what is wrong with the file), under the uploaded name
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("kols:import_job", args=[job.pk])
    assert job.filename == LONG_EXTENSION


@pytest.mark.django_db
def test_a_brief_attachment_with_a_long_extension_is_attached_and_downloaded_under_its_name(
    client_for, specialist, group
):
    # Given a campaign and a file whose extension is longer than the file column
    campaign = make_campaign(specialist, group)
    client = client_for(specialist)
    upload = SimpleUploadedFile(LONG_EXTENSION, b"%PDF-1.4", content_type="application/pdf")
    # When it is attached on the brief page
    response = client.post(
        reverse("campaigns:brief", args=[campaign.pk]),
        {
            "product_category": "general",
            "usage_kind": "none",
            "deliverables-TOTAL_FORMS": "0",
            "deliverables-INITIAL_FORMS": "0",
            "attachment": upload,
        },
    )
    # Then it is attached, and downloads under the name it was uploaded with
    assert response.status_code == 302
    attachment = BriefAttachment.objects.get()
    assert attachment.name == LONG_EXTENSION
    download = client.get(reverse("campaigns:attachment", args=[attachment.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4"
    assert LONG_EXTENSION in download["Content-Disposition"]
