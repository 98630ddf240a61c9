"""A campaign edited by eight API writers at once, each reading first and sending If-Match.

Before versions, PUT replaced the whole document without a check: of eight writers who read
the same version, the last one's PUT undid the other seven's acknowledged changes.
"""

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from kolops.accounts.services import api_token_create
from kolops.campaigns import services
from kolops.campaigns.models import Campaign
from kolops.kols.tests.writers import separate_connections

from .factories import make_campaign

pytestmark = pytest.mark.django_db

JSON = "application/json"
READ_ONLY = ("id", "status", "created_at", "updated_at")


@pytest.fixture
def writers_db(transactional_db, tmp_path):
    """A database the writer threads reach through connections of their own, committed."""
    with separate_connections(tmp_path):
        yield


def api_client(user) -> Client:
    _token, key = api_token_create(user=user, name="writer")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def as_document(body: dict) -> dict:
    """A campaign as read, as a PUT body (without the fields the server keeps)."""
    return {k: v for k, v in body.items() if k not in READ_ONLY}


# Each writer changes its own part of the campaign: six with PATCH, two with a whole PUT.
PATCHES: list[tuple[str, Callable[[dict], dict]]] = [
    ("patch", lambda doc: {"description": "Ra mắt son tint mùa hè"}),
    ("patch", lambda doc: {"kpi": {"views": 2_000_000}}),
    ("patch", lambda doc: {"kpi": {"clicks": 40_000}}),
    ("patch", lambda doc: {"budget": "250000000"}),
    ("patch", lambda doc: {"brief": {"notes": "Quay ngoài trời"}}),
    ("patch", lambda doc: {"audience": {"regions": ["VN-SG", "VN-HN"]}}),
    ("put", lambda doc: as_document(doc) | {"name": "Son tint – đợt 2"}),
    ("put", lambda doc: as_document(doc) | {"reserve_percent": "15"}),
]


def test_eight_writers_with_if_match_keep_every_acknowledged_change(writers_db, brand, specialist):
    # given a campaign, and eight API writers who all read the same version of it
    campaign = make_campaign(specialist, brand)
    url = f"/api/campaigns/{campaign.pk}"
    all_read = threading.Barrier(len(PATCHES))
    first_answers: list[int] = []
    later_answers: list[int] = []
    errors: list[str] = []

    def writer(method: str, change: Callable[[dict], dict]):
        client = api_client(specialist)
        try:
            read = client.get(url)
            all_read.wait()
            # when each sends its change with that version's ETag, and on 412 reads again and retries
            answers = first_answers
            while True:
                response = getattr(client, method)(
                    url, change(read.json()), content_type=JSON, HTTP_IF_MATCH=read["ETag"]
                )
                answers.append(response.status_code)
                if response.status_code != 412:
                    assert response.status_code == 200, response.content
                    return
                answers = later_answers
                read = client.get(url)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=job) for job in PATCHES]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then of the eight writes made over the same version one won and seven were told (412),
    assert errors == []
    assert sorted(first_answers) == [200] + [412] * 7
    assert set(later_answers) <= {200, 412} and later_answers.count(200) == 7
    # and every acknowledged change is in the campaign
    body = api_client(specialist).get(url).json()
    assert body["description"] == "Ra mắt son tint mùa hè"
    assert (body["kpi"]["views"], body["kpi"]["clicks"]) == (2_000_000, 40_000)
    assert Decimal(body["budget"]) == Decimal(250_000_000)
    assert body["brief"]["notes"] == "Quay ngoài trời"
    assert body["brief"]["deliverables"]  # the PATCH of the notes kept the rest of the brief
    assert body["audience"]["regions"] == ["VN-SG", "VN-HN"]
    assert body["name"] == "Son tint – đợt 2"
    assert Decimal(body["reserve_percent"]) == Decimal(15)


# ---------------------------------------------------------------- the If-Match contract


@pytest.fixture
def campaign(brand, specialist) -> Campaign:
    return make_campaign(specialist, brand)


@pytest.fixture
def api(specialist) -> Client:
    return api_client(specialist)


def test_a_patch_with_the_current_etag_changes_only_its_fields_and_answers_a_new_etag(api, campaign):
    # given the campaign as read
    read = api.get(f"/api/campaigns/{campaign.pk}")

    # when one KPI target is patched with its ETag
    response = api.patch(
        f"/api/campaigns/{campaign.pk}",
        {"kpi": {"leads": 300}},
        content_type=JSON,
        HTTP_IF_MATCH=read["ETag"],
    )

    # then only that target changed, and the answer carries the new version
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["kpi"]["leads"] == 300
    assert {k: v for k, v in after.items() if k not in ("kpi", "updated_at")} == {
        k: v for k, v in read.json().items() if k not in ("kpi", "updated_at")
    }
    assert response["ETag"] != read["ETag"]
    assert response["ETag"] == api.get(f"/api/campaigns/{campaign.pk}")["ETag"]


def test_a_put_over_a_stale_etag_is_412_and_saves_nothing(api, campaign, specialist):
    # given a version read before someone else renamed the campaign
    read = api.get(f"/api/campaigns/{campaign.pk}")
    services.campaign_update(by=specialist, campaign=campaign, data={"name": "Renamed meanwhile"})

    # when the old document is put back with the old ETag
    response = api.put(
        f"/api/campaigns/{campaign.pk}",
        as_document(read.json()) | {"description": "Mine"},
        content_type=JSON,
        HTTP_IF_MATCH=read["ETag"],
    )

    # then it is refused, and the other change stands
    assert response.status_code == 412
    assert "changed by someone else" in response.json()["detail"]
    campaign.refresh_from_db()
    assert (campaign.name, campaign.description) == ("Renamed meanwhile", "")


