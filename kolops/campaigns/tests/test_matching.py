"""Matching engine: hard filters and the six-part fit score. Pure tests (no database)."""

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kolops.campaigns.planning.matching import (
    TierMedians,
    ineligible_reason,
    market_of,
    objective_value,
    over_fee,
    score,
    tier_medians,
)
from kolops.campaigns.planning.records import Audience, FitScore, Forecast, History
from kolops.campaigns.tests.test_forecast import make_candidate, make_settings, make_spec

PARTS = ("audience", "content", "performance", "cost", "reliability", "risk")
# Peers of a TikTok mega channel: 1,333 VND per engagement, 250,000 VND per 1,000 views.
PEER_MEDIANS = TierMedians(cpe={("tiktok", "mega"): 60e6 / 45_000}, cpm={("tiktok", "mega"): 250_000.0})


def make_forecast(**overrides) -> Forecast:
    """60M VND for 240k views and 45k engagements (CPE 1,333 VND, CPM 250,000 VND)."""
    values = {"views": 240_000.0, "engagements": 45_000.0, "clicks": 960.0, "cost": 60_000_000.0, "basis": {}}
    values.update(overrides)
    return Forecast(**values)


def fit(candidate=None, spec=None, settings=None, fc=None, medians=PEER_MEDIANS) -> FitScore:
    """The fit score with the builders' defaults for whatever a test does not set."""
    return score(
        candidate or make_candidate(),
        spec or make_spec(),
        settings or make_settings(),
        fc or make_forecast(),
        medians,
    )


# ---- hard filters ----


def test_an_active_channel_matching_the_brief_is_eligible():
    spec = make_spec(
        platforms=frozenset({"tiktok"}),
        tiers=frozenset({"mega"}),
        categories=frozenset({"beauty"}),
        markets=frozenset({"VN"}),
    )
    assert ineligible_reason(make_candidate(), spec) is None


def test_blacklisted_is_ineligible_even_if_must_include():
    spec = make_spec(must_include=frozenset({1}))
    assert ineligible_reason(make_candidate(kol_status="blacklisted"), spec) == "blacklisted"


def test_paused_kol_is_ineligible():
    assert ineligible_reason(make_candidate(kol_status="paused"), make_spec()) == "status"


def test_excluded_channel_is_ineligible():
    assert ineligible_reason(make_candidate(), make_spec(exclude=frozenset({1}))) == "excluded"


def test_channel_on_an_unwanted_platform_is_ineligible():
    assert ineligible_reason(make_candidate(), make_spec(platforms=frozenset({"douyin"}))) == "platform"


def test_channel_of_an_unwanted_tier_is_ineligible():
    assert ineligible_reason(make_candidate(), make_spec(tiers=frozenset({"micro", "mid"}))) == "tier"


def test_kol_without_a_wanted_category_is_ineligible():
    assert ineligible_reason(make_candidate(), make_spec(categories=frozenset({"gaming"}))) == "category"


def test_kol_from_another_market_is_ineligible():
    assert (
        ineligible_reason(make_candidate(home_region="CN-GD"), make_spec(markets=frozenset({"VN"})))
        == "market"
    )


def test_kol_of_unknown_home_region_is_ineligible_when_markets_are_set():
    assert ineligible_reason(make_candidate(home_region=""), make_spec(markets=frozenset({"VN"}))) == "market"
    assert ineligible_reason(make_candidate(home_region=""), make_spec()) is None


def test_market_is_the_country_part_of_the_home_region():
    assert (market_of("VN-SG"), market_of("CN"), market_of("")) == ("VN", "CN", "")


def test_must_include_bypasses_platform_tier_category_and_market_filters():
    candidate = make_candidate(home_region="CN-GD")
    spec = make_spec(
        platforms=frozenset({"douyin"}),
        tiers=frozenset({"micro"}),
        categories=frozenset({"gaming"}),
        markets=frozenset({"VN"}),
        must_include=frozenset({1}),
    )
    assert ineligible_reason(candidate, spec) is None


def test_competitor_flag_with_exclusivity_is_ineligible():
    candidate = make_candidate(risk_flags=("competitor",))
    assert (
        ineligible_reason(candidate, make_spec(exclusive_categories=frozenset({"beauty"}))) == "exclusivity"
    )
    assert ineligible_reason(candidate, make_spec()) is None


