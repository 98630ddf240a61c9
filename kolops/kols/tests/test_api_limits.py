"""Requests past the API's limits are the caller's error, answered in JSON, never a 500.

The KOL search takes at most 200 characters, as the channel search does: two thousand words
were a 500 on SQLite ("Expression tree is too large"). A query string with more fields than the
server reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) is a JSON 400, like every answer under /api/.
"""

import pytest
from django.test import Client

from kolops.accounts.services import api_token_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(specialist) -> Client:
    _record, key = api_token_create(user=specialist, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_a_kol_search_of_two_thousand_words_is_a_422_naming_q(api, kol):
    response = api.get("/api/kols", {"q": " ".join(f"w{i}" for i in range(2000))})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]


def test_a_kol_search_of_a_hundred_words_within_200_characters_is_answered(api, kol):
    response = api.get("/api/kols", {"q": " ".join(["a"] * 100)})
    assert response.status_code == 200


def test_a_kol_search_within_the_limit_still_finds_the_kol(api, kol):
    response = api.get("/api/kols", {"q": "Ngọc Trinh"})
    assert [item["id"] for item in response.json()["items"]] == [kol.pk]


def test_a_query_string_with_more_fields_than_the_server_reads_is_a_json_400(api, kol):
    response = api.get("/api/channels?" + "&".join("region=VN-SG" for _ in range(3000)))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "too many fields" in response.json()["detail"]


def test_a_json_body_past_the_size_the_server_reads_is_a_json_400(api, kol, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api.patch(
        f"/api/kols/{kol.pk}",
        data='{"notes": "' + "a" * 2000 + '"}',
        content_type="application/json",
        HTTP_IF_MATCH="*",
    )
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_a_page_with_more_fields_than_the_server_reads_is_still_the_400_page(client_for, specialist):
    response = client_for(specialist).get("/kols/?" + "&".join("region=VN-SG" for _ in range(3000)))
    assert response.status_code == 400
    assert not response["Content-Type"].startswith("application/json")
