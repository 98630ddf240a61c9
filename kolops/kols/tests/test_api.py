"""The REST API of the KOL database: the same search as the list page, scoped, token or session."""

import json
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils.crypto import get_random_string
from ninja.responses import NinjaJSONEncoder

from kolops.accounts.choices import OrganizationKind, Role
from kolops.accounts.models import ApiToken, Organization
from kolops.accounts.services import api_token_create, api_token_revoke, membership_grant, organization_create
from kolops.core.permissions import Role as PermissionRole
from kolops.kols import selectors, services
from kolops.kols.forms import ChannelSearchForm
from kolops.kols.models import AudienceRegionShare, Category, Channel, FollowerSnapshot, Kol, RateCard
from kolops.kols.query import ChannelQuery
from kolops.kols.schemas import ChannelFilters, ChannelOut

pytestmark = pytest.mark.django_db

JSON = "application/json"


# ---------------------------------------------------------------- fixtures


def add_kol(by, group, name, *, channels, categories=(), tags=(), **data):
    kol = services.kol_create(
        by=by,
        group=group,
        data={"display_name": name, **data},
        categories=list(Category.objects.filter(slug__in=categories)),
        tags=list(tags),
    )
    for channel in channels:
        rates = channel.pop("rates", [])
        regions = channel.pop("regions", [])
        created = services.channel_create(by=by, kol=kol, data=channel)
        for rate in rates:
            services.rate_card_save(by=by, channel=created, data=rate)
        if regions:
            services.audience_regions_set(
                by=by,
                channel=created,
                shares=[
                    services.RegionShareInput(level=lv, region=r, share=Decimal(s)) for lv, r, s in regions
                ],
            )
    return kol


@pytest.fixture
def pool(group, other_group, specialist, outsider, channel):
    """Ngọc Trinh (the `kol` fixture) plus KOLs that differ in every filtered attribute."""
    add_kol(
        specialist,
        group,
        "Lê Văn Ẩm Thực",
        kol_type="kol",
        home_region="VN-HN",
        categories=["food"],
        tags=["ẩm thực", "review"],
        channels=[
            {
                "platform": "youtube",
                "handle": "amthuc",
                "followers": 80_000,
                "engagement_rate": Decimal("2.50"),
                "verified": True,
                "regions": [("province", "VN-HN", "60")],
                "rates": [
                    {"deliverable_type": "long_video", "price": Decimal(30_000_000), "currency": "VND"}
                ],
            },
            {
                "platform": "facebook",
                "handle": "amthuc.fb",
                "followers": 12_000,
                "rates": [{"deliverable_type": "post", "price": Decimal(200), "currency": "USD"}],
            },
        ],
    )
    add_kol(
        specialist,
        group,
        "張偉美食",
        kol_type="koc",
        home_region="CN-GD-SZ",
        categories=["food"],
        tags=["street food"],
        channels=[
            {
                "platform": "douyin",
                "handle": "zhangwei",
                "followers": 600_000,
                "engagement_rate": Decimal("7.50"),
                "aud_age_25_34": Decimal(50),
                "aud_male": Decimal(60),
                "aud_female": Decimal(40),
                "rates": [{"deliverable_type": "short_video", "price": Decimal(5000), "currency": "CNY"}],
            }
        ],
    )
    add_kol(
        specialist,
        group,
        "Paused Pat",
        status="paused",
        categories=["tech"],
        channels=[
            {"platform": "instagram", "handle": "pat", "followers": 3_000, "engagement_rate": Decimal(1)}
        ],
    )
    add_kol(
        specialist,
        group,
        "Blacklisted Bao",
        status="blacklisted",
        blacklist_reason="Fake followers",
        channels=[{"platform": "xiaohongshu", "handle": "bao", "followers": 20_000}],
    )
    archived = add_kol(
        specialist,
        group,
        "Archived Anh",
        channels=[{"platform": "tiktok", "handle": "anh", "followers": 900_000}],
    )
    services.kol_archive(by=specialist, kol=archived)
    add_kol(
        outsider,
        other_group,
        "Ngọc Trinh Other",
        channels=[{"platform": "tiktok", "handle": "other_ngoc", "followers": 2_000_000}],
    )


