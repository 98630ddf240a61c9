"""Concurrent writes to one KOL and its channels: no deadlock, no error, no lost change.

Eight writers run at once in threads, each with its own database connection, as eight
requests of eight gunicorn workers would. On PostgreSQL a channel edit used to lock its
channel before its KOL while a KOL edit locked the KOL before its channels, and both re-copy
the KOL onto every channel: "deadlock detected". Every write now locks the KOL first.
"""

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kolops.accounts.services import api_token_create
from kolops.core.concurrency import StaleVersion, etag
from kolops.kols import services
from kolops.kols.imports import kols_import
from kolops.kols.models import Channel, Kol
from kolops.kols.tests.import_files import channel_row, csv_bytes
from kolops.kols.tests.writers import run_at_once, separate_connections

pytestmark = pytest.mark.django_db

JSON = "application/json"
WRITERS = 8
ROUNDS = 6


@pytest.fixture
def writers_db(transactional_db, tmp_path):
    """A database the writer threads reach through connections of their own, committed."""
    with separate_connections(tmp_path):
        yield


@pytest.fixture
def kol_with_channels(writers_db, kol, specialist):
    """The KOL with four channels (the fixture's TikTok one and three more)."""
    for platform, handle in (("youtube", "ngoctrinh.yt"), ("facebook", "ngoctrinh.fb"), ("instagram", "nt")):
        services.channel_create(
            by=specialist, kol=kol, data={"platform": platform, "handle": handle, "followers": 10_000}
        )
    return kol


def test_kol_and_channel_edits_at_once_neither_deadlock_nor_leave_stale_copies(kol_with_channels, specialist):
    # given a KOL with four channels
    kol = kol_with_channels
    channels = list(kol.channels.order_by("pk"))

    # when four writers edit the KOL (one field each) while four edit its channels
    def kol_writer(field: str):
        def work():
            for round_ in range(ROUNDS):
                services.kol_update(by=specialist, kol=kol, data={field: f"{field} {round_}"})

        return work

    def channel_writer(channel: Channel):
        def work():
            for round_ in range(ROUNDS):
                services.channel_update(by=specialist, channel=channel, data={"avg_views": 1000 + round_})

        return work

    work = [kol_writer(f) for f in ("display_name", "agency", "manager_name", "real_name")]
    work += [channel_writer(c) for c in channels]
    errors = run_at_once(work)

    # then nothing failed, every writer's last value is there, and every channel carries the
    # KOL's final name (a channel edit re-copies the KOL it read under its lock)
    assert errors == []
    kol = Kol.objects.get(pk=kol.pk)
    last = f"{ROUNDS - 1}"
    assert (kol.display_name, kol.agency, kol.manager_name, kol.real_name) == (
        f"display_name {last}",
        f"agency {last}",
        f"manager_name {last}",
        f"real_name {last}",
    )
    assert set(Channel.objects.filter(kol=kol).values_list("avg_views", "kol_name")) == {
        (1000 + ROUNDS - 1, kol.display_name)
    }


def test_imports_and_edits_of_the_same_kol_at_once_do_not_deadlock(kol_with_channels, specialist, group):
    # given files that update the KOL's four channels, listed in the reverse of their id order
    kol = kol_with_channels
    channels = list(kol.channels.order_by("-pk"))

    def import_writer(followers: int):
        rows = [
            channel_row(kol_name="Ngọc Trinh", platform=c.platform, handle=c.handle, followers=str(followers))
            for c in channels
        ]

        def work():
            for _round in range(3):
                result = kols_import(
                    by=specialist, group=group, file_name="kols.csv", data=csv_bytes(rows), dry_run=False
                )
                assert result.ok, result.errors

        return work

    def edit_writer(channel: Channel):
        def work():
            for round_ in range(ROUNDS):
                services.kol_update(by=specialist, kol=kol, data={"notes": f"round {round_}"})
                services.channel_update(by=specialist, channel=channel, data={"avg_views": 1000 + round_})

        return work

    # when two imports run while six writers edit the KOL and its channels
    errors = run_at_once(
        [import_writer(20_000), import_writer(30_000), *[edit_writer(c) for c in channels * 2][:6]]
    )

    # then nothing failed, and every channel holds one of the imported counts
    assert errors == []
    assert set(Channel.objects.filter(kol=kol).values_list("followers", flat=True)) <= {20_000, 30_000}


def test_a_stale_version_is_refused_by_the_service_and_saves_nothing(kol, specialist):
    # given a version read before someone else's change
    read = services.kol_version(kol)
    services.kol_update(by=specialist, kol=kol, data={"agency": "First"})

    # when a change is made over it
    with pytest.raises(StaleVersion):
        services.kol_update(by=specialist, kol=kol, data={"agency": "Second"}, expected_version=read)

    # then the first change stands
    assert Kol.objects.get(pk=kol.pk).agency == "First"


