"""The demo-data generator: deterministic, and shaped like the influencer market (DOMAIN §2)."""

import dataclasses
import itertools
import statistics
from collections import Counter
from datetime import date, timedelta

import opencc
import pytest

from kolops.core.tiers import tier_for
from kolops.kols.seeding import pools
from kolops.kols.seeding.generator import generate_kols

TODAY = date(2026, 6, 1)


def as_data(kols):
    return [dataclasses.asdict(k) for k in kols]


@pytest.fixture(scope="module")
def population():
    """4,000 KOLs (about 6,700 channels) with their history."""
    return list(generate_kols(4000, seed=11, today=TODAY))


@pytest.fixture(scope="module")
def channels(population):
    return [c for kol in population for c in kol.channels]


def test_the_same_seed_gives_the_same_kols():
    assert as_data(generate_kols(150, seed=3, today=TODAY)) == as_data(
        generate_kols(150, seed=3, today=TODAY)
    )


def test_another_seed_gives_other_kols():
    assert as_data(generate_kols(50, seed=3, today=TODAY)) != as_data(generate_kols(50, seed=4, today=TODAY))


def test_a_slice_is_the_same_part_of_the_whole_sequence():
    whole = as_data(generate_kols(1200, seed=5, today=TODAY))
    assert as_data(generate_kols(300, seed=5, start=650, today=TODAY)) == whole[650:950]


def test_leaving_out_history_changes_nothing_else():
    with_history = as_data(generate_kols(120, seed=6, today=TODAY))
    without = as_data(generate_kols(120, seed=6, today=TODAY, history=False))
    for kol in with_history:
        kol["contact_log"] = []
        for channel in kol["channels"]:
            channel["snapshots"] = []
    assert with_history == without


def test_tier_shares_follow_the_influencer_population(channels):
    shares = Counter(tier_for(c.followers) for c in channels)
    percent = {tier: 100 * n / len(channels) for tier, n in shares.items()}
    assert 70 <= percent["nano"] <= 86
    assert 9 <= percent["micro"] <= 20
    assert 0 < percent.get("mega", 0) < 1.5
    assert percent["koc"] < 6


def test_engagement_rate_falls_with_tier(channels):
    by_tier = {}
    for c in channels:
        tier = tier_for(c.followers)
        by_tier.setdefault("top" if tier in ("macro", "mega") else tier, []).append(c.engagement_rate)
    medians = [statistics.median(by_tier[t]) for t in ("nano", "micro", "mid", "top")]
    assert medians == sorted(medians, reverse=True)


def test_tiktok_engages_more_than_facebook(channels):
    def median_er(platform):
        return statistics.median(c.engagement_rate for c in channels if c.platform == platform)

    assert median_er("tiktok") > 3 * median_er("facebook")


def test_audience_shares_never_add_up_to_more_than_100(channels):
    known = [c for c in channels if c.ages is not None]
    assert len(known) > 0.7 * len(channels)
    for c in known:
        assert sum(c.ages.values()) <= 100
        assert c.female + c.male <= 100
        for level in ("country", "province", "city"):
            assert sum(r.share for r in c.regions if r.level == level) <= 100


def test_cities_hold_part_of_their_province(channels):
    for c in channels:
        shares = {r.region: r.share for r in c.regions}
        for region, share in shares.items():
            if region.count("-") == 2:
                assert share <= shares[region.rsplit("-", 1)[0]]


def test_markets_use_their_platforms_and_currencies(population):
    for kol in population:
        for channel in kol.channels:
            assert channel.platform in pools.PLATFORMS[kol.market]
            assert {r.currency for r in channel.rates} <= {pools.MARKET_CURRENCY[kol.market]}


def test_prices_grow_with_tier(channels):
    def median_price(tier):
        return statistics.median(
            r.price for c in channels if tier_for(c.followers) == tier for r in c.rates if r.currency == "VND"
        )

    assert median_price("nano") < median_price("micro") < median_price("mid")


def test_rising_stars_and_suspicious_spikes_are_labelled(channels):
    labels = Counter(c.seed_label for c in channels)
    assert labels["rising_star"] >= 20
    assert labels["suspicious_spike"] >= 10
    for c in channels:
        counts = [n for _day, n in c.snapshots]
        assert len(counts) == 26
        assert counts[-1] == c.followers
        weekly = [b / a for a, b in itertools.pairwise(counts) if a]
        if c.seed_label == "rising_star":
            assert min(weekly) > 1.02 and counts[-1] > 3 * counts[0]
        elif c.seed_label == "suspicious_spike":
            assert max(weekly) >= 1.5
        elif counts[0] > 1000:
            assert max(weekly) < 1.5


def test_snapshots_are_weekly_and_end_today(channels):
    days = [day for day, _n in channels[0].snapshots]
    assert days[-1] == TODAY
    assert {b - a for a, b in itertools.pairwise(days)} == {timedelta(weeks=1)}


def test_names_are_vietnamese_and_chinese(population):
    vietnamese = [k for k in population if k.market == "VN"]
    families = Counter(k.real_name.split()[0] for k in vietnamese)
    assert families.most_common(1)[0][0] == "Nguyễn"
    assert set(families) <= set(pools.VN_FAMILY)
    chinese = [k for k in population if k.market == "CN"]
    assert all(k.real_name[0] in pools.CN_FAMILY for k in chinese)
    to_simplified = opencc.OpenCC("t2s")
    traditional = [k for k in population if k.market in ("HK", "TW")]
    assert any(to_simplified.convert(k.real_name) != k.real_name for k in traditional)


def test_handles_are_unique_on_each_platform(channels):
    keys = [(c.platform, c.handle.lower()) for c in channels]
    assert len(keys) == len(set(keys))


def test_some_kols_are_paused_or_blacklisted_with_a_reason(population):
    statuses = Counter(k.status for k in population)
    assert statuses["active"] > 0.9 * len(population)
    assert statuses["paused"] > 0 and statuses["blacklisted"] > 0
    assert all(k.blacklist_reason and k.risk_flags for k in population if k.status == "blacklisted")


def test_contacts_follow_the_market(population):
    assert all("zalo" in k.contacts for k in population if k.market == "VN")
    assert all("wechat" in k.contacts for k in population if k.market == "CN")
    assert any(k.contact_log for k in population)


def test_kol_types_cover_the_catalogue(population):
    assert set(Counter(k.kol_type for k in population)) == {"kol", "koc", "celebrity", "expert", "virtual"}