@pytest.fixture
def token(specialist):
    _record, key = api_token_create(user=specialist, name="ci")
    return key


@pytest.fixture
def api(token):
    """A client that authenticates with the specialist's bearer token only (no session)."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def patch(client: Client, url: str, body: dict):
    """PATCH as a client that has just read the object: with its ETag as If-Match."""
    return client.patch(url, body, content_type=JSON, HTTP_IF_MATCH=client.get(url)["ETag"])


def handles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["handle"] for item in response.json()["items"]]


# ---------------------------------------------------------------- authentication


def test_anonymous_callers_get_401(client, channel):
    assert client.get("/api/channels").status_code == 401
    assert client.get(f"/api/kols/{channel.kol_id}").status_code == 401
    assert client.post("/api/kols", {"display_name": "X"}, content_type=JSON).status_code == 401


def test_a_bearer_token_authenticates_and_records_its_use(api, channel, specialist):
    assert handles(api.get("/api/channels")) == ["ngoctrinh"]
    assert ApiToken.objects.get(user=specialist).last_used_at is not None


def test_a_revoked_token_is_401(api, channel, specialist):
    api_token_revoke(token=ApiToken.objects.get(user=specialist))
    assert api.get("/api/channels").status_code == 401
    assert api.patch(f"/api/channels/{channel.pk}", {"followers": 1}, content_type=JSON).status_code == 401


def test_an_unknown_token_or_a_deactivated_user_is_401(api, channel, specialist):
    assert Client(HTTP_AUTHORIZATION="Bearer kol_nope").get("/api/channels").status_code == 401
    specialist.is_active = False
    specialist.save()
    assert api.get("/api/channels").status_code == 401


def test_the_session_authenticates_reads(client_for, specialist, channel):
    assert handles(client_for(specialist).get("/api/channels")) == ["ngoctrinh"]


def test_session_writes_need_the_csrf_token_and_token_writes_do_not(specialist, channel, token):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(specialist)
    csrf = get_random_string(32)  # what the CSRF cookie of any page holds
    browser.cookies["csrftoken"] = csrf
    url = f"/api/channels/{channel.pk}"

    refused = browser.patch(url, {"followers": 10}, content_type=JSON)
    assert refused.status_code == 403
    assert Channel.objects.get(pk=channel.pk).followers == 1_500_000

    accepted = browser.patch(
        url,
        {"followers": 10},
        content_type=JSON,
        HTTP_X_CSRFTOKEN=csrf,
        HTTP_IF_MATCH=browser.get(url)["ETag"],
    )
    assert accepted.status_code == 200

    script = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert patch(script, url, {"followers": 20}).status_code == 200


def test_a_write_without_session_or_token_is_401_even_with_csrf_enforced(channel):
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.patch(f"/api/channels/{channel.pk}", {"followers": 1}, content_type=JSON)
    assert response.status_code == 401


# ---------------------------------------------------------------- channel search


def page_ids(user, page_query: str) -> list[int]:
    """What the list page's selector returns for this query string (the page's own parsing)."""
    form = ChannelSearchForm(QueryDict(page_query))
    assert form.is_valid(), form.errors
    return [c.pk for c in selectors.channel_page(user=user, query=form.to_query(), size=200).rows]


def search(query: str, expected: set[str] | None, **marks):
    """A search in the list page's query-string syntax and the handles it finds (None: any)."""
    return pytest.param(query, expected, id=query or "all", **marks)


