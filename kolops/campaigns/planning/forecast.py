"""Forecast: the expected views, engagements, clicks and cost of a brief's deliverables on a channel.

Rules (DOMAIN §2–3; every threshold is a field of `Settings`):

- Deliverables: the brief's deliverables for the channel's platform (or for any platform); a
  brief naming none wants one piece of the platform's default type.
- Cost: Σ lowest rate-card price of the type × count, plus the exclusivity premium when the brief
  asks for category exclusivity (it is asked of every KOL of the campaign). A channel with no
  price for a wanted type cannot be costed: no forecast.
- Views per piece: the channel's own figures (its average views, standing for `stats_posts`
  posts, and the measured views of past bookings, standing for their posts) are shrunk toward the
  platform benchmark (followers × view rate), which counts as `history_prior_posts` posts:
  ``(n_own · own + k · benchmark) / (n_own + k)``. A channel measured on few posts stays close
  to the benchmark; one measured on many stays close to its own figure.
- Engagements per piece: the same shrinkage, with the own figure from the engagement rate (on
  its basis: by followers → ER × followers, by views or reach → ER × expected views per piece)
  and past bookings, against the benchmark ER of the platform and tier × followers.
- Each piece counts ``deliverable_view_factors[type]`` posts (a story reaches fewer); clicks are
  views × the platform click rate.

`Forecast.basis` records how every figure was reached as plain JSON-able data; pages word it.
"""

from collections.abc import Iterable

from .records import CampaignSpec, Candidate, Deliverable, Forecast, Settings

# Fallbacks for platforms the settings do not list (e.g. "other", "review_site").
DEFAULT_VIEW_RATE = 0.1  # views per post as a share of followers
DEFAULT_CLICK_RATE = 0.005  # clicks per view
DEFAULT_ER = 1.0  # percent by followers, when the platform has no benchmark at all
DEFAULT_DELIVERABLE = "post"

# Engagement-rate bases whose denominator is views (reach is close enough to views for a forecast).
ER_ON_VIEWS = frozenset({"views", "reach"})


def deliverables_for(candidate: Candidate, spec: CampaignSpec, settings: Settings) -> tuple[Deliverable, ...]:
    """The deliverables the brief wants from this channel.

    Those of the brief on the channel's platform or on any platform (""), with a positive count.
    A brief naming no deliverable wants one piece of `settings.default_deliverables[platform]`
    ("post" when the platform has no default). A brief whose deliverables are all for other
    platforms wants nothing here: the empty tuple.
    """
    if not spec.deliverables:
        kind = settings.default_deliverables.get(candidate.platform, DEFAULT_DELIVERABLE)
        return (Deliverable(type=kind, count=1, platform=candidate.platform),)
    return tuple(d for d in spec.deliverables if d.platform in ("", candidate.platform) and d.count > 0)


def lowest_prices(candidate: Candidate) -> dict[str, float]:
    """Deliverable type → the lowest current price of the channel for it (the agency books the cheapest)."""
    prices: dict[str, float] = {}
    for rate in candidate.rates:
        known = prices.get(rate.deliverable_type)
        if known is None or rate.price < known:
            prices[rate.deliverable_type] = float(rate.price)
    return prices


def er_benchmark(settings: Settings, platform: str, tier: str) -> tuple[float, str]:
    """The benchmark engagement rate (percent, by followers) and the level it was found at.

    `settings.er_benchmarks[platform][tier]` ("tier"); else the mean over the platform's tiers
    ("platform"); else `DEFAULT_ER` ("default").
    """
    by_tier = settings.er_benchmarks.get(platform) or {}
    if tier in by_tier:
        return float(by_tier[tier]), "tier"
    if by_tier:
        return sum(by_tier.values()) / len(by_tier), "platform"
    return DEFAULT_ER, "default"


