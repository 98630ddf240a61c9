"""Bad input to the KOL API and pages is the caller's error (4xx with a message), never a 500.

Nulls in fields that cannot be empty, NUL characters, numbers past 64 bits, booleans where a
number is expected, garbled cursors and non-numeric ids: each is refused with a 4xx answer
that says what is wrong, on SQLite and PostgreSQL alike.
"""

import base64
import json

import pytest
from django.test import Client

from kolops.accounts.services import api_token_create

pytestmark = pytest.mark.django_db

JSON = "application/json"
BEYOND_64_BITS = 10**30


@pytest.fixture
def api(specialist) -> Client:
    """A client that authenticates with a bearer token of a specialist of `group`."""
    _record, key = api_token_create(user=specialist, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def patch(client: Client, url: str, body):
    """A change that does not depend on the version read (If-Match: *)."""
    return client.patch(url, body, content_type=JSON, headers={"If-Match": "*"})


def post(client: Client, url: str, body):
    return client.post(url, body, content_type=JSON)


def fields_named(response) -> set[str]:
    """The fields a 422 answer names, whichever of the two error shapes it has."""
    detail = response.json()["detail"]
    if isinstance(detail, dict):
        return set(detail)
    return {str(error["loc"][-1]) for error in detail}


def refused_for_a_nul(response) -> bool:
    """A 422 whose errors say a NUL character is not allowed (not some other refusal)."""
    return response.status_code == 422 and any(
        error["type"] == "nul_character" for error in response.json()["detail"]
    )


def cursor(value, pk) -> str:
    """A cursor as the API encodes one, holding `value` and `pk`."""
    raw = json.dumps([value, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# ---------------------------------------------------------------- nulls


@pytest.mark.parametrize(
    "field",
    [
        "display_name",
        "real_name",
        "kol_type",
        "home_region",
        "languages",
        "agency",
        "manager_name",
        "contacts",
        "notes",
        "status",
        "blacklist_reason",
        "risk_flags",
        "categories",
        "tags",
        "archived",
    ],
)
def test_null_in_a_kol_field_that_cannot_be_empty_is_refused_by_name(api, kol, field):
    # Given a KOL, when a change sets one of its not-null fields to null
    response = patch(api, f"/api/kols/{kol.pk}", {field: None})

    # then the change is refused, naming the field, and the KOL is unchanged
    assert response.status_code == 422, response.content
    assert field in fields_named(response)
    kol.refresh_from_db()
    assert kol.real_name == "Trần Thị Ngọc Trinh"


@pytest.mark.parametrize(
    "field", ["real_name", "languages", "contacts", "risk_flags", "home_region", "notes"]
)
def test_null_in_a_new_kol_is_refused_by_name(api, group, field):
    response = post(api, "/api/kols", {"display_name": "Hà Linh", "group": group.pk, field: None})

    assert response.status_code == 422, response.content
    assert field in fields_named(response)


@pytest.mark.parametrize("field", ["platform", "handle", "followers", "er_basis", "verified", "url"])
def test_null_in_a_channel_field_that_cannot_be_empty_is_refused_by_name(api, channel, field):
    response = patch(api, f"/api/channels/{channel.pk}", {field: None})

    assert response.status_code == 422, response.content
    assert field in fields_named(response)


def test_null_in_a_channel_field_that_may_be_unknown_clears_it(api, channel):
    # Given a channel whose average views are known, when a change sets them to null
    response = patch(api, f"/api/channels/{channel.pk}", {"avg_views": None, "engagement_rate": None})

    # then they become unknown
    assert response.status_code == 200, response.content
    channel.refresh_from_db()
    assert channel.avg_views is None
    assert channel.engagement_rate is None


# ---------------------------------------------------------------- NUL characters


@pytest.mark.parametrize("field", ["real_name", "notes", "agency"])
def test_a_nul_character_in_a_text_field_is_refused(api, kol, field):
    response = patch(api, f"/api/kols/{kol.pk}", {field: "Trinh\x00"})

    assert refused_for_a_nul(response), response.content
    assert field in fields_named(response)


def test_a_nul_character_in_a_contact_is_refused(api, kol):
    response = patch(api, f"/api/kols/{kol.pk}", {"contacts": {"zalo\x00": "0901\x00"}})

    assert refused_for_a_nul(response), response.content
    kol.refresh_from_db()
    assert not any("\x00" in key or "\x00" in value for key, value in kol.contacts.items())


def test_a_nul_character_in_a_json_body_sent_as_plain_text_is_refused(api, kol):
    body = json.dumps({"notes": "Trinh\x00"})

    response = api.generic(
        "PATCH", f"/api/kols/{kol.pk}", body, content_type="text/plain", headers={"If-Match": "*"}
    )

    assert refused_for_a_nul(response), response.content
    kol.refresh_from_db()
    assert kol.notes == "Thời trang, làm đẹp"


def test_a_nul_character_in_a_new_channel_handle_is_refused(api, kol):
    response = post(api, f"/api/kols/{kol.pk}/channels", {"platform": "youtube", "handle": "a\x00b"})

    assert refused_for_a_nul(response), response.content
    assert "handle" in fields_named(response)


@pytest.mark.parametrize(
    "url",
    [
        "/api/channels?q=%00",
        "/api/channels?q=son%00moi",
        "/api/channels?tag=%00",
        "/api/channels?sort=%00",
        "/api/kols?q=%00",
        "/api/kols?after=%00",
        "/api/campaigns?status=%00",
        "/api/channels?%00=1",
    ],
)
def test_a_nul_character_in_an_api_query_parameter_is_a_422(api, kol, url):
    response = api.get(url)

    assert refused_for_a_nul(response), response.content
    assert response["Content-Type"].startswith(JSON)
    assert response.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    "url", ["/kols/?q=%00", "/kols/?tag=%00", "/campaigns/?q=%00", "/campaigns/?status=%00"]
)
def test_a_nul_character_in_a_page_query_parameter_is_a_400_page(client_for, specialist, url):
    response = client_for(specialist).get(url)

    assert response.status_code == 400


def test_a_nul_character_in_an_api_path_is_a_422(api):
    response = api.get("/api/kols/%00")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["path"]


def test_a_nul_character_in_a_page_path_is_a_400_page(client_for, specialist):
    assert client_for(specialist).get("/kols/export.%00").status_code == 400


def test_a_nul_character_in_the_session_cookie_is_a_400_page(client):
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"

    assert client.get("/kols/").status_code == 400


def test_a_nul_character_in_a_form_post_is_a_400_page(client_for, specialist, kol):
    # Given the KOL edit page, when a name with a NUL character is posted
    response = client_for(specialist).post(
        f"/kols/{kol.pk}/edit/", {"display_name": "Ngọc\x00Trinh", "kol_type": "kol", "status": "active"}
    )

    # then the post is refused and nothing is saved
    assert response.status_code == 400
    kol.refresh_from_db()
    assert kol.display_name == "Ngọc Trinh"


def test_a_nul_character_in_a_url_encoded_form_post_is_a_400_page(client_for, specialist, kol):
    response = client_for(specialist).post(
        f"/kols/{kol.pk}/edit/",
        "display_name=Ng%00Trinh&kol_type=kol&status=active",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 400
    kol.refresh_from_db()
    assert kol.display_name == "Ngọc Trinh"


# ---------------------------------------------------------------- huge numbers and wrong types


def test_followers_beyond_64_bits_are_refused(api, channel):
    response = patch(api, f"/api/channels/{channel.pk}", {"followers": BEYOND_64_BITS})

    assert response.status_code == 422, response.content
    assert "followers" in fields_named(response)


def test_followers_false_is_not_a_number(api, channel):
    response = patch(api, f"/api/channels/{channel.pk}", {"followers": False})

    assert response.status_code == 422, response.content
    channel.refresh_from_db()
    assert channel.followers == 1_500_000


def test_a_new_channel_with_true_followers_is_refused(api, kol):
    response = post(
        api, f"/api/kols/{kol.pk}/channels", {"platform": "youtube", "handle": "h", "followers": True}
    )

    assert response.status_code == 422, response.content


@pytest.mark.parametrize(
    "query",
    [
        f"min_followers={BEYOND_64_BITS}",
        f"max_followers={BEYOND_64_BITS}",
        f"min_price={BEYOND_64_BITS}",
        "min_er=1e999999",
        "max_price=1e999999",
        f"limit={BEYOND_64_BITS}",
    ],
)
def test_a_number_beyond_range_in_a_filter_is_a_422(api, kol, query):
    response = api.get(f"/api/channels?{query}")

    assert response.status_code == 422, response.content


def test_a_rate_beyond_the_column_is_refused(api, kol):
    response = post(
        api,
        f"/api/kols/{kol.pk}/channels",
        {
            "platform": "youtube",
            "handle": "big",
            "rates": [{"deliverable_type": "long_video", "price": "1e30", "currency": "VND"}],
        },
    )

    assert response.status_code == 422, response.content
    assert "price" in fields_named(response)
    assert not kol.channels.filter(handle="big").exists()


def test_a_kol_id_beyond_64_bits_is_a_404(api):
    response = api.get(f"/api/kols/{BEYOND_64_BITS}")

    assert response.status_code == 404
    assert response.json()["detail"]


# ---------------------------------------------------------------- cursors


@pytest.mark.parametrize(
    "after",
    [
        cursor("Ngọc Trinh", BEYOND_64_BITS),
        cursor(BEYOND_64_BITS, 1),
        cursor(["d", "1e999999"], 1),
        cursor(["t", "0001-01-01T00:00:00+14:00"], 1),
        cursor(["t", "not a time"], 1),
        cursor([1, 2, 3], 1),
        cursor({"a": 1}, 1),
        cursor("x", "y"),
        "%%%",
    ],
)
def test_a_garbled_kol_cursor_is_a_422(api, kol, after):
    response = api.get("/api/kols", {"after": after})

    assert response.status_code == 422, response.content
    assert "after" in fields_named(response)


@pytest.mark.parametrize(
    ("sort", "after"),
    [
        ("-followers", cursor(BEYOND_64_BITS, 1)),
        ("-followers", cursor("many", 1)),
        ("-followers", cursor(1.5e308, 1)),
        ("-engagement_rate", cursor(["d", "1e999999"], 1)),
        ("-engagement_rate", cursor("high", 1)),
        ("-updated_at", cursor(["t", "0001-01-01T00:00:00+14:00"], 1)),
        ("-updated_at", cursor(BEYOND_64_BITS, 1)),
        ("kol_name", cursor(BEYOND_64_BITS, BEYOND_64_BITS)),
    ],
)
def test_a_garbled_channel_cursor_is_a_422(api, kol, sort, after):
    response = api.get("/api/channels", {"sort": sort, "after": after})

    assert response.status_code == 422, response.content
    assert "after" in fields_named(response)


# ---------------------------------------------------------------- ids and paths


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/kols/abc"),
        ("patch", "/api/kols/abc"),
        ("get", "/api/channels/1.5"),
        ("post", "/api/kols/abc/channels"),
        ("get", "/api/campaigns/-1"),
        ("get", "/api/nothing-here"),
        ("get", "/api/"),
        ("post", "/api/nothing/here"),
    ],
)
def test_an_unknown_api_path_or_non_numeric_id_is_a_json_404(api, method, url):
    response = getattr(api, method)(url, content_type=JSON) if method != "get" else api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"].startswith(JSON)
    assert response.json()["detail"]


# ---------------------------------------------------------------- found by fuzzing


def test_an_empty_region_code_in_audience_shares_is_refused(api, channel):
    response = patch(api, f"/api/channels/{channel.pk}", {"region_shares": [{"region": "", "share": 10}]})

    assert response.status_code == 422, response.content
    assert "region" in fields_named(response)


# ---------------------------------------------------------------- the list page's filters


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (f"min_followers={BEYOND_64_BITS}", "min_followers"),
        (f"max_followers={BEYOND_64_BITS}&sort=followers", "max_followers"),
        ("min_er=1e999999", "min_er"),
        ("max_price=1e999999", "max_price"),
        ("min_price=1e-999999", "min_price"),
        ("min_female=1e-999999", "min_female"),
    ],
)
def test_a_number_beyond_range_in_the_list_page_filters_is_refused_on_the_form(
    client_for, specialist, kol, query, field
):
    # Given the channel list, when a filter holds a number no column can compare with
    response = client_for(specialist).get(f"/kols/?{query}")

    # then the page is shown with the filter refused on the form
    assert response.status_code == 200
    assert field in response.context["form"].errors


def test_a_cursor_beyond_range_on_the_list_page_shows_the_first_page(client_for, specialist, channel):
    # Given the channel list, when its cursor holds numbers no column can compare with
    response = client_for(specialist).get(f"/kols/?after={cursor(BEYOND_64_BITS, BEYOND_64_BITS)}")

    # then the first page is shown
    assert response.status_code == 200
    assert channel.handle in response.content.decode()


def test_a_body_nested_too_deep_to_read_is_a_422(api, kol):
    body = '{"notes": ' + "[" * 100_000 + '"\\u0000"' + "]" * 100_000 + "}"

    response = api.generic("PATCH", f"/api/kols/{kol.pk}", body, content_type=JSON, headers={"If-Match": "*"})

    assert response.status_code == 422


def test_every_nul_and_overflow_of_a_body_is_located(api, kol):
    body = {"notes": "a\x00", "contacts": {"zalo\x00": "1"}, "tags": ["ok", "b\x00"], "x": [{"n": 2**64}]}

    response = patch(api, f"/api/kols/{kol.pk}", body)

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [
        ["body", "notes"],
        ["body", "contacts", "zalo\\x00"],
        ["body", "tags", 1],
        ["body", "x", 0, "n"],
    ]
