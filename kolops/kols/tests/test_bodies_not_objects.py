"""A KOL or channel body that is not a JSON object is refused (422), never read as an empty
change: a list, a string or a number sent where the API expects an object changes nothing."""

import json

import pytest
from django.test import Client

from kolops.accounts.services import api_token_create
from kolops.kols.models import Kol

pytestmark = pytest.mark.django_db

NOT_OBJECTS = [[], [1, 2], "abc", 42, True]


@pytest.fixture
def api(specialist) -> Client:
    _record, key = api_token_create(user=specialist, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def send(api: Client, method: str, url: str, body, **headers):
    return getattr(api, method)(url, data=json.dumps(body), content_type="application/json", **headers)


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=repr)
def test_a_kol_change_that_is_not_an_object_is_refused_and_changes_nothing(api, kol, body):
    # Given the KOL as it is saved
    etag = api.get(f"/api/kols/{kol.pk}")["ETag"]
    before = Kol.objects.get(pk=kol.pk).updated_at
    # When a body that is not an object is sent as its change
    response = send(api, "patch", f"/api/kols/{kol.pk}", body, HTTP_IF_MATCH=etag)
    # Then it is refused, and the KOL is not saved again
    assert response.status_code == 422, response.content
    assert Kol.objects.get(pk=kol.pk).updated_at == before


@pytest.mark.parametrize("body", NOT_OBJECTS, ids=repr)
def test_a_channel_change_that_is_not_an_object_is_refused(api, channel, body):
    etag = api.get(f"/api/channels/{channel.pk}")["ETag"]
    response = send(api, "patch", f"/api/channels/{channel.pk}", body, HTTP_IF_MATCH=etag)
    assert response.status_code == 422, response.content
    assert api.get(f"/api/channels/{channel.pk}")["ETag"] == etag


def test_a_rate_that_is_not_an_object_is_refused_by_its_place(api, kol):
    body = {"platform": "youtube", "handle": "lan.review", "rates": ["1000000"]}
    response = send(api, "post", f"/api/kols/{kol.pk}/channels", body)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-2:] == ["rates", 0]


def test_the_refusal_says_an_object_is_expected(api, kol):
    etag = api.get(f"/api/kols/{kol.pk}")["ETag"]
    response = send(api, "patch", f"/api/kols/{kol.pk}", [1], HTTP_IF_MATCH=etag)
    assert response.json()["detail"][0]["msg"] == "Send a JSON object here."


def test_an_object_change_is_still_applied(api, kol):
    etag = api.get(f"/api/kols/{kol.pk}")["ETag"]
    response = send(api, "patch", f"/api/kols/{kol.pk}", {"notes": "Hợp tác lâu dài 🌸"}, HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    assert Kol.objects.get(pk=kol.pk).notes == "Hợp tác lâu dài 🌸"
