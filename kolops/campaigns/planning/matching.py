"""Matching: which channels may be proposed, and how well each fits the campaign (0–1).

Hard filters (`ineligible_reason`, `over_fee`) leave a channel out with a reason code. The fit
(`score`) has six parts, each in [0, 1] (1 = best), and their weighted mean by the objective's
weights in `Settings.weights`:

- audience: share of the channel's audience inside the target (product over the dimensions the
  campaign sets: age buckets, gender, regions); a dimension without data scores `neutral`.
- content: 0.7 for any category match + 0.3 × the share of the KOL's categories in the target.
- performance: own ER by followers / benchmark ER of the platform and tier, halved and clipped
  (benchmark → 0.5, twice the benchmark → 1).
- cost: median cost per result of the channel's peers / its own, halved and clipped (at the
  median → 0.5, half the median → 1); CPM for awareness, CPE for the other objectives.
- reliability: delivery record of past bookings, shrunk toward `neutral` by 2 bookings.
- risk: 1 minus a penalty per distinct risk flag and for a follower-growth spike.

Parts without data or with a penalty explain themselves in `FitScore.notes` (message ids the
pages word). Pure: no Django, no ORM.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import median

from .forecast import ER_ON_VIEWS, er_benchmark
from .records import Audience, CampaignSpec, Candidate, FitScore, Forecast, Settings

# Reason codes of `ineligible_reason`.
BLACKLISTED = "blacklisted"
STATUS = "status"
EXCLUDED = "excluded"
EXCLUSIVITY = "exclusivity"
PLATFORM = "platform"
TIER = "tier"
CATEGORY = "category"
MARKET = "market"

PARTS = ("audience", "content", "performance", "cost", "reliability", "risk")
# The objective whose cost is counted per thousand views; every other one per engagement.
CPM_OBJECTIVES = frozenset({"awareness"})
# What the optimizer maximises for each objective (campaigns.choices.Objective values).
OUTCOME_BY_OBJECTIVE = {
    "awareness": "views",
    "engagement": "engagements",
    "traffic": "clicks",
    "conversion": "clicks",
    "leads": "clicks",
    "sales": "clicks",
}
# Content: a match at all matters most; focus on the target categories adds the rest.
CONTENT_MATCH_WEIGHT = 0.7
CONTENT_FOCUS_WEIGHT = 0.3
# Reliability: a neutral prior worth this many bookings, so one good booking is not a record.
RELIABILITY_PRIOR_BOOKINGS = 2.0
COMPETITOR_FLAG = "competitor"


def clip(value: float, low: float = 0.0, high: float = 1.0) -> float:
    """`value` bounded to [low, high]."""
    return max(low, min(high, value))


def market_of(home_region: str) -> str:
    """The country part of a region code ("VN-SG" → "VN"); "" when the home region is unknown."""
    return home_region.split("-", 1)[0] if home_region else ""


def ineligible_reason(candidate: Candidate, spec: CampaignSpec) -> str | None:
    """Why the channel may not be proposed (a reason code), or None when it may.

    In this order: blacklisted KOLs never (even when must-include); a KOL not active (paused) →
    "status"; a channel the planner excluded → "excluded"; a KOL flagged as working with
    competitors when the brief asks for exclusivity → "exclusivity". Then, unless the channel is
    must-include, the brief's filters (each only when set): platform, tier, category (none of the
    KOL's categories wanted) and market (the country of the home region; unknown → "market").
    """
    if candidate.kol_status == "blacklisted":
        return BLACKLISTED
    if candidate.kol_status != "active":
        return STATUS
    if candidate.channel_id in spec.exclude:
        return EXCLUDED
    if spec.exclusive_categories and COMPETITOR_FLAG in candidate.risk_flags:
        return EXCLUSIVITY
    if candidate.channel_id in spec.must_include:
        return None
    if spec.platforms and candidate.platform not in spec.platforms:
        return PLATFORM
    if spec.tiers and candidate.tier not in spec.tiers:
        return TIER
    if spec.categories and not candidate.categories & spec.categories:
        return CATEGORY
    if spec.markets and market_of(candidate.home_region) not in spec.markets:
        return MARKET
    return None


def over_fee(forecast: Forecast, spec: CampaignSpec) -> bool:
    """True when the forecast cost exceeds the brief's maximum fee per KOL (if it sets one)."""
    return spec.max_fee_per_kol is not None and forecast.cost > spec.max_fee_per_kol


def unit_cost(forecast: Forecast, metric: str) -> float | None:
    """CPM (cost per 1,000 views) or CPE (cost per engagement); None without expected results."""
    if metric == "cpm":
        return forecast.cost / forecast.views * 1000 if forecast.views > 0 else None
    return forecast.cost / forecast.engagements if forecast.engagements > 0 else None


