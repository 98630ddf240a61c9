"""The plain data the planning engines take and give back.

Money is `float` inside the engines, already converted into the campaign currency by the
service; the service turns results back into `Decimal` for storage and display.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RatePrice:
    """A current rate-card price of a channel, converted into the campaign currency."""

    deliverable_type: str  # kols.choices.DeliverableType value
    price: float


@dataclass(frozen=True)
class History:
    """What past bookings of this channel's KOL tell (empty until bookings exist)."""

    bookings: int = 0  # completed bookings
    on_time: int = 0  # of those, delivered on time
    first_pass: int = 0  # of those, first draft approved
    no_shows: int = 0  # bookings the KOL did not deliver at all
    rating: float | None = None  # internal rating 0–5, when rated
    posts: int = 0  # measured posts behind `views_per_post` and `engagements_per_post`
    views_per_post: float | None = None
    engagements_per_post: float | None = None


@dataclass(frozen=True)
class Candidate:
    """One channel that may be proposed, with everything matching and forecast read."""

    channel_id: int
    kol_id: int
    kol_name: str
    platform: str
    handle: str
    tier: str
    followers: int
    engagement_rate: float | None  # percent, on `er_basis`
    er_basis: str  # followers | reach | views
    avg_views: int | None
    categories: frozenset[str]  # category slugs of the KOL
    home_region: str  # e.g. "VN-SG", "CN", ""
    kol_status: str  # active | paused | blacklisted
    risk_flags: tuple[str, ...] = ()
    # Audience shares in percent; None when unknown.
    age_shares: dict[str, float | None] = field(default_factory=dict)  # bucket ("18_24") → %
    female: float | None = None
    male: float | None = None
    region_shares: dict[str, float] = field(default_factory=dict)  # region code → %
    # Largest week-over-week follower growth seen in the recent history (0.35 = +35 %), if known.
    max_weekly_growth: float | None = None
    rates: tuple[RatePrice, ...] = ()
    history: History = field(default_factory=History)


@dataclass(frozen=True)
class Deliverable:
    """What the brief wants from each KOL: `count` pieces of `type`, on `platform` ("" = any)."""

    type: str
    count: int = 1
    platform: str = ""


@dataclass(frozen=True)
class Audience:
    """The campaign's target audience. Empty means "no preference" on that dimension."""

    age_buckets: frozenset[str] = frozenset()  # subset of kols.choices.AGE_BUCKETS keys
    gender: str = ""  # "", "female" or "male"
    regions: frozenset[str] = frozenset()  # "VN", "VN-SG", "CN-GD": a code holds its subdivisions


@dataclass(frozen=True)
class Quota:
    """Bounds on a group of chosen items (a tier, a platform or a category). None = no bound.

    Shares are fractions (0.2 = 20 %) of the plannable budget (budget − reserve).
    """

    min_count: int | None = None
    max_count: int | None = None
    min_share: float | None = None
    max_share: float | None = None


@dataclass(frozen=True)
class CampaignSpec:
    """The campaign as the engines see it: target, hard filters, deliverables, money, quotas."""

    objective: str  # campaigns.choices.Objective value
    currency: str
    budget: float
    reserve_share: float = 0.0  # fraction kept back (0.1 = 10 %)
    audience: Audience = field(default_factory=Audience)
    categories: frozenset[str] = frozenset()  # wanted content categories; empty = any
    platforms: frozenset[str] = frozenset()  # empty = any
    markets: frozenset[str] = frozenset()  # country codes "VN", "CN"; empty = any
    tiers: frozenset[str] = frozenset()  # empty = any
    max_fee_per_kol: float | None = None
    deliverables: tuple[Deliverable, ...] = ()
    tier_quotas: dict[str, Quota] = field(default_factory=dict)
    platform_quotas: dict[str, Quota] = field(default_factory=dict)
    category_quotas: dict[str, Quota] = field(default_factory=dict)
    allow_multiple_channels_per_kol: bool = False
    must_include: frozenset[int] = frozenset()  # channel ids
    exclude: frozenset[int] = frozenset()  # channel ids
    # Category exclusivity: the brand wants the KOLs exclusive in these categories, so KOLs who
    # work with competitors are left out and the fee carries the exclusivity premium.
    exclusive_categories: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Settings:
    """The thresholds the engines read (Django settings, passed in so the engines stay pure)."""

    # objective → {part: weight}; parts: audience, content, performance, cost, reliability, risk
    weights: dict[str, dict[str, float]]
    # platform → tier → engagement rate in percent (by followers)
    er_benchmarks: dict[str, dict[str, float]]
    # platform → views per post as a fraction of followers
    view_rates: dict[str, float]
    # platform → clicks per view
    click_rates: dict[str, float]
    # deliverable type → views of one piece relative to a post (a story reaches fewer)
    deliverable_view_factors: dict[str, float]
    # platform → deliverable type wanted when the brief names none
    default_deliverables: dict[str, str]
    history_prior_posts: float = 5.0  # shrinkage strength: benchmark counts as this many posts
    stats_posts: float = 12.0  # posts the channel's own average views / ER stand for
    neutral: float = 0.5  # a part's score when there is no data
    risk_flag_penalty: float = 0.25
    growth_spike_threshold: float = 0.3  # weekly growth above this is a suspicious spike
    growth_spike_penalty: float = 0.4
    exclusivity_premium: float = 0.3  # +30 % fee for category exclusivity
    time_limit_seconds: float = 2.0
    mip_rel_gap: float = 0.001


@dataclass(frozen=True)
class FitScore:
    """A candidate's fit: each part in 0–1 and the weighted total in 0–1, with the reasons."""

    total: float
    audience: float
    content: float
    performance: float
    cost: float
    reliability: float
    risk: float
    notes: tuple[str, ...] = ()  # message ids explaining neutral / penalised parts


@dataclass(frozen=True)
class Forecast:
    """Expected results and cost of the wanted deliverables on one channel, with the basis."""

    views: float
    engagements: float
    clicks: float
    cost: float
    # How each figure was reached: plain data (numbers and keys), turned into words by the pages.
    basis: dict


@dataclass(frozen=True)
class Option:
    """One item the optimizer may choose: a candidate's value and cost and its groups."""

    key: int  # channel id
    value: float  # expected outcome × fit
    cost: float
    kol_id: int
    tier: str
    platform: str
    categories: frozenset[str]
    forced: bool = False  # must be included


@dataclass(frozen=True)
class Solution:
    """What the optimizer chose and how sure it is."""

    chosen: tuple[int, ...]  # option keys
    status: str  # "optimal" | "time_limit" | "infeasible"
    objective: float
    spent: float
    gap: float  # relative MIP gap (0.001 = 0.1 %); 0 when optimal
    seconds: float
    message: str  # English, for logs and the CLI; "" when optimal. Pages word it from `failure`.
    # When infeasible: which constraint cannot be met, as plain data, e.g.
    # {"kind": "tier", "group": "macro", "bound": "min_count", "limit": 3, "available": 1}.
    # kind: budget | must_include | tier | platform | category | kol; bound: min_count |
    # max_count | min_share | max_share (absent for budget / must_include / kol).
    failure: dict | None = None
