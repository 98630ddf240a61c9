"""Big files: over the upload limit they are refused with a clear message; under it they import."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from kolops.kols.imports import kols_import
from kolops.kols.models import Channel, ImportJob

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
HEADER = "kol_name,platform,handle,followers,notes\r\n"


def write_kol_csv(path, megabytes: float) -> int:
    """A valid KOL file of about `megabytes`, its bulk in long notes; returns its rows."""
    notes = "Review mỹ phẩm, thời trang và du lịch. " * 24  # about 1 KB a row
    target = int(megabytes * MB)
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(HEADER)
        written = len(HEADER)
        while written < target:
            line = f'KOL {rows},tiktok,kol{rows},{1000 + rows},"{notes}"\r\n'
            handle.write(line)
            written += len(line.encode())
            rows += 1
    return rows


@pytest.fixture
def fifty_megabytes(tmp_path):
    path = tmp_path / "fifty.csv"
    write_kol_csv(path, 50)
    assert 50 * MB <= path.stat().st_size < 51 * MB
    return path


def test_a_file_over_the_limit_is_refused_with_both_sizes(specialist, group, settings, fifty_megabytes):
    settings.KOLOPS_IMPORT_MAX_BYTES = 40 * MB
    with fifty_megabytes.open("rb") as handle:
        result = kols_import(by=specialist, group=group, file_name="fifty.csv", data=handle, dry_run=False)
    [error] = result.errors
    assert error["row"] is None
    assert error["message"].startswith("The file is 50.0 MB; files up to 40 MB can be imported.")
    assert Channel.objects.count() == 0


def test_the_upload_page_refuses_a_file_over_the_limit_before_keeping_it(
    client_for, specialist, group, settings, fifty_megabytes
):
    settings.KOLOPS_IMPORT_MAX_BYTES = 40 * MB
    upload = SimpleUploadedFile("fifty.csv", fifty_megabytes.read_bytes(), content_type="text/csv")
    page = client_for(specialist).post(
        reverse("kols:import"), {"file": upload, "group": group.pk}, headers={"Accept-Language": "en"}
    )
    assert page.status_code == 200
    assert "The file is 50.0 MB; files up to 40 MB can be imported." in page.content.decode()
    assert ImportJob.objects.count() == 0


def test_a_big_file_under_the_limit_imports(specialist, group, settings, tmp_path):
    settings.KOLOPS_IMPORT_MAX_BYTES = 6 * MB
    path = tmp_path / "five.csv"
    rows = write_kol_csv(path, 5)
    with path.open("rb") as handle:
        result = kols_import(by=specialist, group=group, file_name="five.csv", data=handle, dry_run=False)
    assert (result.created, result.errors) == (rows, [])
    assert Channel.objects.count() == rows > 4000


def test_the_command_line_is_not_bound_by_the_upload_limit(group, settings, tmp_path):
    settings.KOLOPS_IMPORT_MAX_BYTES = 1 * MB
    path = tmp_path / "two.csv"
    rows = write_kol_csv(path, 2)
    out = io.StringIO()
    call_command("import-kols", str(path), "--json", "--dry-run", stdout=out)
    assert json.loads(out.getvalue())["created"] == rows


def test_a_system_import_reads_a_file_object_of_any_size(group, settings, tmp_path):
    settings.KOLOPS_IMPORT_MAX_BYTES = 1 * MB
    path = tmp_path / "two.csv"
    rows = write_kol_csv(path, 2)
    with path.open("rb") as handle:
        result = kols_import(
            by=None, group=group, file_name="two.csv", data=handle, dry_run=True, size_limit=False
        )
    assert (result.created, result.errors) == (rows, [])
