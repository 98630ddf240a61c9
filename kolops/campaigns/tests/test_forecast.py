"""Forecast engine: expected views, engagements, clicks and cost of a brief on one channel.

Pure tests (no database). The builders here are shared with test_matching.
"""

import json
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kolops.campaigns.planning.forecast import deliverables_for, forecast
from kolops.campaigns.planning.records import (
    CampaignSpec,
    Candidate,
    Deliverable,
    History,
    RatePrice,
    Settings,
)

MEGA_FOLLOWERS = 1_500_000
TIKTOK_VIEW_RATE = 0.16


def make_settings(**overrides) -> Settings:
    """Settings close to the shipped defaults (kolops.settings.base, DOMAIN §2)."""
    values = {
        "weights": {
            "awareness": {
                "audience": 3,
                "content": 2,
                "performance": 1,
                "cost": 3,
                "reliability": 1,
                "risk": 2,
            },
            "engagement": {
                "audience": 2,
                "content": 2,
                "performance": 3,
                "cost": 2,
                "reliability": 1,
                "risk": 2,
            },
            "traffic": {
                "audience": 3,
                "content": 2,
                "performance": 2,
                "cost": 2,
                "reliability": 1,
                "risk": 2,
            },
        },
        "er_benchmarks": {
            "tiktok": {"koc": 12.0, "nano": 10.0, "micro": 7.0, "mid": 5.0, "macro": 4.0, "mega": 3.0},
            "instagram": {"nano": 2.5, "micro": 1.2, "mid": 0.8, "macro": 0.5, "mega": 0.3},
        },
        "view_rates": {"tiktok": TIKTOK_VIEW_RATE, "instagram": 0.08, "youtube": 0.12},
        "click_rates": {"tiktok": 0.004, "instagram": 0.006, "youtube": 0.008},
        "deliverable_view_factors": {"post": 1.0, "short_video": 1.0, "story": 0.3, "usage_rights": 0.0},
        "default_deliverables": {"tiktok": "short_video", "youtube": "long_video"},
    }
    values.update(overrides)
    return Settings(**values)


def make_candidate(**overrides) -> Candidate:
    """A Ho Chi Minh City TikTok beauty mega channel with a 60M VND short-video rate."""
    values = {
        "channel_id": 1,
        "kol_id": 1,
        "kol_name": "Linh Beauty",
        "platform": "tiktok",
        "handle": "linhbeauty",
        "tier": "mega",
        "followers": MEGA_FOLLOWERS,
        "engagement_rate": 3.0,
        "er_basis": "followers",
        "avg_views": 240_000,
        "categories": frozenset({"beauty"}),
        "home_region": "VN-SG",
        "kol_status": "active",
        "age_shares": {
            "13_17": 10.0,
            "18_24": 45.0,
            "25_34": 30.0,
            "35_44": 10.0,
            "45_54": 4.0,
            "55_plus": 1.0,
        },
        "female": 70.0,
        "male": 30.0,
        "region_shares": {"VN-SG": 40.0, "VN-HN": 30.0, "VN": 15.0, "US": 5.0},
        "max_weekly_growth": 0.02,
        "rates": (RatePrice("short_video", 60_000_000.0),),
        "history": History(),
    }
    values.update(overrides)
    return Candidate(**values)


def make_spec(**overrides) -> CampaignSpec:
    """An engagement campaign in VND naming no deliverables."""
    values = {"objective": "engagement", "currency": "VND", "budget": 500_000_000.0}
    values.update(overrides)
    return CampaignSpec(**values)


def no_own_figures(**overrides) -> Candidate:
    """A channel with neither average views nor ER nor measured bookings."""
    return make_candidate(avg_views=None, engagement_rate=None, **overrides)


# ---- views: own figures shrunk toward the benchmark ----


def test_channel_without_own_figures_gets_the_benchmark_views():
    fc = forecast(no_own_figures(), make_spec(), make_settings())
    assert fc.views == pytest.approx(MEGA_FOLLOWERS * TIKTOK_VIEW_RATE)


