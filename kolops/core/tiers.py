"""Tier schemes: a channel's tier is derived from its followers by the active scheme.

Schemes and per-platform overrides are settings (DOMAIN §1): A is the default; C is the
seed's four-tier view (top star / macro / micro / nano).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """Tiers by followers, smallest first. KOC is below the scheme's first threshold."""

    KOC = "koc", _("KOC (< nano)")
    NANO = "nano", _("Nano")
    MICRO = "micro", _("Micro")
    MID = "mid", _("Mid")
    MACRO = "macro", _("Macro")
    MEGA = "mega", _("Mega / top star")


def scheme_bounds(platform: str | None = None, scheme: str | None = None) -> list[tuple[str, int]]:
    """Lower bounds `(tier, min_followers)`, ascending, for `platform` under `scheme`."""
    overrides = settings.KOLOPS_TIER_PLATFORM_OVERRIDES
    if platform and platform in overrides:
        return list(overrides[platform])
    name = scheme or settings.KOLOPS_TIER_SCHEME
    try:
        return list(settings.KOLOPS_TIER_SCHEMES[name])
    except KeyError:
        raise ValueError(f"Unknown tier scheme {name!r}") from None


def tier_for(followers: int, platform: str | None = None, scheme: str | None = None) -> str:
    """The tier of an account with `followers` on `platform`."""
    tier = Tier.KOC.value
    for name, lower in scheme_bounds(platform, scheme):
        if followers >= lower:
            tier = name
    return tier


def tiers_in_scheme(scheme: str | None = None) -> list[str]:
    """The tiers the active scheme and its platform overrides use, largest first."""
    used = {name for name, _lower in scheme_bounds(scheme=scheme)}
    bounds = [scheme_bounds(scheme=scheme)]
    bounds += [list(b) for b in settings.KOLOPS_TIER_PLATFORM_OVERRIDES.values()]
    for scheme_bounds_ in bounds:
        used |= {name for name, _lower in scheme_bounds_}
        if scheme_bounds_[0][1] > 0:
            used.add(Tier.KOC.value)
    return [tier for tier in reversed(Tier.values) if tier in used]