def shrink(own: float | None, own_posts: float, benchmark: float, prior_posts: float) -> float:
    """``(n_own · own + k · benchmark) / (n_own + k)``; the benchmark alone without own data."""
    if own is None or own_posts <= 0:
        return benchmark
    return (own_posts * own + prior_posts * benchmark) / (own_posts + prior_posts)


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> tuple[float | None, float]:
    """The mean of the known values weighted by the posts they stand for, and the total posts."""
    known = [(float(value), float(weight)) for value, weight in pairs if value is not None and weight > 0]
    total = sum(weight for _value, weight in known)
    if total <= 0:
        return None, 0.0
    return sum(value * weight for value, weight in known) / total, total


def views_basis(candidate: Candidate, settings: Settings) -> dict:
    """Expected views of one post-equivalent piece, with the figures behind it."""
    history = candidate.history
    own, own_posts = weighted_mean(
        [(candidate.avg_views, settings.stats_posts), (history.views_per_post, history.posts)]
    )
    rate = float(settings.view_rates.get(candidate.platform, DEFAULT_VIEW_RATE))
    benchmark = candidate.followers * rate
    prior = float(settings.history_prior_posts)
    return {
        "own": own,
        "own_posts": own_posts,
        "benchmark": benchmark,
        "benchmark_rate": rate,
        "prior_posts": prior,
        "per_piece": shrink(own, own_posts, benchmark, prior),
    }


def engagements_basis(candidate: Candidate, settings: Settings, views_per_piece: float) -> dict:
    """Expected engagements of one post-equivalent piece, with the figures behind it."""
    history = candidate.history
    er = candidate.engagement_rate
    from_er = None
    if er is not None:
        # The rate means nothing without its denominator (DOMAIN §3): apply it to the same one.
        base = views_per_piece if candidate.er_basis in ER_ON_VIEWS else candidate.followers
        from_er = er / 100 * base
    own, own_posts = weighted_mean(
        [(from_er, settings.stats_posts), (history.engagements_per_post, history.posts)]
    )
    rate, source = er_benchmark(settings, candidate.platform, candidate.tier)
    benchmark = rate / 100 * candidate.followers
    prior = float(settings.history_prior_posts)
    return {
        "own": own,
        "own_posts": own_posts,
        "own_rate": None if er is None else float(er),
        "er_basis": candidate.er_basis,
        "benchmark": benchmark,
        "benchmark_rate": rate,
        "benchmark_level": source,
        "prior_posts": prior,
        "per_piece": shrink(own, own_posts, benchmark, prior),
    }


def forecast(candidate: Candidate, spec: CampaignSpec, settings: Settings) -> Forecast | None:
    """Expected views, engagements, clicks and cost of the brief's deliverables on this channel.

    None when the channel cannot be costed: the brief wants nothing on its platform, or the
    channel has no price for a wanted deliverable type. See the module docstring for the rules.
    """
    deliverables = deliverables_for(candidate, spec, settings)
    prices = lowest_prices(candidate)
    if not deliverables or any(d.type not in prices for d in deliverables):
        return None
    views_b = views_basis(candidate, settings)
    engagements_b = engagements_basis(candidate, settings, views_b["per_piece"])
    pieces = [
        {
            "type": d.type,
            "count": d.count,
            "view_factor": float(settings.deliverable_view_factors.get(d.type, 1.0)),
        }
        for d in deliverables
    ]
    post_equivalents = sum(p["view_factor"] * p["count"] for p in pieces)
    views = views_b["per_piece"] * post_equivalents
    engagements = engagements_b["per_piece"] * post_equivalents
    click_rate = float(settings.click_rates.get(candidate.platform, DEFAULT_CLICK_RATE))
    items = [{"type": d.type, "count": d.count, "price": prices[d.type]} for d in deliverables]
    premium = float(settings.exclusivity_premium) if spec.exclusive_categories else 0.0
    cost = sum(item["price"] * item["count"] for item in items) * (1 + premium)
    basis = {
        "views": views_b,
        "engagements": engagements_b,
        "clicks": {"rate": click_rate},
        "cost": {"items": items, "exclusivity_premium": premium},
        "deliverables": pieces,
    }
    return Forecast(views=views, engagements=engagements, clicks=views * click_rate, cost=cost, basis=basis)
