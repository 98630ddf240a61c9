"""A channel's tier follows from its followers under the active scheme (a setting)."""

import pytest

from kolops.core.tiers import tier_for, tiers_in_scheme


@pytest.mark.parametrize(
    ("followers", "tier"),
    [
        (999, "koc"),
        (1_000, "nano"),
        (9_999, "nano"),
        (10_000, "micro"),
        (49_999, "micro"),
        (50_000, "mid"),
        (499_999, "mid"),
        (500_000, "macro"),
        (999_999, "macro"),
        (1_000_000, "mega"),
    ],
)
def test_scheme_a_is_the_default(followers, tier):
    assert tier_for(followers) == tier


def test_the_seeds_four_tier_scheme_has_no_mid(settings):
    settings.KOLOPS_TIER_SCHEME = "C"
    assert tier_for(60_000) == "micro"
    assert tier_for(150_000) == "macro"
    assert tiers_in_scheme() == ["mega", "macro", "micro", "nano", "koc"]


def test_platform_thresholds_override_the_scheme(settings):
    settings.KOLOPS_TIER_PLATFORM_OVERRIDES = {
        "xiaohongshu": [("nano", 0), ("micro", 10_000), ("mid", 50_000), ("macro", 500_000)]
    }
    assert tier_for(600_000, "xiaohongshu") == "macro"
    assert tier_for(5_000, "xiaohongshu") == "nano"
    assert tier_for(5_000, "tiktok") == "nano"
    assert tier_for(500, "tiktok") == "koc"


def test_unknown_scheme_is_an_error(settings):
    settings.KOLOPS_TIER_SCHEME = "Z"
    with pytest.raises(ValueError, match="Unknown tier scheme"):
        tier_for(10)


def test_tier_list_includes_tiers_only_an_override_uses(settings):
    settings.KOLOPS_TIER_SCHEME = "C"
    settings.KOLOPS_TIER_PLATFORM_OVERRIDES = {"xiaohongshu": [("nano", 0), ("mid", 50_000)]}
    assert "mid" in tiers_in_scheme()