def test_fee_above_the_maximum_is_over_fee():
    fc = make_forecast(cost=60_000_000.0)
    assert over_fee(fc, make_spec(max_fee_per_kol=50_000_000.0))
    assert not over_fee(fc, make_spec(max_fee_per_kol=60_000_000.0))
    assert not over_fee(fc, make_spec())


# ---- audience ----


def test_no_target_audience_fits_fully():
    assert fit(spec=make_spec(audience=Audience())).audience == 1.0


def test_more_audience_in_target_raises_audience_fit():
    spec = make_spec(audience=Audience(gender="female", age_buckets=frozenset({"18_24", "25_34"})))
    mostly_women = make_candidate(female=80.0, male=20.0)
    half_women = make_candidate(female=50.0, male=50.0)
    assert fit(mostly_women, spec).audience > fit(half_women, spec).audience


def test_audience_fit_is_the_product_of_the_target_dimensions():
    spec = make_spec(
        audience=Audience(
            gender="female", age_buckets=frozenset({"18_24", "25_34"}), regions=frozenset({"VN-SG"})
        )
    )
    # 70 % women × (45 + 30) % aged 18–34 × 40 % in Ho Chi Minh City.
    assert fit(spec=spec).audience == pytest.approx(0.70 * 0.75 * 0.40)


def test_target_country_holds_its_provinces_and_country_level_shares():
    spec = make_spec(audience=Audience(regions=frozenset({"VN"})))
    assert fit(spec=spec).audience == pytest.approx((40 + 30 + 15) / 100)


def test_country_level_share_does_not_count_for_a_province_target():
    spec = make_spec(audience=Audience(regions=frozenset({"VN-HN"})))
    assert fit(spec=spec).audience == pytest.approx(0.30)


def test_unknown_audience_dimension_is_neutral_and_noted():
    spec = make_spec(audience=Audience(gender="female", regions=frozenset({"VN"})))
    result = fit(make_candidate(female=None, male=None, region_shares={}), spec)
    assert result.audience == pytest.approx(0.5 * 0.5)
    assert {"audience_unknown:gender", "audience_unknown:region"} <= set(result.notes)


def test_gender_share_is_inferred_from_the_other_gender():
    spec = make_spec(audience=Audience(gender="male"))
    assert fit(make_candidate(female=65.0, male=None), spec).audience == pytest.approx(0.35)


@hypothesis_settings(max_examples=50)
@given(share=st.floats(min_value=0, max_value=100), more=st.floats(min_value=0, max_value=100))
def test_audience_fit_is_monotone_in_the_target_share(share, more):
    low, high = sorted((share, more))
    spec = make_spec(audience=Audience(gender="female", regions=frozenset({"VN"})))
    regions_low = {"VN-SG": low, "CN": 100 - low}
    regions_high = {"VN-SG": high, "CN": 100 - high}
    low_fit = fit(make_candidate(female=low, male=100 - low, region_shares=regions_low), spec).audience
    high_fit = fit(make_candidate(female=high, male=100 - high, region_shares=regions_high), spec).audience
    assert 0.0 <= low_fit <= high_fit <= 1.0


# ---- content ----


def test_category_match_beats_no_match():
    spec = make_spec(categories=frozenset({"beauty"}))
    assert (
        fit(make_candidate(), spec).content
        > fit(make_candidate(categories=frozenset({"gaming"})), spec).content
    )


def test_focus_on_the_wanted_categories_raises_content_fit():
    spec = make_spec(categories=frozenset({"beauty"}))
    focused = make_candidate(categories=frozenset({"beauty"}))
    broad = make_candidate(categories=frozenset({"beauty", "food", "travel", "gaming"}))
    assert fit(focused, spec).content == pytest.approx(1.0)
    assert fit(broad, spec).content == pytest.approx(0.7 + 0.3 / 4)


def test_no_wanted_categories_fits_fully_and_unknown_categories_are_neutral():
    assert fit(spec=make_spec()).content == 1.0
    unknown = fit(make_candidate(categories=frozenset()), make_spec(categories=frozenset({"beauty"})))
    assert unknown.content == 0.5
    assert "categories_unknown" in unknown.notes


# ---- performance ----


def test_higher_er_raises_performance():
    assert (
        fit(make_candidate(engagement_rate=4.5)).performance
        > fit(make_candidate(engagement_rate=3.0)).performance
    )


