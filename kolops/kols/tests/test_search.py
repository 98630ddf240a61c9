"""The channel search: combinable filters, folding of Vietnamese and Chinese, scoping."""

from decimal import Decimal

import pytest

from kolops.kols import services
from kolops.kols.query import ChannelQuery
from kolops.kols.selectors import channel_page, channel_search

pytestmark = pytest.mark.django_db


def handles(user, **filters):
    return sorted(c.handle for c in channel_search(user=user, query=ChannelQuery(**filters)))


def test_vietnamese_text_matches_without_diacritics(specialist, channel):
    assert handles(specialist, q="ngoc trinh") == ["ngoctrinh"]
    assert handles(specialist, q="NGỌC") == ["ngoctrinh"]
    assert handles(specialist, q="tran thi") == ["ngoctrinh"]
    assert handles(specialist, q="lam dep") == ["ngoctrinh"]  # in notes


def test_traditional_chinese_finds_simplified(specialist, group):
    kol = services.kol_create(by=specialist, group=group, data={"display_name": "张伟美食"})
    services.channel_create(
        by=specialist, kol=kol, data={"platform": "douyin", "handle": "zw", "followers": 5000}
    )
    assert handles(specialist, q="張偉") == ["zw"]
    assert handles(specialist, q="张伟") == ["zw"]


def test_filters_combine(specialist, channel):
    assert handles(specialist, platforms=["tiktok"], tiers=["mega"], min_er=Decimal("4")) == ["ngoctrinh"]
    assert handles(specialist, platforms=["tiktok"], tiers=["micro"]) == []
    assert handles(specialist, categories=["beauty"], regions=["VN"]) == ["ngoctrinh"]
    assert handles(specialist, categories=["food"]) == []
    assert handles(
        specialist, age_buckets=["18_24"], min_age_share=Decimal("40"), min_female=Decimal("60")
    ) == ["ngoctrinh"]
    assert handles(specialist, age_buckets=["18_24"], min_age_share=Decimal("50")) == []
    assert handles(specialist, tags=["Skincare"]) == ["ngoctrinh"]


def test_price_filter_converts_currencies(specialist, channel):
    services.rate_card_save(
        by=specialist,
        channel=channel,
        data={"deliverable_type": "short_video", "price": Decimal("20000000"), "currency": "VND"},
    )
    # 20,000,000 VND ≈ 760 USD with the default rates.
    assert handles(specialist, max_price=Decimal("800"), price_currency="USD") == ["ngoctrinh"]
    assert handles(specialist, max_price=Decimal("700"), price_currency="USD") == []
    assert handles(specialist, max_price=Decimal("800"), price_currency="USD", price_deliverable="post") == []


def test_other_groups_see_nothing(outsider, channel):
    assert handles(outsider) == []


def test_keyset_pages_cover_every_row_once(specialist, group):
    kol = services.kol_create(by=specialist, group=group, data={"display_name": "Many"})
    for i in range(7):
        services.channel_create(
            by=specialist, kol=kol, data={"platform": "other", "handle": f"h{i}", "followers": 1000 * (i % 3)}
        )
    seen, cursor = [], None
    while True:
        page = channel_page(user=specialist, query=ChannelQuery(), cursor=cursor, size=3)
        seen += [c.handle for c in page.rows]
        if not page.has_next:
            break
        cursor = page.next_cursor
    assert sorted(seen) == sorted(f"h{i}" for i in range(7))
    assert len(seen) == 7