def test_a_brief_change_is_a_new_version_of_its_campaign(api, campaign):
    # given the campaign's ETag
    campaign_tag = api.get(f"/api/campaigns/{campaign.pk}")["ETag"]

    # when only its brief is patched (with the brief's own ETag)
    brief_url = f"/api/campaigns/{campaign.pk}/brief"
    response = api.patch(
        brief_url, {"notes": "Mới"}, content_type=JSON, HTTP_IF_MATCH=api.get(brief_url)["ETag"]
    )

    # then the brief keeps its other fields, and the campaign's old ETag is stale
    assert response.status_code == 200 and response.json()["deliverables"]
    stale = api.patch(
        f"/api/campaigns/{campaign.pk}", {"name": "X"}, content_type=JSON, HTTP_IF_MATCH=campaign_tag
    )
    assert stale.status_code == 412


def test_a_brief_put_over_a_stale_etag_is_412_and_saves_nothing(api, campaign, specialist):
    # given the brief as read before someone else changed its notes
    url = f"/api/campaigns/{campaign.pk}/brief"
    read = api.get(url)
    services.brief_patch(by=specialist, campaign=campaign, changes={"notes": "Theirs"})

    # when the old brief is put back with new key messages and the old ETag
    response = api.put(
        url, read.json() | {"key_messages": ["Mine"]}, content_type=JSON, HTTP_IF_MATCH=read["ETag"]
    )

    # then it is refused, and the other change stands
    assert response.status_code == 412
    campaign.brief.refresh_from_db()
    assert (campaign.brief.document["notes"], campaign.brief.document["key_messages"]) == ("Theirs", [])


def test_updates_without_if_match_are_428(api, campaign):
    url = f"/api/campaigns/{campaign.pk}"
    assert api.patch(url, {"name": "X"}, content_type=JSON).status_code == 428
    document = as_document(api.get(url).json())
    assert api.put(url, document | {"name": "X"}, content_type=JSON).status_code == 428
    assert api.put(f"{url}/brief", {}, content_type=JSON).status_code == 428
    assert api.patch(f"{url}/brief", {}, content_type=JSON).status_code == 428
    assert Campaign.objects.get(pk=campaign.pk).name == "Lotus Beauty – Son tint mùa hè"


def test_a_patch_that_makes_the_document_invalid_is_422_naming_the_field(api, campaign):
    read = api.get(f"/api/campaigns/{campaign.pk}")
    response = api.patch(
        f"/api/campaigns/{campaign.pk}",
        {"end_on": "2020-01-01"},
        content_type=JSON,
        HTTP_IF_MATCH=read["ETag"],
    )
    assert response.status_code == 422
    assert Campaign.objects.get(pk=campaign.pk).end_on.year == 2027


# ---------------------------------------------------------------- edit pages


def form_data(*forms) -> dict:
    """What a browser posts for these forms (a form and its formsets) as shown."""
    data = {}
    for form in forms:
        subs = [form.management_form, *form.forms] if hasattr(form, "management_form") else [form]
        for sub in subs:
            for bound in sub:
                value = bound.value()
                if isinstance(value, list | tuple):
                    data[bound.html_name] = [str(getattr(v, "pk", v)) for v in value]
                elif value is True:
                    data[bound.html_name] = "on"
                elif value not in (None, False):
                    data[bound.html_name] = str(value)
    return data


def test_a_campaign_form_posted_over_a_newer_version_saves_nothing_and_keeps_the_input(
    client_for, specialist, campaign
):
    # given the edit form, opened before someone else changed the description
    client = client_for(specialist)
    url = reverse("campaigns:edit", args=[campaign.pk])
    opened = client.get(url).context["form"]
    services.campaign_update(by=specialist, campaign=campaign, data={"description": "Theirs"})

    # when it is posted with a new name
    response = client.post(url, form_data(opened) | {"name": "Mine"})

    # then the page says so, keeps the input, lists the saved description, and saves nothing
    assert response.status_code == 200
    assert "This campaign was changed by someone else since you opened the form" in response.content.decode()
    assert response.context["form"]["name"].value() == "Mine"
    assert ("Description", "Theirs") in response.context["form"].stale_changes
    campaign.refresh_from_db()
    assert (campaign.name, campaign.description) == ("Lotus Beauty – Son tint mùa hè", "Theirs")


def test_a_brief_form_posted_over_a_newer_version_saves_nothing(client_for, specialist, campaign):
    # given the brief form, opened before someone else changed the brief's notes
    client = client_for(specialist)
    url = reverse("campaigns:brief", args=[campaign.pk])
    page = client.get(url)
    opened = form_data(page.context["form"], page.context["formset"])
    services.brief_patch(by=specialist, campaign=campaign, changes={"notes": "Theirs"})

    # when it is posted with new key messages
    response = client.post(url, opened | {"key_messages": "Môi mềm cả ngày"})

    # then the page says so and nothing of it is saved
    assert response.status_code == 200
    assert "This brief was changed by someone else" in response.content.decode()
    campaign.brief.refresh_from_db()
    assert (campaign.brief.document["notes"], campaign.brief.document["key_messages"]) == ("Theirs", [])


def test_a_created_campaign_answers_with_its_etag(api, brand, specialist):
    body = as_document(api.get(f"/api/campaigns/{make_campaign(specialist, brand).pk}").json())
    created = api.post("/api/campaigns", body | {"name": "Bản sao"}, content_type=JSON)
    assert created.status_code == 201, created.content
    assert created["ETag"] == api.get(f"/api/campaigns/{created.json()['id']}")["ETag"]