def test_er_at_benchmark_scores_half_and_twice_it_scores_one():
    assert fit(make_candidate(engagement_rate=3.0)).performance == pytest.approx(0.5)
    assert fit(make_candidate(engagement_rate=6.0)).performance == pytest.approx(1.0)
    assert fit(make_candidate(engagement_rate=20.0)).performance == 1.0


def test_er_by_views_is_converted_to_followers_before_comparison():
    # 15 % of 300k views per post = 45k engagements = 3 % of 1.5M followers: the benchmark.
    by_views = make_candidate(engagement_rate=15.0, er_basis="views", avg_views=300_000)
    assert fit(by_views).performance == pytest.approx(0.5)


def test_unknown_er_is_neutral_and_noted():
    result = fit(make_candidate(engagement_rate=None))
    assert result.performance == 0.5
    assert "er_unknown" in result.notes


# ---- cost ----


def test_cheaper_cpe_raises_cost_fit():
    cheap = make_forecast(cost=30_000_000.0)
    dear = make_forecast(cost=90_000_000.0)
    assert fit(fc=cheap).cost > fit(fc=dear).cost


def test_cost_at_the_peer_median_scores_half_and_half_of_it_scores_one():
    medians = TierMedians(cpe={("tiktok", "mega"): 60_000_000.0 / 45_000})
    assert fit(fc=make_forecast(), medians=medians).cost == pytest.approx(0.5)
    assert fit(fc=make_forecast(cost=30_000_000.0), medians=medians).cost == pytest.approx(1.0)


def test_cpm_is_used_for_awareness():
    # Many views for few engagements: cheap per thousand views, dear per engagement.
    reach_channel = make_forecast(views=960_000.0, engagements=11_250.0)
    awareness = fit(spec=make_spec(objective="awareness"), fc=reach_channel)
    engagement = fit(spec=make_spec(objective="engagement"), fc=reach_channel)
    assert awareness.cost == pytest.approx(1.0)  # CPM 62,500 vs 250,000
    assert engagement.cost == pytest.approx(0.125)  # CPE 5,333 vs 1,333


def test_cost_falls_back_to_the_tier_median_then_neutral():
    tier_only = TierMedians(tier_cpe={"mega": 1_333.0})
    assert fit(medians=tier_only).cost == pytest.approx(0.5, rel=1e-3)
    no_peers = fit(medians=TierMedians())
    assert no_peers.cost == 0.5
    assert "cost_no_peers" in no_peers.notes


def test_free_channel_has_full_cost_fit():
    assert fit(fc=make_forecast(cost=0.0)).cost == 1.0


def test_tier_medians_group_by_platform_and_tier_and_skip_free_channels():
    tiktok_mega = make_candidate()
    pairs = [
        (tiktok_mega, make_forecast(cost=30_000_000.0)),
        (tiktok_mega, make_forecast(cost=60_000_000.0)),
        (tiktok_mega, make_forecast(cost=90_000_000.0)),
        (tiktok_mega, make_forecast(cost=0.0)),
        (make_candidate(platform="instagram"), make_forecast(cost=300_000_000.0)),
    ]
    medians = tier_medians(pairs)
    assert medians.lookup("cpe", "tiktok", "mega") == pytest.approx(60_000_000.0 / 45_000)
    assert medians.lookup("cpm", "tiktok", "mega") == pytest.approx(250_000.0)
    assert medians.lookup("cpe", "youtube", "mega") == pytest.approx(75_000_000.0 / 45_000)
    assert medians.lookup("cpe", "tiktok", "micro") is None


# ---- reliability ----


def test_good_delivery_history_raises_reliability():
    good = History(bookings=6, on_time=6, first_pass=5, rating=4.8)
    assert fit(make_candidate(history=good)).reliability > 0.5


def test_no_history_is_neutral_and_noted():
    result = fit(make_candidate(history=History()))
    assert result.reliability == 0.5
    assert "no_history" in result.notes


def test_no_shows_lower_reliability():
    reliable = History(bookings=4, on_time=4, first_pass=4)
    flaky = History(bookings=4, on_time=3, first_pass=3, no_shows=1)
    assert fit(make_candidate(history=flaky)).reliability < fit(make_candidate(history=reliable)).reliability
    assert "no_shows" in fit(make_candidate(history=flaky)).notes


