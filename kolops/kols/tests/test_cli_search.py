"""`kolops search`: the list page's channel search from a terminal, as JSON for scripts."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kolops.core.permissions import SYSTEM_READER
from kolops.kols import services

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = {"id", "kol_id", "kol", "platform", "handle", "followers", "tier", "engagement_rate"}


def search(*args: str) -> list[dict]:
    """Run `kolops search ARGS --json` and parse what it prints."""
    out = StringIO()
    call_command("search", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def other_channel(outsider, other_group):
    kol = services.kol_create(by=outsider, group=other_group, data={"display_name": "Trương Quỳnh Anh"})
    return services.channel_create(
        by=outsider, kol=kol, data={"platform": "youtube", "handle": "quynhanh", "followers": 30_000}
    )


def test_json_rows_have_exactly_the_contract_keys(channel):
    (row,) = search()
    assert set(row) == CONTRACT_KEYS
    assert row == {
        "id": channel.pk,
        "kol_id": channel.kol_id,
        "kol": "Ngọc Trinh",
        "platform": "tiktok",
        "handle": "ngoctrinh",
        "followers": 1_500_000,
        "tier": "mega",
        "engagement_rate": 4.2,
    }


def test_an_unknown_engagement_rate_is_null(other_channel):
    assert search("--q", "quynh anh")[0]["engagement_rate"] is None


def test_without_user_it_searches_every_group(channel, other_channel):
    assert [r["handle"] for r in search()] == ["ngoctrinh", "quynhanh"]


def test_user_scopes_the_search_to_their_groups(channel, other_channel, viewer, outsider):
    assert [r["handle"] for r in search("--user", viewer.username)] == ["ngoctrinh"]
    assert [r["handle"] for r in search("--user", outsider.username)] == ["quynhanh"]


def test_an_unknown_user_stops_with_an_error(channel):
    with pytest.raises(CommandError, match="no active user 'ghost'"):
        search("--user", "ghost")


def test_filters_are_the_list_pages(channel, other_channel, specialist):
    services.rate_card_save(
        by=specialist,
        channel=channel,
        data={"deliverable_type": "short_video", "price": Decimal(20_000_000), "currency": "VND"},
    )
    assert [r["handle"] for r in search("--q", "NGỌC")] == ["ngoctrinh"]
    assert [r["handle"] for r in search("--platform", "youtube")] == ["quynhanh"]
    assert [r["handle"] for r in search("--platform", "youtube", "--platform", "tiktok")] == [
        "ngoctrinh",
        "quynhanh",
    ]
    assert [r["handle"] for r in search("--category", "beauty", "--region", "VN")] == ["ngoctrinh"]
    assert [r["handle"] for r in search("--tier", "micro")] == ["quynhanh"]
    assert [r["handle"] for r in search("--min-followers", "100000")] == ["ngoctrinh"]
    assert [r["handle"] for r in search("--max-followers", "100000")] == ["quynhanh"]
    assert [r["handle"] for r in search("--min-er", "4")] == ["ngoctrinh"]
    assert [r["handle"] for r in search("--max-price", "800", "--currency", "USD")] == ["ngoctrinh"]
    assert search("--max-price", "700", "--currency", "USD") == []


def test_limit_caps_the_rows_in_sort_order(channel, other_channel):
    assert [r["handle"] for r in search("--limit", "1")] == ["ngoctrinh"]


def test_an_unknown_platform_stops_listing_the_valid_ones(channel):
    with pytest.raises(CommandError) as error:
        search("--platform", "myspace")
    message = str(error.value)
    assert message.startswith("--platform 'myspace': Input should be")
    assert all(f"'{p}'" in message for p in ("tiktok", "douyin", "xiaohongshu", "zalo"))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--tier", "giant"], "--tier 'giant': Input should be 'koc', 'nano'"),
        (["--category", "astrology"], "--category: unknown category: astrology (valid: beauty"),
        (["--region", "Mars"], "--region: unknown region code(s): Mars"),
        (["--currency", "EUR"], "--currency 'EUR': Input should be 'VND', 'CNY' or 'USD'"),
        (["--min-followers", "many"], "--min-followers 'many': Input should be a valid integer"),
        (["--min-followers", "10", "--max-followers", "5"], "max_followers is below min_followers"),
        (["--limit", "0"], "--limit: give a number from 1 to 10000"),
    ],
)
def test_invalid_arguments_stop_with_a_clear_error(db, args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        search(*args)


def test_options_given_as_keywords_are_validated_too(db):
    with pytest.raises(CommandError, match="--platform 'myspace'"):
        call_command("search", platform=["myspace"], json=True, stdout=StringIO())


def test_without_json_it_prints_a_table(channel):
    out = StringIO()
    call_command("search", stdout=out)
    assert (
        "Ngọc Trinh" in out.getvalue() and "1,500,000" in out.getvalue() and "1 channel(s)." in out.getvalue()
    )


def test_the_system_reader_cannot_write(channel):
    with pytest.raises(services.PermissionDenied):
        services.channel_update(by=SYSTEM_READER, channel=channel, data={"followers": 1})