def test_thin_history_is_shrunk_toward_the_benchmark():
    one_viral_post = History(bookings=1, posts=1, views_per_post=1_000_000.0)
    fc = forecast(no_own_figures(history=one_viral_post), make_spec(), make_settings())
    benchmark = MEGA_FOLLOWERS * TIKTOK_VIEW_RATE
    # One post against a benchmark worth five: (1 × 1M + 5 × 240k) / 6.
    assert fc.views == pytest.approx((1_000_000 + 5 * benchmark) / 6)
    assert fc.views - benchmark < 1_000_000 - fc.views


def test_many_measured_posts_stay_near_the_own_figure():
    long_record = History(bookings=40, posts=500, views_per_post=1_000_000.0)
    fc = forecast(no_own_figures(history=long_record), make_spec(), make_settings())
    assert fc.views == pytest.approx(1_000_000, rel=0.01)


def test_average_views_and_history_are_combined_by_their_posts():
    history = History(bookings=3, posts=12, views_per_post=400_000.0)
    candidate = make_candidate(avg_views=200_000, history=history)
    settings = make_settings(history_prior_posts=0.0)
    fc = forecast(candidate, make_spec(), settings)
    # Average views stand for stats_posts = 12 posts, history for its 12 posts; no prior.
    assert fc.views == pytest.approx(300_000)


@given(
    own=st.floats(min_value=0, max_value=5_000_000),
    posts=st.integers(min_value=1, max_value=1_000),
)
def test_shrunk_views_lie_between_own_and_benchmark(own, posts):
    history = History(posts=posts, views_per_post=own)
    fc = forecast(no_own_figures(history=history), make_spec(), make_settings())
    benchmark = MEGA_FOLLOWERS * TIKTOK_VIEW_RATE
    assert min(own, benchmark) - 1e-6 <= fc.views <= max(own, benchmark) + 1e-6


def test_story_counts_fewer_views_than_a_post():
    candidate = make_candidate(rates=(RatePrice("short_video", 60e6), RatePrice("story", 10e6)))
    video = forecast(candidate, make_spec(deliverables=(Deliverable("short_video"),)), make_settings())
    story = forecast(candidate, make_spec(deliverables=(Deliverable("story"),)), make_settings())
    assert story.views == pytest.approx(video.views * 0.3)


# ---- engagements and clicks ----


def test_engagements_from_er_by_followers_are_shrunk_toward_the_tier_benchmark():
    candidate = make_candidate(engagement_rate=6.0)
    fc = forecast(candidate, make_spec(), make_settings())
    own, benchmark = 0.06 * MEGA_FOLLOWERS, 0.03 * MEGA_FOLLOWERS
    assert fc.engagements == pytest.approx((12 * own + 5 * benchmark) / 17)


def test_er_by_views_applies_to_the_expected_views():
    candidate = make_candidate(engagement_rate=10.0, er_basis="views")
    fc = forecast(candidate, make_spec(), make_settings(history_prior_posts=0.0))
    assert fc.engagements == pytest.approx(0.10 * fc.views)


def test_er_benchmark_of_an_unlisted_tier_is_the_platform_average():
    fc = forecast(no_own_figures(tier="unknown"), make_spec(), make_settings())
    tiktok_mean = (12.0 + 10.0 + 7.0 + 5.0 + 4.0 + 3.0) / 6
    assert fc.engagements == pytest.approx(tiktok_mean / 100 * MEGA_FOLLOWERS)
    assert fc.basis["engagements"]["benchmark_level"] == "platform"


def test_er_benchmark_of_an_unlisted_platform_is_one_percent():
    on_zalo = no_own_figures(platform="zalo", rates=(RatePrice("post", 5e6),))
    fc = forecast(on_zalo, make_spec(), make_settings())
    assert fc.engagements == pytest.approx(0.01 * MEGA_FOLLOWERS)
    assert fc.basis["engagements"]["benchmark_level"] == "default"


def test_clicks_are_views_times_the_platform_click_rate():
    fc = forecast(make_candidate(), make_spec(), make_settings())
    assert fc.clicks == pytest.approx(fc.views * 0.004)


# ---- cost ----