@dataclass(frozen=True)
class TierMedians:
    """Median CPE and CPM of the candidate pool per (platform, tier) and per tier (all platforms)."""

    cpe: dict[tuple[str, str], float] = field(default_factory=dict)
    cpm: dict[tuple[str, str], float] = field(default_factory=dict)
    tier_cpe: dict[str, float] = field(default_factory=dict)
    tier_cpm: dict[str, float] = field(default_factory=dict)

    def lookup(self, metric: str, platform: str, tier: str) -> float | None:
        """The (platform, tier) median of `metric` ("cpe" | "cpm"), else the tier's, else None."""
        by_pair, by_tier = (self.cpm, self.tier_cpm) if metric == "cpm" else (self.cpe, self.tier_cpe)
        found = by_pair.get((platform, tier))
        return found if found is not None else by_tier.get(tier)


def tier_medians(pairs: Iterable[tuple[Candidate, Forecast]]) -> TierMedians:
    """Median CPE and CPM per (platform, tier) and per tier over the costed candidates.

    Free channels (barter, zero cost) are left out: they would pull the median to 0 and make
    every paid channel look infinitely dear. A channel without expected views (engagements)
    has no CPM (CPE) and is left out of that median.
    """
    samples: dict[str, dict[tuple[str, str], list[float]]] = {
        "cpe": defaultdict(list),
        "cpm": defaultdict(list),
    }
    tier_samples: dict[str, dict[str, list[float]]] = {"cpe": defaultdict(list), "cpm": defaultdict(list)}
    for candidate, fc in pairs:
        if fc.cost <= 0:
            continue
        for metric in ("cpe", "cpm"):
            value = unit_cost(fc, metric)
            if value is not None:
                samples[metric][(candidate.platform, candidate.tier)].append(value)
                tier_samples[metric][candidate.tier].append(value)

    def medians_of(groups: dict) -> dict:
        return {key: median(values) for key, values in groups.items()}

    return TierMedians(
        cpe=medians_of(samples["cpe"]),
        cpm=medians_of(samples["cpm"]),
        tier_cpe=medians_of(tier_samples["cpe"]),
        tier_cpm=medians_of(tier_samples["cpm"]),
    )


def _inside(code: str, target: str) -> bool:
    """A region code lies inside a target that is itself or one of its parents ("VN" holds "VN-SG")."""
    return code == target or code.startswith(target + "-")


def audience_fit(candidate: Candidate, target: Audience, neutral: float) -> tuple[float, list[str]]:
    """Share of the audience inside the target: product over the dimensions the target sets.

    Age: Σ shares of the target buckets; gender: the share of that gender (100 − the other one
    when only that is known); regions: Σ shares of codes inside a target region (a share recorded
    for "VN" counts for a target "VN", not for "VN-SG", as it may lie anywhere in the country).
    A dimension without data contributes `neutral` and a note "audience_unknown:<dimension>".
    """
    fit, notes = 1.0, []
    if target.age_buckets:
        known = {bucket: share for bucket, share in candidate.age_shares.items() if share is not None}
        if known:
            fit *= clip(sum(known.get(bucket, 0.0) for bucket in target.age_buckets) / 100)
        else:
            fit, notes = fit * neutral, [*notes, "audience_unknown:age"]
    if target.gender in ("female", "male"):
        own, other = (candidate.female, candidate.male)
        if target.gender == "male":
            own, other = other, own
        if own is None and other is not None:
            own = 100 - other
        if own is not None:
            fit *= clip(own / 100)
        else:
            fit, notes = fit * neutral, [*notes, "audience_unknown:gender"]
    if target.regions:
        if candidate.region_shares:
            inside = sum(
                share or 0.0
                for code, share in candidate.region_shares.items()
                if any(_inside(code, region) for region in target.regions)
            )
            fit *= clip(inside / 100)
        else:
            fit, notes = fit * neutral, [*notes, "audience_unknown:region"]
    return fit, notes


def content_fit(candidate: Candidate, spec: CampaignSpec, neutral: float) -> tuple[float, list[str]]:
    """0.7 × (any wanted category) + 0.3 × (share of the KOL's categories that are wanted).

    No wanted categories → 1.0. A KOL without recorded categories (only a must-include one gets
    this far) scores `neutral`: unknown is not a mismatch. Categories but none wanted → 0.0.
    """
    if not spec.categories:
        return 1.0, []
    if not candidate.categories:
        return neutral, ["categories_unknown"]
    wanted = candidate.categories & spec.categories
    if not wanted:
        return 0.0, ["no_category_match"]
    return CONTENT_MATCH_WEIGHT + CONTENT_FOCUS_WEIGHT * len(wanted) / len(candidate.categories), []


def er_by_followers(candidate: Candidate) -> float | None:
    """The channel's ER (percent) by followers: a views/reach rate × average views / followers."""
    er = candidate.engagement_rate
    if er is None or candidate.er_basis not in ER_ON_VIEWS:
        return er
    if not candidate.avg_views or candidate.followers <= 0:
        return None
    return er * candidate.avg_views / candidate.followers


def performance_fit(candidate: Candidate, settings: Settings) -> tuple[float, list[str]]:
    """clip(own ER by followers / benchmark ER / 2): benchmark → 0.5, twice it → 1.

    Unknown ER → neutral ("er_unknown"); an ER on views without average views to convert it
    → neutral ("er_not_comparable"), as rates on different bases differ up to 3× (DOMAIN §2).
    """
    if candidate.engagement_rate is None:
        return settings.neutral, ["er_unknown"]
    own = er_by_followers(candidate)
    if own is None:
        return settings.neutral, ["er_not_comparable"]
    benchmark, _level = er_benchmark(settings, candidate.platform, candidate.tier)
    if benchmark <= 0:
        return settings.neutral, ["er_no_benchmark"]
    return clip(own / benchmark / 2), []