def api_client(user) -> Client:
    _token, key = api_token_create(user=user, name="writer")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def read_modify_write(client: Client, url: str, change: Callable[[dict], dict], answers: list) -> None:
    """GET, then PATCH with the ETag as If-Match; on 412 read again and retry. Every answer is
    kept; a change counts as acknowledged when its PATCH answered 200."""
    while True:
        read = client.get(url)
        assert read.status_code == 200, read.content
        response = client.patch(url, change(read.json()), content_type=JSON, HTTP_IF_MATCH=read["ETag"])
        answers.append(response.status_code)
        if response.status_code != 412:
            assert response.status_code == 200, response.content
            return


def test_eight_api_writers_with_if_match_lose_no_acknowledged_change(kol_with_channels, specialist):
    # given a KOL with four channels, and eight API clients
    kol = kol_with_channels
    channels = list(kol.channels.order_by("pk"))[:2]
    followers_before = {c.pk: c.followers for c in channels}
    answers: list[int] = []

    # when four append a word to the KOL's notes and four add one follower to a channel
    # (two per channel), each reading first and sending If-Match, retrying on 412
    def notes_writer(writer: int):
        client = api_client(specialist)

        def work():
            for round_ in range(ROUNDS):
                read_modify_write(
                    client,
                    f"/api/kols/{kol.pk}",
                    lambda body, word=f"w{writer}r{round_}": {"notes": f"{body['notes']} {word}"},
                    answers,
                )

        return work

    def followers_writer(channel: Channel):
        client = api_client(specialist)

        def work():
            for _round in range(ROUNDS):
                read_modify_write(
                    client,
                    f"/api/channels/{channel.pk}",
                    lambda body: {"followers": body["followers"] + 1},
                    answers,
                )

        return work

    work = [notes_writer(w) for w in range(4)] + [followers_writer(c) for c in channels * 2]
    errors = run_at_once(work)

    # then nothing failed, and every acknowledged change is there
    assert errors == []
    assert answers.count(200) == WRITERS * ROUNDS
    notes = Kol.objects.get(pk=kol.pk).notes.split()
    assert {f"w{w}r{r}" for w in range(4) for r in range(ROUNDS)} <= set(notes)
    for channel in channels:
        assert Channel.objects.get(pk=channel.pk).followers == followers_before[channel.pk] + 2 * ROUNDS


# ---------------------------------------------------------------- the If-Match contract


@pytest.fixture
def api(specialist) -> Client:
    return api_client(specialist)


def test_an_update_with_the_current_etag_is_saved_and_answers_a_new_etag(api, kol):
    # given the ETag of a GET
    read = api.get(f"/api/kols/{kol.pk}")

    # when the KOL is changed with it
    response = api.patch(
        f"/api/kols/{kol.pk}", {"agency": "Sao"}, content_type=JSON, HTTP_IF_MATCH=read["ETag"]
    )

    # then it is saved, and the answer carries the new version's ETag
    assert response.status_code == 200
    assert response.json()["agency"] == "Sao"
    assert response["ETag"] != read["ETag"]
    assert response["ETag"] == etag(services.kol_version(Kol.objects.get(pk=kol.pk)))


def test_an_update_with_a_stale_etag_is_412_and_saves_nothing(api, kol):
    # given an ETag read before another change
    stale = api.get(f"/api/kols/{kol.pk}")["ETag"]
    api.patch(
        f"/api/kols/{kol.pk}",
        {"agency": "First"},
        content_type=JSON,
        HTTP_IF_MATCH=api.get(f"/api/kols/{kol.pk}")["ETag"],
    )

    # when a change is sent with it
    response = api.patch(f"/api/kols/{kol.pk}", {"agency": "Second"}, content_type=JSON, HTTP_IF_MATCH=stale)

    # then it is refused with a message and the current ETag, and nothing is saved
    assert response.status_code == 412
    assert "changed by someone else" in response.json()["detail"]
    assert response["ETag"] == api.get(f"/api/kols/{kol.pk}")["ETag"]
    assert Kol.objects.get(pk=kol.pk).agency == "First"


def test_an_update_without_if_match_is_428_and_saves_nothing(api, channel):
    response = api.patch(f"/api/channels/{channel.pk}", {"followers": 7}, content_type=JSON)
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert Channel.objects.get(pk=channel.pk).followers == 1_500_000


@pytest.mark.parametrize(
    "header",
    ["{tag}", "W/{tag}", '"nope", {tag}', "{bare}", "*"],
    ids=["strong", "weak", "list", "unquoted", "any"],
)
def test_if_match_accepts_the_current_version_in_every_form(api, channel, header):
    tag = api.get(f"/api/channels/{channel.pk}")["ETag"]
    response = api.patch(
        f"/api/channels/{channel.pk}",
        {"followers": 7},
        content_type=JSON,
        HTTP_IF_MATCH=header.format(tag=tag, bare=tag.strip('"')),
    )
    assert response.status_code == 200
    assert Channel.objects.get(pk=channel.pk).followers == 7