def test_longer_good_record_is_trusted_more():
    one = History(bookings=1, on_time=1, first_pass=1)
    ten = History(bookings=10, on_time=10, first_pass=10)
    assert fit(make_candidate(history=ten)).reliability > fit(make_candidate(history=one)).reliability


# ---- risk ----


def test_no_risk_scores_one():
    assert fit().risk == 1.0


def test_more_risk_flags_lower_the_risk_score():
    one = fit(make_candidate(risk_flags=("controversy",)))
    two = fit(make_candidate(risk_flags=("controversy", "fake_followers")))
    assert two.risk < one.risk < 1.0
    assert {"risk_flag:controversy", "risk_flag:fake_followers"} <= set(two.notes)


def test_a_repeated_flag_counts_once():
    assert fit(make_candidate(risk_flags=("legal", "legal"))).risk == pytest.approx(0.75)


def test_growth_spike_is_penalised():
    spiky = fit(make_candidate(max_weekly_growth=0.45))
    assert spiky.risk == pytest.approx(0.6)
    assert "growth_spike" in spiky.notes
    assert fit(make_candidate(max_weekly_growth=0.25)).risk == 1.0


def test_risk_score_never_falls_below_zero():
    flags = ("controversy", "fake_followers", "legal", "missed_deadlines", "off_brief")
    assert fit(make_candidate(risk_flags=flags, max_weekly_growth=1.0)).risk == 0.0


# ---- total and ranking ----


@hypothesis_settings(max_examples=50)
@given(
    er=st.none() | st.floats(min_value=0, max_value=30),
    flags=st.lists(st.sampled_from(["controversy", "legal", "off_brief", "fake_followers"]), max_size=4),
    growth=st.none() | st.floats(min_value=0, max_value=2),
    female=st.none() | st.floats(min_value=0, max_value=100),
    cost=st.floats(min_value=0, max_value=1e9),
    objective=st.sampled_from(["awareness", "engagement", "traffic"]),
)
def test_total_is_the_weighted_mean_of_the_parts_within_zero_and_one(
    er, flags, growth, female, cost, objective
):
    candidate = make_candidate(
        engagement_rate=er, risk_flags=tuple(flags), max_weekly_growth=growth, female=female
    )
    spec = make_spec(
        objective=objective, audience=Audience(gender="female"), categories=frozenset({"beauty"})
    )
    settings = make_settings()
    result = fit(candidate, spec, settings, make_forecast(cost=cost))
    weights = settings.weights[objective]
    expected = sum(weights[p] * getattr(result, p) for p in PARTS) / sum(weights.values())
    assert result.total == pytest.approx(expected)
    assert 0.0 <= result.total <= 1.0
    assert all(0.0 <= getattr(result, p) <= 1.0 for p in PARTS)


def test_objective_weights_change_the_ranking():
    # Cheap reach: many views, a low ER. Engaged: fewer views, a high ER.
    cheap_reach = make_candidate(channel_id=1, engagement_rate=1.5)
    engaged = make_candidate(channel_id=2, engagement_rate=7.5)
    forecasts = {
        1: make_forecast(views=600_000.0, engagements=30_000.0, cost=30_000_000.0),
        2: make_forecast(views=200_000.0, engagements=112_500.0, cost=60_000_000.0),
    }
    medians = tier_medians([(cheap_reach, forecasts[1]), (engaged, forecasts[2])])

    def ranking(objective: str) -> list[int]:
        spec = make_spec(objective=objective)
        totals = {
            c.channel_id: fit(c, spec, fc=forecasts[c.channel_id], medians=medians).total
            for c in (cheap_reach, engaged)
        }
        return sorted(totals, key=totals.get, reverse=True)

    assert ranking("awareness") == [1, 2]
    assert ranking("engagement") == [2, 1]


def test_objective_value_is_the_objective_outcome_times_fit():
    fc = make_forecast(views=240_000.0, engagements=45_000.0, clicks=960.0)
    result = fit()
    assert objective_value(fc, result, "awareness") == pytest.approx(240_000.0 * result.total)
    assert objective_value(fc, result, "engagement") == pytest.approx(45_000.0 * result.total)
    for objective in ("traffic", "conversion", "leads", "sales"):
        assert objective_value(fc, result, objective) == pytest.approx(960.0 * result.total)
    with pytest.raises(ValueError):
        objective_value(fc, result, "virality")