SEARCHES = [
    search("", {"ngoctrinh", "amthuc", "amthuc.fb", "zhangwei", "pat", "bao"}),
    search("q=ngoc", {"ngoctrinh"}),
    search("q=am+thuc", {"amthuc", "amthuc.fb"}),
    search("q=張偉", {"zhangwei"}),
    search("platform=tiktok&platform=douyin", {"ngoctrinh", "zhangwei"}),
    search("category=food", {"amthuc", "amthuc.fb", "zhangwei"}),
    search("category=beauty&category=tech", {"ngoctrinh", "pat"}),
    search("tier=macro&tier=mega", {"ngoctrinh", "zhangwei"}),
    search("region=VN", {"ngoctrinh", "amthuc", "amthuc.fb"}),
    search("region=CN-GD", {"zhangwei"}),
    search("kol_type=koc&kol_type=celebrity", {"ngoctrinh", "zhangwei"}),
    search("status=paused&status=blacklisted", {"pat", "bao"}),
    search("tag=skincare,street+food", {"ngoctrinh", "zhangwei"}),
    search("min_followers=10000&max_followers=700000", {"amthuc", "amthuc.fb", "zhangwei", "bao"}),
    search("min_er=3", {"ngoctrinh", "zhangwei"}),
    search("max_er=3", {"amthuc", "pat"}),
    search("price_deliverable=short_video&price_currency=CNY&max_price=6000", {"zhangwei"}),
    search("min_price=100&price_currency=USD", {"amthuc", "amthuc.fb", "zhangwei"}),
    search("age=18_24&min_age_share=40", {"ngoctrinh"}),
    search("age=18_24&age=25_34&min_age_share=40", {"ngoctrinh", "zhangwei"}),  # an unknown bucket is 0 %
    search("min_female=60", {"ngoctrinh"}),
    search("min_male=50", {"zhangwei"}),
    search("audience_region=VN-HN&min_region_share=50", {"amthuc"}),
    search("archived=on&platform=tiktok", {"ngoctrinh", "anh"}),
    search("sort=kol_name", None),
    search("sort=-engagement_rate", None),
    search("sort=followers&platform=facebook&platform=youtube", {"amthuc", "amthuc.fb"}),
]


@pytest.mark.parametrize(("page_query", "expected"), SEARCHES)
def test_channel_filters_find_what_the_list_page_finds(pool, specialist, api, page_query, expected):
    api_query = page_query.replace("archived=on", "include_archived=true")
    response = api.get(f"/api/channels?{api_query}&limit=200")
    found = handles(response)
    assert [item["id"] for item in response.json()["items"]] == page_ids(specialist, page_query)
    if expected is not None:
        assert set(found) == expected
    assert "other_ngoc" not in found


def test_every_channel_query_field_has_an_api_filter(db):
    """A filter added to ChannelQuery (the page's search) must be reachable from the API too."""
    filters = ChannelFilters(
        q="x",
        platform=["tiktok"],
        category=["beauty"],
        tier=["mega"],
        region=["VN"],
        kol_type=["koc"],
        status=["paused"],
        tag=["a"],
        min_followers=1,
        max_followers=2,
        min_er=1,
        max_er=2,
        price_deliverable="post",
        price_currency="USD",
        min_price=1,
        max_price=2,
        age=["18_24"],
        min_age_share=10,
        min_female=10,
        min_male=10,
        audience_region="VN",
        min_region_share=10,
        verified=True,
        include_archived=True,
        sort="kol_name",
    )
    query, default = filters.to_query(), ChannelQuery()
    unset = [
        name for name in ChannelQuery.__dataclass_fields__ if getattr(query, name) == getattr(default, name)
    ]
    assert unset == []


def test_an_unknown_platform_is_422_naming_the_valid_ones(api):
    response = api.get("/api/channels?platform=myspace")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-2:] == ["platform", 0]
    assert "'tiktok'" in error["msg"] and "'douyin'" in error["msg"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("category=nope", "unknown category: nope"),
        ("region=XX", "unknown region code(s): XX"),
        ("audience_region=XX&min_region_share=5", "unknown region code(s): XX"),
        ("min_followers=10&max_followers=5", "max_followers is below min_followers"),
        ("min_price=10&max_price=5", "max_price is below min_price"),
        ("min_age_share=10", "min_age_share needs the age buckets"),
        ("min_region_share=10", "min_region_share needs the region"),
        ("sort=popularity", "unknown sort 'popularity'"),
        ("age=12_15", "Input should be"),
        ("price_currency=EUR", "Input should be 'VND', 'CNY' or 'USD'"),
        ("min_female=101", "less than or equal to 100"),
        ("min_followers=-1", "greater than or equal to 0"),
        ("limit=201", "less than or equal to 200"),
        ("limit=0", "greater than or equal to 1"),
    ],
)
def test_invalid_filters_are_422_with_a_clear_message(api, query, message):
    response = api.get(f"/api/channels?{query}")
    assert response.status_code == 422
    assert message in str(response.json()["detail"])