def test_a_region_share_change_is_a_new_version_of_the_channel(api, channel):
    # given the channel's ETag
    before = api.get(f"/api/channels/{channel.pk}")["ETag"]

    # when only its audience by region is replaced
    response = api.patch(
        f"/api/channels/{channel.pk}",
        {"region_shares": [{"region": "VN-SG", "share": Decimal(60)}]},
        content_type=JSON,
        HTTP_IF_MATCH=before,
    )

    # then the old ETag no longer matches
    assert response.status_code == 200 and response["ETag"] != before
    stale = api.patch(
        f"/api/channels/{channel.pk}", {"region_shares": []}, content_type=JSON, HTTP_IF_MATCH=before
    )
    assert stale.status_code == 412


def test_permission_and_existence_are_checked_before_if_match(client_for, viewer, outsider, kol):
    assert (
        client_for(viewer).patch(f"/api/kols/{kol.pk}", {"notes": "x"}, content_type=JSON).status_code == 403
    )
    assert (
        client_for(outsider).patch(f"/api/kols/{kol.pk}", {"notes": "x"}, content_type=JSON).status_code
        == 404
    )


# ---------------------------------------------------------------- edit pages


def form_data(form) -> dict:
    """What a browser posts for `form` as shown (its current values)."""
    data = {}
    for bound in form:
        value = bound.value()
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
        elif value is True:
            data[bound.html_name] = "on"
        elif value not in (None, False):
            data[bound.html_name] = str(value)
    return data


def test_a_kol_form_posted_over_a_newer_version_saves_nothing_and_keeps_the_input(
    client_for, specialist, kol
):
    # given the edit form, opened before someone else changed the agency
    client = client_for(specialist)
    opened = client.get(reverse("kols:edit", args=[kol.pk])).context["form"]
    services.kol_update(by=specialist, kol=kol, data={"agency": "Sao Agency"})

    # when the form is posted with a new manager name
    posted = form_data(opened) | {"manager_name": "Chị Lan"}
    response = client.post(reverse("kols:edit", args=[kol.pk]), posted)

    # then it is shown again with the message, the input kept and the saved agency listed,
    assert response.status_code == 200
    page = response.content.decode()
    assert "This KOL was changed by someone else since you opened the form" in page
    assert 'value="Chị Lan"' in page
    assert ("Agency", "Sao Agency") in response.context["form"].stale_changes
    # and nothing of it was saved
    kol.refresh_from_db()
    assert (kol.agency, kol.manager_name) == ("Sao Agency", "")

    # when it is posted again as shown (now on the current version)
    again = client.post(reverse("kols:edit", args=[kol.pk]), form_data(response.context["form"]))

    # then the input is saved over the current values
    assert again.status_code == 302
    kol.refresh_from_db()
    assert (kol.agency, kol.manager_name) == ("", "Chị Lan")


def test_a_channel_form_posted_over_a_newer_version_saves_nothing(client_for, specialist, channel):
    # given the channel form, opened before someone else changed the followers
    client = client_for(specialist)
    opened = client.get(reverse("kols:channel_edit", args=[channel.pk])).context["form"]
    services.channel_update(by=specialist, channel=channel, data={"followers": 2_000_000})

    # when it is posted with a new average of views
    response = client.post(
        reverse("kols:channel_edit", args=[channel.pk]), form_data(opened) | {"avg_views": "300000"}
    )

    # then nothing is saved and the page says why
    assert response.status_code == 200
    assert "This channel was changed by someone else" in response.content.decode()
    channel.refresh_from_db()
    assert (channel.followers, channel.avg_views) == (2_000_000, 250_000)


def test_a_form_posted_on_the_current_version_is_saved(client_for, specialist, kol):
    client = client_for(specialist)
    opened = client.get(reverse("kols:edit", args=[kol.pk])).context["form"]
    response = client.post(reverse("kols:edit", args=[kol.pk]), form_data(opened) | {"agency": "Sao"})
    assert response.status_code == 302
    assert Kol.objects.get(pk=kol.pk).agency == "Sao"


def test_a_created_kol_and_channel_answer_with_their_etags(api, group):
    created = api.post("/api/kols", {"display_name": "Hà Linh"}, content_type=JSON)
    assert created.status_code == 201
    assert created["ETag"] == api.get(f"/api/kols/{created.json()['id']}")["ETag"]
    channel = api.post(
        f"/api/kols/{created.json()['id']}/channels",
        {"platform": "tiktok", "handle": "halinh"},
        content_type=JSON,
    )
    assert channel.status_code == 201
    assert channel["ETag"] == api.get(f"/api/channels/{channel.json()['id']}")["ETag"]
