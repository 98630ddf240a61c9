"""The bulk writer and `kolops seed`: seeded KOLs are complete, searchable rows."""

from datetime import date

import opencc
import pytest
from django.core.management import call_command

from kolops.core.text import fold, normalize_handle
from kolops.core.tiers import tier_for
from kolops.kols import services
from kolops.kols.models import AudienceRegionShare, Channel, FollowerSnapshot, Kol, RateCard
from kolops.kols.query import ChannelQuery
from kolops.kols.seeding.generator import generate_kols
from kolops.kols.seeding.writer import seed_write
from kolops.kols.selectors import channel_page, channel_search

pytestmark = pytest.mark.django_db

COPIED = ("kol_name", "kol_type", "kol_status", "home_region", "category_mask", "search_text", "is_archived")


@pytest.fixture
def seeded(group, specialist):
    """60 generated KOLs written into `group`."""
    data = list(generate_kols(60, seed=21, today=date(2026, 6, 1)))
    result = seed_write(group=group, kols=data, by=specialist)
    return data, result


def test_every_generated_row_is_stored(seeded, group):
    data, result = seeded
    channels = [c for kol in data for c in kol.channels]
    assert Kol.objects.filter(group=group).count() == result.kols == 60
    assert Channel.objects.filter(group=group).count() == result.channels == len(channels)
    assert (
        AudienceRegionShare.objects.count() == result.region_shares == sum(len(c.regions) for c in channels)
    )
    assert RateCard.objects.count() == result.rates == sum(len(c.rates) for c in channels)
    assert FollowerSnapshot.objects.count() == result.snapshots == 26 * len(channels)


def test_copied_columns_equal_what_the_service_would_write(seeded, group):
    before = {c.pk: [getattr(c, f) for f in COPIED] for c in Channel.objects.filter(group=group)}
    for kol in Kol.objects.filter(group=group):
        services.channels_sync_from_kol(kol)
    after = {c.pk: [getattr(c, f) for f in COPIED] for c in Channel.objects.filter(group=group)}
    assert after == before


def test_values_read_back_as_generated(seeded, group):
    data, _result = seeded
    generated = [c for kol in data for c in kol.channels]
    stored = list(Channel.objects.filter(group=group).order_by("id"))
    for seed, channel in zip(generated, stored, strict=True):
        assert channel.handle == seed.handle
        assert channel.stats_updated_at == seed.stats_updated_at
        assert channel.engagement_rate == seed.engagement_rate
        assert channel.aud_female == seed.female
    kol = Kol.objects.filter(group=group).order_by("id").first()
    assert (kol.languages, kol.contacts, kol.risk_flags) == (
        data[0].languages,
        data[0].contacts,
        data[0].risk_flags,
    )


def test_tier_and_handle_key_are_derived(seeded, group):
    for channel in Channel.objects.filter(group=group):
        assert channel.tier == tier_for(channel.followers, channel.platform)
        assert channel.handle_key == normalize_handle(channel.handle)


def test_categories_and_tags_are_linked(seeded, group):
    data, _result = seeded
    stored = Kol.objects.filter(group=group).order_by("id").prefetch_related("categories", "tags")
    for seed, kol in zip(data, stored, strict=True):
        assert kol.display_name == seed.display_name
        assert sorted(c.slug for c in kol.categories.all()) == sorted(seed.categories)
        assert sorted(fold(t.name) for t in kol.tags.all()) == sorted(fold(t) for t in seed.tags)


def test_a_vietnamese_name_typed_without_diacritics_finds_the_kol(seeded, specialist):
    data, _result = seeded
    kol = next(k for k in data if k.market == "VN" and fold(k.real_name) != k.real_name.lower())
    found = channel_search(user=specialist, query=ChannelQuery(q=fold(kol.real_name)))
    assert {c.handle for c in kol.channels} <= {c.handle for c in found}


def test_a_chinese_name_in_traditional_characters_finds_the_simplified_kol(seeded, specialist):
    data, _result = seeded
    to_traditional = opencc.OpenCC("s2t")
    kol = next(k for k in data if k.market == "CN" and to_traditional.convert(k.real_name) != k.real_name)
    traditional = to_traditional.convert(kol.real_name)
    found = channel_search(user=specialist, query=ChannelQuery(q=traditional, include_archived=True))
    assert {c.handle for c in kol.channels} <= {c.handle for c in found}


def test_seeded_channels_page_like_any_other(seeded, specialist):
    page = channel_page(user=specialist, query=ChannelQuery(platforms=["tiktok"]), size=5)
    followers = [c.followers for c in page.rows]
    assert followers == sorted(followers, reverse=True)
    assert all(c.platform == "tiktok" and not c.is_archived for c in page.rows)


def test_seed_command_adds_to_a_group_twice_without_handle_clashes(group, capsys):
    call_command("seed", kols=25, group=group.pk)
    call_command("seed", kols=25, group=group.pk)
    assert Kol.objects.filter(group=group).count() == 50
    assert "Seeded" in capsys.readouterr().out


def test_kols_belong_to_the_group_not_to_a_brand(group):
    brand = group.children.get().children.get()
    with pytest.raises(ValueError):
        seed_write(group=brand, kols=generate_kols(1, seed=1))