def test_a_malformed_cursor_is_422(api, channel):
    response = api.get("/api/channels?after=not-a-cursor")
    assert response.status_code == 422
    assert response.json()["detail"] == {"after": ["This cursor is not valid for this list."]}


@pytest.mark.parametrize(
    ("cursor_sort", "sort"), [("-updated_at", "-followers"), ("kol_name", "-updated_at")]
)
def test_a_cursor_from_another_sort_order_is_422_not_500(api, pool, cursor_sort, sort):
    cursor = api.get(f"/api/channels?sort={cursor_sort}&limit=1").json()["next"]
    response = api.get(f"/api/channels?sort={sort}&after={cursor}")
    assert response.status_code == 422
    assert response.json()["detail"] == {"after": ["This cursor is not valid for this list."]}


@pytest.mark.parametrize(
    "sort", ["-followers", "followers", "-engagement_rate", "engagement_rate", "kol_name", "-updated_at"]
)
def test_keyset_pages_cover_every_channel_once_in_order(api, pool, specialist, sort):
    seen, after, pages = [], None, 0
    while True:
        params = {"sort": sort, "limit": 2, **({"after": after} if after else {})}
        body = api.get(f"/api/channels?{urlencode(params)}").json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        after = body["next"]
        if after is None:
            break
    assert pages == 3
    assert seen == [
        c.pk for c in selectors.channel_page(user=specialist, query=ChannelQuery(sort=sort), size=200).rows
    ]


def test_a_channel_reads_with_its_audience_and_rates(api, pool):
    channel = Channel.objects.get(handle="amthuc")
    body = api.get(f"/api/channels/{channel.pk}").json()
    assert body["kol"] == "Lê Văn Ẩm Thực"
    assert body["engagement_rate"] == 2.5
    assert body["region_shares"] == [{"level": "province", "region": "VN-HN", "share": 60.0}]
    assert [(r["deliverable_type"], r["price"], r["currency"]) for r in body["rates"]] == [
        ("long_video", "30000000", "VND")
    ]


