"""Bad input to the campaign API and pages is the caller's error (4xx with a message), never a 500.

Nulls where a campaign or brief needs a value, NUL characters, numbers past 64 bits or past
their column, booleans where a number is expected and non-numeric ids are each refused with a
4xx answer that says what is wrong, on SQLite and PostgreSQL alike.
"""

import copy

import pytest
from django.test import Client

from kolops.accounts.services import api_token_create
from kolops.campaigns.models import Campaign
from kolops.campaigns.tests.factories import example, make_campaign

pytestmark = pytest.mark.django_db

JSON = "application/json"
BEYOND_64_BITS = 10**30
EXAMPLE = example("campaign.json")


@pytest.fixture
def api(specialist) -> Client:
    """A client that authenticates with a bearer token of a specialist of `group`."""
    _record, key = api_token_create(user=specialist, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.fixture
def campaign(brand, specialist, pool) -> Campaign:
    return make_campaign(specialist, brand)


def document(owner, **overrides) -> dict:
    """The example campaign document of docs/, for the organization `owner`, with `overrides`."""
    return {**copy.deepcopy(EXAMPLE), "organization": owner.pk, **overrides}


def send(client: Client, method: str, url: str, body):
    """A request with a JSON body; changes do not depend on the version read (If-Match: *)."""
    return getattr(client, method)(url, body, content_type=JSON, headers={"If-Match": "*"})


def locations(response) -> list[str]:
    """Where a 422 answer says the errors are, as dotted paths (or field names)."""
    detail = response.json()["detail"]
    if isinstance(detail, dict):
        return list(detail)
    return [".".join(str(part) for part in error["loc"]) for error in detail]


def refused_for_a_nul(response) -> bool:
    """A 422 whose errors say a NUL character is not allowed (not some other refusal)."""
    return response.status_code == 422 and any(
        error["type"] == "nul_character" for error in response.json()["detail"]
    )


def names(response, field: str) -> bool:
    return any(location == field or location.endswith(f".{field}") for location in locations(response))


# ---------------------------------------------------------------- nulls


@pytest.mark.parametrize(
    "field",
    [
        "name",
        "objective",
        "description",
        "audience",
        "categories",
        "platforms",
        "start_on",
        "end_on",
        "budget",
        "currency",
        "reserve_percent",
        "kpi",
        "brief",
        "constraints",
    ],
)
@pytest.mark.parametrize("method", ["post", "put"])
def test_null_where_a_campaign_needs_a_value_is_refused_by_name(api, brand, campaign, method, field):
    url = "/api/campaigns" if method == "post" else f"/api/campaigns/{campaign.pk}"

    response = send(api, method, url, document(brand, **{field: None}))

    assert response.status_code == 422, response.content
    assert names(response, field)


@pytest.mark.parametrize("field", ["name", "objective", "start_on", "budget", "currency", "audience"])
def test_null_in_a_campaign_change_is_refused_and_changes_nothing(api, campaign, field):
    before = api.get(f"/api/campaigns/{campaign.pk}").json()

    response = send(api, "patch", f"/api/campaigns/{campaign.pk}", {field: None})

    assert response.status_code == 422, response.content
    assert names(response, field)
    assert api.get(f"/api/campaigns/{campaign.pk}").json()[field] == before[field]


@pytest.mark.parametrize("field", ["key_messages", "product", "notes", "cta", "deliverables", "usage_rights"])
def test_null_in_a_brief_is_refused_by_name(api, campaign, field):
    response = send(api, "put", f"/api/campaigns/{campaign.pk}/brief", {field: None})

    assert response.status_code == 422, response.content
    assert names(response, field)


def test_a_decision_of_null_is_refused(api, campaign):
    response = send(api, "post", "/api/proposal-items/1/decision", {"decision": None, "comment": None})

    assert response.status_code in {404, 422}, response.content


# ---------------------------------------------------------------- NUL characters


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": "Son\x00tint"},
        {"description": "\x00"},
        {"categories": ["beauty\x00"]},
        {"brief": {"key_messages": ["Mềm môi\x00"]}},
        {"brief": {"notes": "\x00", "product": {"name": "Son"}}},
        {"constraints": {"categories": {"beauty\x00": {"min_count": 1}}}},
    ],
)
def test_a_nul_character_in_a_new_campaign_is_refused(api, brand, overrides):
    response = send(api, "post", "/api/campaigns", document(brand, **overrides))

    assert refused_for_a_nul(response), response.content
    assert Campaign.objects.count() == 0


def test_a_nul_character_in_a_campaign_change_is_refused(api, campaign):
    response = send(api, "patch", f"/api/campaigns/{campaign.pk}", {"name": "Son\x00"})

    assert refused_for_a_nul(response), response.content
    campaign.refresh_from_db()
    assert "\x00" not in campaign.name


