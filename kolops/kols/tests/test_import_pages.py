"""The import pages: upload, preview report, "Import now", progress, and who may do what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from kolops.accounts.choices import Role
from kolops.kols.models import Channel, ImportJob, Kol
from kolops.kols.tests.import_files import channel_row, csv_bytes

pytestmark = pytest.mark.django_db
ENGLISH = {"Accept-Language": "en"}
GOOD = [channel_row(), channel_row(kol_name="Lan", handle="lan")]


def upload(client, group, rows, *, preview=True, name="kols.csv", data=None):
    payload = {
        "file": SimpleUploadedFile(name, data if data is not None else csv_bytes(rows)),
        "group": group.pk,
    }
    if preview:
        payload["preview"] = "on"
    return client.post(reverse("kols:import"), payload, headers=ENGLISH, follow=True)


def test_the_upload_page_offers_the_form_the_templates_and_the_columns(client_for, specialist):
    page = client_for(specialist).get(reverse("kols:import"), headers=ENGLISH)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="file"' in html and 'name="preview"' in html and "checked" in html  # preview by default
    assert reverse("kols:import_template", args=["xlsx"]) in html
    assert "<code>audience_regions</code>" in html


def test_a_preview_reports_what_would_happen_and_writes_nothing(client_for, specialist, group):
    page = upload(client_for(specialist), group, GOOD)
    job = ImportJob.objects.get()
    assert page.redirect_chain == [(reverse("kols:import_job", args=[job.pk]), 302)]
    assert (job.dry_run, job.status, job.created_by, job.filename) == (True, "done", specialist, "kols.csv")
    html = page.content.decode()
    assert '<div class="fs-3" id="count-created">2</div>' in html
    assert "Import now" in html
    assert Kol.objects.count() == 0


def test_import_now_imports_the_previewed_file(client_for, specialist, group):
    client = client_for(specialist)
    upload(client, group, GOOD)
    job = ImportJob.objects.get()
    page = client.post(reverse("kols:import_confirm", args=[job.pk]), headers=ENGLISH, follow=True)
    job.refresh_from_db()
    assert (job.dry_run, job.status, job.result["created"]) == (False, "done", 2)
    assert Kol.objects.count() == 2
    assert "The file was imported." in page.content.decode()


def test_unticking_preview_imports_at_once(client_for, specialist, group):
    upload(client_for(specialist), group, GOOD, preview=False)
    assert Channel.objects.count() == 2
    assert ImportJob.objects.get().dry_run is False


def test_a_preview_with_errors_lists_each_row_column_value_and_reason(client_for, specialist, group):
    page = upload(client_for(specialist), group, [channel_row(), channel_row(handle="b", followers="lots")])
    html = page.content.decode()
    assert 'id="import-errors"' in html
    assert "<td>3</td>" in html and "<code>followers</code>" in html and "lots" in html
    assert "Expected a number." in html
    assert "Import now" not in html
    assert Kol.objects.count() == 0


def test_a_preview_with_errors_cannot_be_confirmed(client_for, specialist, group):
    client = client_for(specialist)
    upload(client, group, [channel_row(followers="lots")])
    job = ImportJob.objects.get()
    page = client.post(reverse("kols:import_confirm", args=[job.pk]), headers=ENGLISH, follow=True)
    assert "preview it first, without errors" in page.content.decode()
    job.refresh_from_db()
    assert job.dry_run is True and Kol.objects.count() == 0


def test_confirming_twice_imports_once(client_for, specialist, group):
    client = client_for(specialist)
    upload(client, group, GOOD)
    job = ImportJob.objects.get()
    client.post(reverse("kols:import_confirm", args=[job.pk]))
    client.post(reverse("kols:import_confirm", args=[job.pk]))
    assert Kol.history.count() == 2  # one creation each, no second run


def test_a_viewer_may_not_open_upload_or_confirm(client_for, viewer, specialist, group):
    job = ImportJob.objects.create(group=group, created_by=specialist, file="imports/x.csv", filename="x.csv")
    client = client_for(viewer)
    assert client.get(reverse("kols:import")).status_code == 403
    assert upload(client, group, GOOD).status_code == 403
    assert client.get(reverse("kols:import_job", args=[job.pk])).status_code == 403
    assert client.post(reverse("kols:import_confirm", args=[job.pk])).status_code == 403
    assert ImportJob.objects.count() == 1


def test_another_groups_import_is_not_found(client_for, outsider, specialist, group):
    job = ImportJob.objects.create(group=group, created_by=specialist, file="imports/x.csv", filename="x.csv")
    client = client_for(outsider)
    assert client.get(reverse("kols:import_job", args=[job.pk])).status_code == 404
    assert client.post(reverse("kols:import_confirm", args=[job.pk])).status_code == 404


def test_a_user_cannot_upload_into_a_group_they_may_not_import_into(client_for, outsider, group):
    page = upload(client_for(outsider), group, GOOD)
    assert "You may not import into this group." in page.content.decode()
    assert ImportJob.objects.count() == 0


def test_only_the_uploader_can_confirm_their_preview(client_for, specialist, make_member, group):
    upload(client_for(specialist), group, GOOD)
    job = ImportJob.objects.get()
    colleague = make_member(Role.MANAGER)
    client = client_for(colleague)
    assert client.get(reverse("kols:import_job", args=[job.pk])).status_code == 200  # may read the report
    assert client.post(reverse("kols:import_confirm", args=[job.pk])).status_code == 403
    assert Kol.objects.count() == 0


def test_a_running_import_shows_a_progress_bar_polled_by_htmx(client_for, specialist, group):
    job = ImportJob.objects.create(
        group=group,
        created_by=specialist,
        file="imports/x.csv",
        filename="x.csv",
        status="running",
        total_rows=200,
        processed_rows=50,
    )
    client = client_for(specialist)
    page = client.get(reverse("kols:import_job", args=[job.pk]), headers=ENGLISH).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<html" in page
    fragment = client.get(
        reverse("kols:import_job", args=[job.pk]), headers={**ENGLISH, "HX-Request": "true"}
    )
    html = fragment.content.decode()
    assert "<html" not in html and html.lstrip().startswith('<div id="import-progress"')
    assert 'style="width: 25%"' in html


def test_the_poll_reloads_the_page_once_the_import_is_done(client_for, specialist, group):
    job = ImportJob.objects.create(
        group=group, created_by=specialist, file="imports/x.csv", filename="x.csv", status="done"
    )
    response = client_for(specialist).get(
        reverse("kols:import_job", args=[job.pk]), headers={"HX-Request": "true"}
    )
    assert response["HX-Refresh"] == "true"


def test_large_files_run_in_the_background(
    client_for, specialist, group, settings, django_capture_on_commit_callbacks
):
    settings.KOLOPS_IMPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=False) as queued:
        page = upload(client_for(specialist), group, GOOD, preview=False)
    job = ImportJob.objects.get()
    assert (job.status, len(queued)) == ("pending", 1)  # the request did not run it
    assert "Waiting for a worker" in page.content.decode()
    queued[0]()  # the worker picks it up (ImmediateBackend in tests)
    job.refresh_from_db()
    assert (job.status, job.result["created"], Channel.objects.count()) == ("done", 2, 2)


def test_export_uses_the_lists_filters_and_downloads_a_file(client_for, specialist, channel):
    response = client_for(specialist).get(reverse("kols:export", args=["csv"]) + "?platform=youtube")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="kols-')
    assert response.content.decode("utf-8-sig").count("\n") == 1  # the header; no YouTube channel
    everything = client_for(specialist).get(reverse("kols:export", args=["xlsx"]))
    assert everything.content.startswith(b"PK")


def test_a_viewer_may_not_export_and_unknown_formats_do_not_exist(client_for, viewer, specialist):
    assert client_for(viewer).get(reverse("kols:export", args=["csv"])).status_code == 403
    assert client_for(specialist).get(reverse("kols:export", args=["pdf"])).status_code == 404


def test_the_template_downloads_in_both_formats(client_for, viewer):
    client = client_for(viewer)
    csv_file = client.get(reverse("kols:import_template", args=["csv"]))
    assert csv_file.content.decode("utf-8-sig").startswith("kol_name,real_name,")
    assert client.get(reverse("kols:import_template", args=["xlsx"])).content.startswith(b"PK")
