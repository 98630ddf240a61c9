"""A user who edits KOLs in one group and only views another never writes the other group's
KOL data, by any page, API operation or command.

`dual` is a specialist of `group` and a viewer of `other_group`. Every write that names one of
the other group's KOLs, channels, prices, saved searches or import jobs is refused and changes
nothing; exports and imports keep to the group `dual` may export from and import into.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from kolops.accounts.services import api_token_create
from kolops.kols import services
from kolops.kols.imports import import_job_create, import_job_start
from kolops.kols.models import Channel, ContactLog, ImportJob, Kol, RateCard, SavedSearch
from kolops.kols.tests.import_files import channel_row, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_group, outsider) -> Channel:
    """A channel, with a price, of a KOL of the other group."""
    kol = services.kol_create(by=outsider, group=other_group, data={"display_name": "Ngoại Hương"})
    channel = services.channel_create(
        by=outsider, kol=kol, data={"platform": "tiktok", "handle": "ngoaihuong", "followers": 40_000}
    )
    services.rate_card_save(
        by=outsider,
        channel=channel,
        data={"deliverable_type": "short_video", "price": 5_000_000, "currency": "VND"},
    )
    return channel


@pytest.fixture
def signed_in(client, dual) -> Client:
    client.force_login(dual)
    return client


def snapshot(channel: Channel) -> tuple:
    """Everything a write could change about the other group's KOL and channel."""
    kol = Kol.objects.get(pk=channel.kol_id)
    return (
        kol.updated_at,
        kol.archived_at,
        list(Channel.objects.filter(kol=kol).values_list("pk", "updated_at")),
        list(RateCard.objects.filter(channel__kol=kol).values_list("pk", "price")),
        ContactLog.objects.filter(kol=kol).count(),
    )


PAGE_WRITES = {
    "edit": lambda c: (reverse("kols:edit", args=[c.kol_id]), {"display_name": "Đổi tên", "kol_type": "kol"}),
    "archive": lambda c: (reverse("kols:archive", args=[c.kol_id]), {}),
    "channel create": lambda c: (
        reverse("kols:channel_create", args=[c.kol_id]),
        {"platform": "youtube", "handle": "ngoai.yt", "followers": "10"},
    ),
    "contact": lambda c: (
        reverse("kols:contact_create", args=[c.kol_id]),
        {"via": "phone", "summary": "Gọi"},
    ),
    "channel edit": lambda c: (
        reverse("kols:channel_edit", args=[c.pk]),
        {"platform": "tiktok", "handle": "ngoaihuong", "followers": "1"},
    ),
    "channel delete": lambda c: (reverse("kols:channel_delete", args=[c.pk]), {}),
    "rate create": lambda c: (
        reverse("kols:rate_create", args=[c.pk]),
        {"deliverable_type": "post", "price": "1", "currency": "VND"},
    ),
    "rate delete": lambda c: (reverse("kols:rate_delete", args=[c.rates.get().pk]), {}),
}


@pytest.mark.parametrize("write", PAGE_WRITES)
def test_a_page_write_on_a_kol_of_the_group_the_user_only_views_is_forbidden_and_changes_nothing(
    signed_in, theirs, write
):
    # Given a KOL of the group `dual` only views, as it is saved
    before = snapshot(theirs)
    url, data = PAGE_WRITES[write](theirs)
    # When `dual` posts the write
    response = signed_in.post(url, data)
    # Then it is forbidden and nothing changed
    assert response.status_code == 403
    assert snapshot(theirs) == before


def api_client(user) -> Client:
    _record, key = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


API_WRITES = {
    "kol change": lambda c: ("patch", f"/api/kols/{c.kol_id}", {"notes": "x"}),
    "archive": lambda c: ("patch", f"/api/kols/{c.kol_id}", {"archived": True}),
    "channel create": lambda c: (
        "post",
        f"/api/kols/{c.kol_id}/channels",
        {"platform": "youtube", "handle": "yt"},
    ),
    "channel change": lambda c: ("patch", f"/api/channels/{c.pk}", {"followers": 1}),
    "kol create there": lambda c: ("post", "/api/kols", {"display_name": "Mới", "group": c.group_id}),
}


@pytest.mark.parametrize("write", API_WRITES)
def test_an_api_write_in_the_group_the_user_only_views_is_forbidden_and_changes_nothing(dual, theirs, write):
    before = snapshot(theirs)
    kols_before = Kol.objects.count()
    method, url, body = API_WRITES[write](theirs)
    response = getattr(api_client(dual), method)(
        url, data=json.dumps(body), content_type="application/json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 403, response.content
    assert snapshot(theirs) == before
    assert Kol.objects.count() == kols_before


def test_the_upload_page_does_not_import_into_the_group_the_user_only_views(signed_in, other_group):
    upload = SimpleUploadedFile("kols.csv", csv_bytes([channel_row()]), content_type="text/csv")
    response = signed_in.post(reverse("kols:import"), {"file": upload, "group": other_group.pk})
    assert response.status_code == 200  # the form again, with the group refused
    assert not ImportJob.objects.exists()
    assert not Kol.objects.filter(group=other_group).exists()


@pytest.mark.parametrize("action", ["kols:import_confirm", "kols:import_cancel"])
def test_a_preview_of_the_other_group_cannot_be_confirmed_or_cancelled(
    signed_in, other_group, outsider, action
):
    # Given a clean preview uploaded by the other group's administrator
    job = import_job_create(
        by=outsider,
        group=other_group,
        upload=io.BytesIO(csv_bytes([channel_row()])),
        file_name="kols.csv",
        dry_run=True,
    )
    import_job_start(job)
    job.refresh_from_db()
    # When `dual` confirms or cancels it
    response = signed_in.post(reverse(action, args=[job.pk]))
    # Then it is forbidden: nothing imported, the file kept
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.dry_run and job.file.name
    assert not Kol.objects.filter(group=other_group).exists()


def test_the_export_page_holds_no_row_of_the_group_the_user_only_views(signed_in, theirs, kol):
    response = signed_in.get(reverse("kols:export", args=["csv"]))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"ngoaihuong" not in body
    assert b"ngoctrinh" in body


def test_a_saved_search_of_another_user_cannot_be_deleted(signed_in, outsider, other_group):
    search = services.saved_search_create(by=outsider, group=other_group, name="Của họ", query="q=a")
    response = signed_in.post(reverse("kols:search_delete", args=[search.pk]))
    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=search.pk).exists()


def test_the_export_command_as_the_user_leaves_out_the_group_the_user_only_views(dual, theirs, kol, tmp_path):
    target = tmp_path / "kols.csv"
    call_command("export-kols", str(target), "--user", dual.username, stdout=io.StringIO())
    text = target.read_text(encoding="utf-8-sig")
    assert "ngoaihuong" not in text
    assert "ngoctrinh" in text


def test_the_import_command_as_the_user_refuses_the_group_the_user_only_views(dual, other_group, tmp_path):
    source = tmp_path / "kols.csv"
    source.write_bytes(csv_bytes([channel_row()]))
    with pytest.raises(CommandError):
        call_command(
            "import-kols",
            str(source),
            "--user",
            dual.username,
            "--group",
            str(other_group.pk),
            stdout=io.StringIO(),
        )
    assert not Kol.objects.filter(group=other_group).exists()