def test_a_nul_character_in_a_plan_request_is_refused(api, brand, pool):
    response = send(api, "post", "/api/plan", document(brand, name="\x00"))

    assert refused_for_a_nul(response), response.content


def test_a_nul_character_in_a_brief_is_refused(api, campaign):
    response = send(api, "put", f"/api/campaigns/{campaign.pk}/brief", {"dos": ["Cười\x00"]})

    assert refused_for_a_nul(response), response.content
    assert response.json()["detail"][0]["loc"] == ["body", "dos", 0]


@pytest.mark.parametrize("url", ["/api/campaigns?status=%00", "/api/campaigns?status=draft%00"])
def test_a_nul_character_in_an_api_query_parameter_is_a_422(api, campaign, url):
    response = api.get(url)

    assert response.status_code == 422, response.content
    assert response.json()["detail"][0]["loc"] == ["query", "status"]


@pytest.mark.parametrize(
    "url",
    ["/campaigns/?q=%00", "/campaigns/?status=%00", "/campaigns/?q=son&status=%00draft"],
)
def test_a_nul_character_in_a_campaign_page_query_is_a_400_page(client_for, specialist, campaign, url):
    response = client_for(specialist).get(url)

    assert response.status_code == 400


def test_a_nul_character_in_a_campaign_form_post_is_refused(client_for, specialist, campaign):
    # Given a campaign, when its status form is posted with a NUL character
    response = client_for(specialist).post(f"/campaigns/{campaign.pk}/status/", {"status": "active\x00"})

    # then it is refused and the campaign keeps its status
    assert response.status_code == 400
    campaign.refresh_from_db()
    assert campaign.status == "draft"


# ---------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "overrides",
    [
        {"kpi": {"views": BEYOND_64_BITS}},
        {"kpi": {"clicks": 2**63}},
        {"budget": BEYOND_64_BITS},
        {"budget": "1e30"},
        {"max_fee_per_kol": "1e-999999"},
        {"reserve_percent": "1e999999"},
        {"constraints": {"must_include": [BEYOND_64_BITS]}},
        {"constraints": {"tiers": {"nano": {"max_count": BEYOND_64_BITS}}}},
        {"brief": {"usage_rights": {"months": BEYOND_64_BITS}}},
    ],
)
def test_a_number_beyond_its_column_is_refused(api, brand, overrides):
    response = send(api, "post", "/api/campaigns", document(brand, **overrides))

    assert response.status_code == 422, response.content
    assert Campaign.objects.count() == 0


def test_an_organization_id_beyond_64_bits_is_refused(api, brand):
    response = send(api, "post", "/api/campaigns", document(brand, organization=BEYOND_64_BITS))

    assert response.status_code == 422, response.content


@pytest.mark.parametrize(
    "overrides",
    [
        {"kpi": {"views": True}},
        {"organization": True},
        {"constraints": {"must_include": [True]}},
        {"constraints": {"tiers": {"nano": {"min_count": False}}}},
    ],
)
def test_a_boolean_is_not_a_number(api, brand, overrides):
    response = send(api, "post", "/api/campaigns", document(brand, **overrides))

    assert response.status_code == 422, response.content


def test_a_body_that_is_not_json_is_a_422(api, campaign):
    response = api.generic(
        "PUT", f"/api/campaigns/{campaign.pk}", b"{not json", content_type=JSON, headers={"If-Match": "*"}
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


# ---------------------------------------------------------------- ids


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/api/campaigns/abc"),
        ("put", "/api/campaigns/1e3"),
        ("get", "/api/campaigns/abc/brief"),
        ("get", "/api/proposals/%E2%80%8B1"),
        ("post", "/api/proposals/x/submit"),
        ("post", "/api/proposal-items/abc/decision"),
        ("post", "/api/campaigns/0x1/proposals"),
    ],
)
def test_a_non_numeric_campaign_id_is_a_json_404(api, method, url):
    response = send(api, method, url, {}) if method != "get" else api.get(url)

    assert response.status_code == 404
    assert response["Content-Type"].startswith(JSON)
    assert response.json()["detail"]


@pytest.mark.parametrize(
    "url",
    [
        f"/api/campaigns/{BEYOND_64_BITS}",
        f"/api/campaigns/{BEYOND_64_BITS}/plan",
        f"/api/proposals/{BEYOND_64_BITS}",
    ],
)
def test_an_id_beyond_64_bits_is_a_404(api, url):
    response = api.get(url)

    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize("organization", [True, BEYOND_64_BITS, "1"])
def test_a_campaign_change_moving_to_an_organization_that_is_not_an_id_is_refused(
    api, campaign, organization
):
    response = send(api, "patch", f"/api/campaigns/{campaign.pk}", {"organization": organization})

    assert response.status_code == 422, response.content
    assert names(response, "organization")