def test_cost_is_price_times_count_summed():
    candidate = make_candidate(rates=(RatePrice("short_video", 60e6), RatePrice("story", 10e6)))
    spec = make_spec(deliverables=(Deliverable("short_video", count=2), Deliverable("story", count=3)))
    assert forecast(candidate, spec, make_settings()).cost == pytest.approx(2 * 60e6 + 3 * 10e6)


def test_lowest_price_of_a_type_is_used():
    candidate = make_candidate(rates=(RatePrice("short_video", 60e6), RatePrice("short_video", 45e6)))
    assert forecast(candidate, make_spec(), make_settings()).cost == pytest.approx(45e6)


def test_exclusivity_premium_is_added_to_the_fee():
    spec = make_spec(exclusive_categories=frozenset({"beauty"}))
    fc = forecast(make_candidate(), spec, make_settings(exclusivity_premium=0.3))
    assert fc.cost == pytest.approx(60e6 * 1.3)
    assert fc.basis["cost"]["exclusivity_premium"] == 0.3


def test_missing_rate_gives_no_forecast():
    spec = make_spec(deliverables=(Deliverable("short_video"), Deliverable("livestream_hour")))
    assert forecast(make_candidate(), spec, make_settings()) is None


def test_channel_without_any_rate_gives_no_forecast():
    assert forecast(make_candidate(rates=()), make_spec(), make_settings()) is None


# ---- which deliverables apply ----


def test_brief_deliverable_on_another_platform_gives_no_forecast():
    spec = make_spec(deliverables=(Deliverable("long_video", platform="youtube"),))
    assert deliverables_for(make_candidate(), spec, make_settings()) == ()
    assert forecast(make_candidate(), spec, make_settings()) is None


def test_only_deliverables_for_this_platform_or_any_platform_apply():
    spec = make_spec(
        deliverables=(
            Deliverable("short_video", platform="tiktok"),
            Deliverable("story"),
            Deliverable("long_video", platform="youtube"),
        )
    )
    applied = deliverables_for(make_candidate(), spec, make_settings())
    assert [d.type for d in applied] == ["short_video", "story"]


def test_default_deliverable_when_the_brief_names_none():
    on_instagram = make_candidate(platform="instagram", rates=(RatePrice("post", 8e6),))
    assert [d.type for d in deliverables_for(make_candidate(), make_spec(), make_settings())] == [
        "short_video"
    ]
    assert [d.type for d in deliverables_for(on_instagram, make_spec(), make_settings())] == ["post"]
    assert forecast(on_instagram, make_spec(), make_settings()).cost == pytest.approx(8e6)


# ---- basis ----


def test_basis_is_json_serialisable_and_per_piece_views_times_count_is_views():
    candidate = make_candidate(
        rates=(RatePrice("short_video", 60e6), RatePrice("story", 10e6)),
        history=History(bookings=2, posts=2, views_per_post=300_000.0, engagements_per_post=9_000.0),
    )
    spec = make_spec(
        deliverables=(Deliverable("short_video", count=2), Deliverable("story", count=4)),
        exclusive_categories=frozenset({"beauty"}),
    )
    fc = forecast(candidate, spec, make_settings())
    assert json.loads(json.dumps(fc.basis)) == fc.basis
    per_piece = fc.basis["views"]["per_piece"]
    pieces = fc.basis["deliverables"]
    assert math.isclose(sum(per_piece * p["view_factor"] * p["count"] for p in pieces), fc.views)
    assert fc.basis["cost"]["items"] == [
        {"type": "short_video", "count": 2, "price": 60e6},
        {"type": "story", "count": 4, "price": 10e6},
    ]


def test_basis_records_own_figure_posts_and_benchmark():
    fc = forecast(make_candidate(), make_spec(), make_settings())
    views = fc.basis["views"]
    assert views == {
        "own": 240_000.0,
        "own_posts": 12.0,
        "benchmark": MEGA_FOLLOWERS * TIKTOK_VIEW_RATE,
        "benchmark_rate": TIKTOK_VIEW_RATE,
        "prior_posts": 5.0,
        "per_piece": pytest.approx(240_000.0),
    }
    assert fc.basis["engagements"]["benchmark_level"] == "tier"