def test_channel_search_query_count_does_not_grow_with_rows(api, pool, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert len(handles(api.get("/api/channels?limit=200"))) == 6


# ---------------------------------------------------------------- KOLs: reading


def test_kols_list_by_name_and_q_folds_accents_and_chinese(api, pool):
    names = [k["display_name"] for k in api.get("/api/kols").json()["items"]]
    assert names == sorted(names) and "Archived Anh" not in names and "Ngọc Trinh Other" not in names
    assert [k["display_name"] for k in api.get("/api/kols?q=LE+VAN+am").json()["items"]] == ["Lê Văn Ẩm Thực"]
    assert [k["display_name"] for k in api.get("/api/kols?q=张伟").json()["items"]] == ["張偉美食"]
    assert [k["display_name"] for k in api.get("/api/kols?q=street").json()["items"]] == ["張偉美食"]
    archived = api.get("/api/kols?q=anh&include_archived=true").json()["items"]
    assert [k["display_name"] for k in archived] == ["Archived Anh"]


def test_a_kol_without_channels_is_found_by_its_name(api, group, specialist):
    services.kol_create(by=specialist, group=group, data={"display_name": "Solo Sơn"})
    assert [k["display_name"] for k in api.get("/api/kols?q=solo").json()["items"]] == ["Solo Sơn"]


def test_kols_list_query_count_does_not_grow_with_rows(api, pool, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/kols?limit=200").json()["items"]) == 5


def test_kols_page_by_keyset(api, pool):
    seen, after = [], None
    while True:
        body = api.get("/api/kols?limit=2" + (f"&after={after}" if after else "")).json()
        seen += [k["id"] for k in body["items"]]
        if not (after := body["next"]):
            break
    assert len(seen) == len(set(seen)) == 5


def test_a_kol_reads_with_channels_rates_and_audience(api, kol, channel):
    body = api.get(f"/api/kols/{kol.pk}").json()
    assert (
        body["display_name"] == "Ngọc Trinh"
        and body["categories"] == ["beauty"]
        and body["tags"] == ["skincare"]
    )
    (only,) = body["channels"]
    assert only["handle"] == "ngoctrinh" and only["tier"] == "mega" and only["aud_age_18_24"] == 45.0


# ---------------------------------------------------------------- KOLs: writing


NEW_KOL = {
    "display_name": "Hà Anh",
    "home_region": "VN-DN",
    "kol_type": "kol",
    "languages": ["vi", "EN"],
    "contacts": {"zalo": "0900000000"},
    "categories": ["travel"],
    "tags": ["du lịch"],
    "channels": [
        {
            "platform": "tiktok",
            "handle": "@HaAnh",
            "followers": 55_000,
            "engagement_rate": 6.1,
            "aud_female": 55,
            "region_shares": [{"region": "VN-DN", "share": 35}, {"region": "VN", "share": 90}],
            "rates": [{"deliverable_type": "short_video", "price": "8000000", "currency": "VND"}],
        }
    ],
}


def test_create_a_kol_with_channels_rates_and_audience(api, group, specialist):
    response = api.post("/api/kols", NEW_KOL, content_type=JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    kol = Kol.objects.get(pk=body["id"])
    assert kol.group == group and kol.created_by == specialist and kol.languages == ["vi", "en"]
    channel = kol.channels.get()
    assert (channel.handle, channel.tier, channel.engagement_rate) == ("HaAnh", "mid", Decimal("6.10"))
    assert {(s.level, s.region) for s in channel.region_shares.all()} == {
        ("province", "VN-DN"),
        ("country", "VN"),
    }
    assert RateCard.objects.get(channel=channel).price == Decimal(8_000_000)
    assert body["channels"][0]["rates"][0]["price"] == "8000000"
    assert handles(api.get("/api/channels?q=ha+anh&category=travel&tag=Du+Lich")) == ["HaAnh"]


def test_create_joins_the_group_of_the_organization_named(api, group, specialist):
    brand = Organization.objects.get(kind=OrganizationKind.BRAND)
    response = api.post("/api/kols", {"display_name": "Brand KOL", "group": brand.pk}, content_type=JSON)
    assert response.status_code == 201
    assert response.json()["group"] == group.pk


def test_create_needs_a_group_when_the_user_edits_in_several(api, specialist, group):
    second = organization_create(name="Second", kind=OrganizationKind.GROUP)
    membership_grant(user=specialist, organization=second, role=Role.SPECIALIST)
    response = api.post("/api/kols", {"display_name": "Where?"}, content_type=JSON)
    assert response.status_code == 422
    assert "group" in response.json()["detail"]
    assert (
        api.post("/api/kols", {"display_name": "Here", "group": second.pk}, content_type=JSON).status_code
        == 201
    )
    assert Kol.objects.get(display_name="Here").group == second


def test_create_in_a_group_not_yours_is_403_and_creates_nothing(api, other_group):
    for group_id in (other_group.pk, 999_999):
        response = api.post("/api/kols", {"display_name": "Intruder", "group": group_id}, content_type=JSON)
        assert response.status_code == 403
    assert not Kol.objects.filter(display_name="Intruder").exists()


def test_create_reports_schema_errors_by_field(api):
    response = api.post(
        "/api/kols",
        {"display_name": "", "kol_type": "influencer", "home_region": "XX", "channels": [{"handle": "x"}]},
        content_type=JSON,
    )
    assert response.status_code == 422
    errors = {tuple(e["loc"][2:]): e["msg"] for e in response.json()["detail"]}
    assert set(errors) == {("display_name",), ("kol_type",), ("home_region",), ("channels", 0, "platform")}
    assert "'celebrity'" in errors[("kol_type",)]


def test_create_reports_rule_errors_by_field(api):
    blacklisted = api.post("/api/kols", {"display_name": "B", "status": "blacklisted"}, content_type=JSON)
    assert blacklisted.status_code == 422
    assert blacklisted.json()["detail"] == {"blacklist_reason": ["Give the reason for blacklisting."]}
    unknown = api.post(
        "/api/kols", {"display_name": "C", "categories": ["beauty", "astrology"]}, content_type=JSON
    )
    assert unknown.json()["detail"] == {"categories": ["Unknown category: astrology."]}
    assert not Kol.objects.filter(display_name__in=["B", "C"]).exists()


def test_rule_errors_speak_the_callers_language(api):
    response = api.post(
        "/api/kols",
        {"display_name": "B", "status": "blacklisted"},
        content_type=JSON,
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.json()["detail"] == {"blacklist_reason": ["Hãy nêu lý do đưa vào danh sách đen."]}


def test_a_bad_channel_rolls_back_the_whole_kol(api, channel):
    payload = {
        "display_name": "Copycat",
        "channels": [
            {"platform": "youtube", "handle": "fine"},
            {"platform": "tiktok", "handle": "@NgocTrinh"},
        ],
    }
    response = api.post("/api/kols", payload, content_type=JSON)
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "channels.1.handle": ["This TikTok handle already belongs to another KOL."]
    }
    assert not Kol.objects.filter(display_name="Copycat").exists()
    assert not Channel.objects.filter(handle="fine").exists()


def test_nested_rule_errors_name_their_path(api, channel):
    bad_rate = {
        "deliverable_type": "post",
        "price": "1",
        "currency": "VND",
        "valid_from": "2026-02-01",
        "valid_until": "2026-01-01",
    }
    response = api.post(
        f"/api/kols/{channel.kol_id}/channels",
        {"platform": "youtube", "handle": "yt", "rates": [bad_rate]},
        content_type=JSON,
    )
    assert response.json()["detail"] == {"rates.0.valid_until": ["The end of validity is before its start."]}
    shares = [{"region": "VN", "share": 70}, {"region": "CN", "share": 40}]
    response = patch(api, f"/api/channels/{channel.pk}", {"region_shares": shares})
    assert response.status_code == 422 and "region_shares" in response.json()["detail"]
    assert not Channel.objects.filter(handle="yt").exists()


def test_patch_changes_only_the_fields_given(api, kol, channel):
    response = patch(api, f"/api/kols/{kol.pk}", {"agency": "Sao Agency", "tags": ["makeup"]})
    assert response.status_code == 200
    kol.refresh_from_db()
    assert kol.agency == "Sao Agency" and kol.real_name == "Trần Thị Ngọc Trinh"
    assert [t.name for t in kol.tags.all()] == ["makeup"] and [c.slug for c in kol.categories.all()] == [
        "beauty"
    ]
    assert handles(api.get("/api/channels?tag=makeup")) == ["ngoctrinh"]


def test_patch_with_a_null_for_a_required_field_is_422(api, kol):
    response = patch(api, f"/api/kols/{kol.pk}", {"display_name": None})
    assert response.status_code == 422
    assert Kol.objects.get(pk=kol.pk).display_name == "Ngọc Trinh"


def test_archiving_through_patch_takes_the_kol_out_of_search(api, kol, channel):
    assert patch(api, f"/api/kols/{kol.pk}", {"archived": True}).json()["archived_at"]
    assert handles(api.get("/api/channels")) == []
    assert patch(api, f"/api/kols/{kol.pk}", {"archived": False}).json()["archived_at"] is None
    assert handles(api.get("/api/channels")) == ["ngoctrinh"]


def test_add_a_channel_to_a_kol(api, kol):
    response = api.post(
        f"/api/kols/{kol.pk}/channels",
        {"platform": "youtube", "handle": "ngoctrinh.yt", "followers": 12_000},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["tier"] == "micro" and response.json()["kol"] == "Ngọc Trinh"
    assert kol.channels.count() == 2


def test_patch_a_channel_rederives_tier_and_keeps_a_snapshot(api, channel):
    response = patch(
        api,
        f"/api/channels/{channel.pk}",
        {"followers": 40_000, "region_shares": [{"region": "VN-SG", "share": 80}]},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["tier"] == "micro" and body["engagement_rate"] == 4.2
    assert body["region_shares"] == [{"level": "province", "region": "VN-SG", "share": 80.0}]
    assert FollowerSnapshot.objects.filter(channel=channel, followers=40_000).exists()


def test_patch_a_channel_checks_the_audience_rules(api, channel):
    response = patch(api, f"/api/channels/{channel.pk}", {"aud_age_25_34": 60})
    assert response.status_code == 422
    assert response.json()["detail"] == {"aud_age_18_24": ["Age shares add up to more than 100 %."]}
    assert AudienceRegionShare.objects.count() == 0


# ---------------------------------------------------------------- scoping


def test_another_groups_objects_are_404_and_unchanged(client_for, outsider, kol, channel):
    client = client_for(outsider)
    assert client.get(f"/api/kols/{kol.pk}").status_code == 404
    assert client.get(f"/api/channels/{channel.pk}").status_code == 404
    assert client.patch(f"/api/kols/{kol.pk}", {"notes": "x"}, content_type=JSON).status_code == 404
    assert client.patch(f"/api/channels/{channel.pk}", {"followers": 1}, content_type=JSON).status_code == 404
    assert (
        client.post(
            f"/api/kols/{kol.pk}/channels", {"platform": "zalo", "handle": "z"}, content_type=JSON
        ).status_code
        == 404
    )
    assert client.get("/api/channels").json()["items"] == []
    assert client.get("/api/kols").json()["items"] == []
    assert Kol.objects.get(pk=kol.pk).notes == "Thời trang, làm đẹp"
    assert Channel.objects.get(pk=channel.pk).followers == 1_500_000


def test_a_viewer_reads_but_every_write_is_403(client_for, viewer, kol, channel):
    client = client_for(viewer)
    assert client.get(f"/api/kols/{kol.pk}").status_code == 200
    assert client.patch(f"/api/kols/{kol.pk}", {"notes": "x"}, content_type=JSON).status_code == 403
    assert client.patch(f"/api/channels/{channel.pk}", {"followers": 1}, content_type=JSON).status_code == 403
    assert (
        client.post(
            f"/api/kols/{kol.pk}/channels", {"platform": "zalo", "handle": "z"}, content_type=JSON
        ).status_code
        == 403
    )
    assert client.post("/api/kols", {"display_name": "V"}, content_type=JSON).status_code == 403
    assert Kol.objects.count() == 1 and Channel.objects.count() == 1


def test_a_member_of_two_groups_sees_both(client_for, make_member, other_group, outsider, channel):
    both = make_member(PermissionRole.VIEWER)
    membership_grant(user=both, organization=other_group, role=Role.VIEWER)
    add_kol(outsider, other_group, "Other", channels=[{"platform": "zalo", "handle": "o", "followers": 1}])
    assert sorted(handles(client_for(both).get("/api/channels"))) == ["ngoctrinh", "o"]


# ---------------------------------------------------------------- OpenAPI


def test_the_openapi_schema_loads_and_every_operation_needs_authentication(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "KOLOps API"
    operations = [(m, p, op) for p, item in schema["paths"].items() for m, op in item.items()]
    assert len([op for _m, _p, op in operations if "KOLs" in op.get("tags", [])]) == 8
    for method, path, operation in operations:
        assert {"TokenAuth": []} in operation.get("security", []), (method, path)
        assert {"SessionAuth": []} in operation.get("security", []), (method, path)
        assert operation.get("description"), f"{method} {path} has no docstring"
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}


def test_the_docs_page_renders(client):
    assert client.get("/api/docs").status_code == 200


def test_the_docs_page_serves_swagger_ui_from_this_host(client):
    page = client.get("/api/docs").content.decode()
    assert "cdn.jsdelivr.net" not in page
    assert "/static/ninja/swagger-ui-bundle.js" in page


def test_listed_channels_carry_the_schemas_json_types(api, channel):
    # The list builds its answer without validating each row: it must equal the validated form,
    # rendered as ninja renders it.
    item = api.get("/api/channels").json()["items"][0]
    validated = ChannelOut.model_validate(Channel.objects.get(pk=channel.pk)).model_dump()
    assert item == json.loads(json.dumps(validated, cls=NinjaJSONEncoder))
    assert item["engagement_rate"] == 4.2 and item["kol"] == "Ngọc Trinh"