def cost_fit(
    candidate: Candidate, spec: CampaignSpec, fc: Forecast, medians: TierMedians, neutral: float
) -> tuple[float, list[str]]:
    """clip(peer median / own cost per result / 2): at the median → 0.5, half of it → 1.

    CPM for awareness, CPE otherwise; peers are the (platform, tier) median, else the tier's.
    Free → 1.0; paid with no expected result → 0.0 ("no_expected_results"); no peers → neutral
    ("cost_no_peers").
    """
    if fc.cost <= 0:
        return 1.0, []
    metric = "cpm" if spec.objective in CPM_OBJECTIVES else "cpe"
    own = unit_cost(fc, metric)
    if own is None:
        return 0.0, ["no_expected_results"]
    if own <= 0:  # a cost so small it rounds to nothing per view or engagement
        return 1.0, []
    peers = medians.lookup(metric, candidate.platform, candidate.tier)
    if peers is None:
        return neutral, ["cost_no_peers"]
    return clip(peers / own / 2), []


def reliability_fit(candidate: Candidate, neutral: float) -> tuple[float, list[str]]:
    """Delivery record of past bookings, shrunk toward neutral by a prior of 2 bookings.

    rate = (on time + first draft approved) / (2 · bookings) × (1 − no-shows / bookings),
    averaged with rating / 5 when rated; fit = (bookings · rate + 2 · neutral) / (bookings + 2).
    No bookings → neutral ("no_history"); any no-show adds "no_shows".
    """
    history = candidate.history
    if history.bookings <= 0:
        return neutral, ["no_history"]
    bookings = history.bookings
    rate = clip((history.on_time + history.first_pass) / (2 * bookings)) * clip(
        1 - history.no_shows / bookings
    )
    if history.rating is not None:
        rate = (rate + clip(history.rating / 5)) / 2
    prior = RELIABILITY_PRIOR_BOOKINGS
    fit = (bookings * rate + prior * neutral) / (bookings + prior)
    return fit, ["no_shows"] if history.no_shows > 0 else []


def risk_fit(candidate: Candidate, settings: Settings) -> tuple[float, list[str]]:
    """1 − penalty per distinct risk flag − the spike penalty above the growth threshold, in [0, 1]."""
    flags = sorted(set(candidate.risk_flags))
    fit = 1.0 - settings.risk_flag_penalty * len(flags)
    notes = [f"risk_flag:{flag}" for flag in flags]
    growth = candidate.max_weekly_growth
    if growth is not None and growth > settings.growth_spike_threshold:
        # A jump in followers without matching content is the classic sign of bought followers.
        fit -= settings.growth_spike_penalty
        notes.append("growth_spike")
    return clip(fit), notes


def weighted_total(parts: dict[str, float], weights: dict[str, float]) -> float:
    """Σ weight · part / Σ weights (missing or negative weights count 0); plain mean if all are 0."""
    used = {part: max(0.0, float(weights.get(part, 0.0))) for part in PARTS}
    total_weight = sum(used.values())
    if total_weight <= 0:
        return sum(parts.values()) / len(parts)
    return clip(sum(used[part] * parts[part] for part in PARTS) / total_weight)


def score(
    candidate: Candidate, spec: CampaignSpec, settings: Settings, forecast: Forecast, medians: TierMedians
) -> FitScore:
    """The channel's fit to the campaign: six parts in [0, 1] and their weighted mean.

    Weights are `settings.weights[spec.objective]`; see the module docstring and each
    `*_fit` function for the parts' rules. Notes list the message ids of neutral or penalised parts.
    """
    neutral = settings.neutral
    results = {
        "audience": audience_fit(candidate, spec.audience, neutral),
        "content": content_fit(candidate, spec, neutral),
        "performance": performance_fit(candidate, settings),
        "cost": cost_fit(candidate, spec, forecast, medians, neutral),
        "reliability": reliability_fit(candidate, neutral),
        "risk": risk_fit(candidate, settings),
    }
    parts = {part: value for part, (value, _notes) in results.items()}
    notes = tuple(note for _value, part_notes in results.values() for note in part_notes)
    total = weighted_total(parts, settings.weights.get(spec.objective, {}))
    return FitScore(total=total, notes=notes, **parts)


def objective_value(forecast: Forecast, fit: FitScore, objective: str) -> float:
    """The expected outcome the optimizer maximises, discounted by fit.

    awareness → views; engagement → engagements; traffic, conversion, leads, sales → clicks;
    × `fit.total`. An unknown objective is a programming error: ValueError.
    """
    try:
        outcome = OUTCOME_BY_OBJECTIVE[objective]
    except KeyError:
        raise ValueError(f"Unknown objective {objective!r}") from None
    return getattr(forecast, outcome) * fit.total
