"""Changing the tier scheme and running `kolops retier` re-derives stored tiers."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_retier_follows_the_new_scheme(settings, channel, capsys):
    channel.followers = 600_000
    channel.tier = "macro"
    channel.save()
    settings.KOLOPS_TIER_SCHEME = "B"
    call_command("retier")
    channel.refresh_from_db()
    assert channel.tier == "macro"
    settings.KOLOPS_TIER_PLATFORM_OVERRIDES = {"tiktok": [("nano", 0), ("micro", 100_000), ("mega", 500_000)]}
    call_command("retier")
    channel.refresh_from_db()
    assert channel.tier == "mega"
    assert "1 channel(s) changed tier." in capsys.readouterr().out
