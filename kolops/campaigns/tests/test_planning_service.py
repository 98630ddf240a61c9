"""Loading a campaign's candidates from the database: what is read, converted and counted."""

from decimal import Decimal

import pytest

from kolops.campaigns import planning_service
from kolops.campaigns.planning.plan import NO_RATE
from kolops.kols import services as kol_services

from .factories import make_campaign, make_pool

pytestmark = pytest.mark.django_db


def spec_of(campaign):
    return planning_service.campaign_spec(planning_service.campaign_document(campaign))


def load(user, campaign):
    return planning_service.load_candidates(
        user=user,
        group_id=campaign.group_id,
        spec=spec_of(campaign),
        settings=planning_service.engine_settings(),
    )


def test_a_channel_without_a_price_for_a_wanted_deliverable_is_counted_as_no_rate(group, specialist, brand):
    priced, unpriced = make_pool(group, specialist, n=2, platforms=("tiktok",))
    unpriced.rates.all().delete()
    loaded = load(specialist, make_campaign(specialist, brand))
    assert [c.channel_id for c in loaded.candidates] == [priced.pk]
    assert loaded.ineligible == {NO_RATE: 1}


def test_a_must_include_channel_without_a_price_is_loaded_so_the_plan_can_say_why(group, specialist, brand):
    _priced, unpriced = make_pool(group, specialist, n=2, platforms=("tiktok",))
    unpriced.rates.all().delete()
    doc = planning_service.campaign_document(make_campaign(specialist, brand))
    doc.constraints.must_include = [unpriced.pk]
    outcome = planning_service.plan_document(user=specialist, doc=doc)
    assert outcome.solution.status == "infeasible"
    assert outcome.solution.failure == {"kind": "must_include", "channel": unpriced.pk, "reason": NO_RATE}


def test_prices_are_converted_into_the_campaign_currency(group, specialist, brand):
    (channel,) = make_pool(group, specialist, n=1, platforms=("tiktok",))
    channel.rates.all().delete()
    kol_services.rate_card_save(
        by=specialist,
        channel=channel,
        data={"deliverable_type": "short_video", "price": Decimal(100), "currency": "USD"},
    )
    campaign = make_campaign(
        specialist, brand, brief={"deliverables": [{"type": "short_video", "platform": "tiktok"}]}
    )
    (candidate,) = load(specialist, campaign).candidates
    # 100 USD at the configured rates (USD 1, VND 0.000038): 2,631,579 VND.
    assert candidate.rates[0].price == pytest.approx(2_631_579, abs=1)


def test_percent_columns_arrive_as_floats(group, specialist, brand):
    make_pool(group, specialist, n=1, platforms=("tiktok",))
    (candidate,) = load(specialist, make_campaign(specialist, brand)).candidates
    assert isinstance(candidate.engagement_rate, float) and candidate.female == 70.0
    assert candidate.age_shares["18_24"] == 40.0 and candidate.age_shares["45_54"] is None


def test_a_pool_larger_than_the_cap_keeps_its_largest_channels(group, specialist, brand, settings):
    channels = make_pool(group, specialist, n=6, platforms=("tiktok",))
    settings.KOLOPS_PLAN_MAX_CANDIDATES = 3
    loaded = load(specialist, make_campaign(specialist, brand))
    largest = sorted(channels, key=lambda c: -c.followers)[:3]
    assert sorted(c.channel_id for c in loaded.candidates) == sorted(c.pk for c in largest)
