"""Planning against the database: load the candidates of a campaign, run the pure pipeline.

One code path for the proposal page, the API and `kolops plan`: a campaign (saved, or read
from a file) becomes a `CampaignDocument`, the document a `records.CampaignSpec`, the KOL
database a list of `records.Candidate`, and `planning.plan` does the rest.

A plan draws from one organization group's channels only: the campaign's group (the root of
the organization the document names), never every group the user can see.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from kolops.accounts.models import Organization
from kolops.core.money import convert, quantize
from kolops.core.permissions import group_ids_for
from kolops.kols.choices import KolStatus
from kolops.kols.models import AudienceRegionShare, Category, Channel, FollowerSnapshot
from kolops.kols.query import ChannelQuery
from kolops.kols.selectors import channel_search, current_rates

from .document import CampaignDocument, ConstraintsDocument, QuotaDocument
from .messages import plan_failure_message
from .models import Campaign
from .planning import plan as pipeline
from .planning.forecast import deliverables_for
from .planning.records import (
    Audience,
    CampaignSpec,
    Candidate,
    Deliverable,
    History,
    Quota,
    RatePrice,
    Settings,
)

CHUNK = 2000  # ids per IN (…) when reading rates, regions and snapshots of candidates
GROWTH_WEEKS = 13  # the follower history read for growth spikes


def engine_settings(**overrides) -> Settings:
    """The engines' thresholds, from Django settings (every threshold is a setting)."""
    s = django_settings
    return Settings(
        weights=s.KOLOPS_MATCH_WEIGHTS,
        er_benchmarks=s.KOLOPS_ER_BENCHMARKS,
        view_rates=s.KOLOPS_VIEW_RATES,
        click_rates=s.KOLOPS_CLICK_RATES,
        deliverable_view_factors=s.KOLOPS_DELIVERABLE_VIEW_FACTORS,
        default_deliverables=s.KOLOPS_DEFAULT_DELIVERABLES,
        **{**s.KOLOPS_PLANNING, **overrides},
    )


# ---------------------------------------------------------------- campaign → spec


def campaign_document(campaign: Campaign) -> CampaignDocument:
    """A saved campaign as the document the CLI reads and the API returns."""
    brief = getattr(campaign, "brief", None)
    return CampaignDocument.model_validate(
        {
            "name": campaign.name,
            "objective": campaign.objective,
            "organization": campaign.organization_id,
            "description": campaign.description,
            "audience": {
                "age_buckets": campaign.target_age_buckets,
                "gender": campaign.target_gender,
                "regions": campaign.target_regions,
            },
            "categories": [c.slug for c in campaign.categories.all()],
            "platforms": campaign.platforms,
            "markets": campaign.markets,
            "tiers": campaign.tiers,
            "start_on": campaign.start_on,
            "end_on": campaign.end_on,
            "budget": campaign.budget,
            "currency": campaign.currency,
            "reserve_percent": campaign.reserve_percent,
            "max_fee_per_kol": campaign.max_fee_per_kol,
            "kpi": {
                "views": campaign.target_views,
                "engagements": campaign.target_engagements,
                "clicks": campaign.target_clicks,
                "leads": campaign.target_leads,
                "conversions": campaign.target_conversions,
                "max_cpm": campaign.max_cpm,
                "max_cpe": campaign.max_cpe,
            },
            "brief": brief.document if brief else {},
            "constraints": campaign.constraints or {},
        }
    )


def _quota(doc: QuotaDocument) -> Quota:
    share = lambda v: None if v is None else float(v) / 100  # noqa: E731 - percent → fraction
    return Quota(doc.min_count, doc.max_count, share(doc.min_share), share(doc.max_share))


def campaign_spec(doc: CampaignDocument) -> CampaignSpec:
    """The engines' view of a campaign document."""
    constraints = doc.constraints
    return CampaignSpec(
        objective=doc.objective,
        currency=doc.currency,
        budget=float(doc.budget),
        reserve_share=float(doc.reserve_percent) / 100,
        audience=Audience(
            age_buckets=frozenset(doc.audience.age_buckets),
            gender=doc.audience.gender,
            regions=frozenset(doc.audience.regions),
        ),
        categories=frozenset(doc.categories),
        platforms=frozenset(doc.platforms),
        markets=frozenset(doc.markets),
        tiers=frozenset(doc.tiers),
        max_fee_per_kol=None if doc.max_fee_per_kol is None else float(doc.max_fee_per_kol),
        deliverables=tuple(
            Deliverable(type=d.type, count=d.count, platform=d.platform or "") for d in doc.brief.deliverables
        ),
        tier_quotas={k: _quota(v) for k, v in constraints.tiers.items()},
        platform_quotas={k: _quota(v) for k, v in constraints.platforms.items()},
        category_quotas={k: _quota(v) for k, v in constraints.categories.items()},
        allow_multiple_channels_per_kol=constraints.allow_multiple_channels_per_kol,
        must_include=frozenset(constraints.must_include),
        exclude=frozenset(constraints.exclude),
        exclusive_categories=frozenset(constraints.exclusive_categories),
    )


def plan_group_id(*, user, doc: CampaignDocument) -> int:
    """The organization group whose channels a plan of `doc` draws from: the group of the
    organization the document names, or the user's only group when it names none.

    Raises ValidationError when the organization is unknown or outside the user's groups (one
    answer for both, so it does not tell whether it exists), or when the document names none
    and the user sees several groups.
    """
    visible = group_ids_for(user, "campaigns.view")
    if doc.organization is None:
        if len(visible) == 1:
            return next(iter(visible))
        raise ValidationError(
            {
                "organization": [
                    _("Say which organization the campaign belongs to: its group's KOLs are planned.")
                ]
            }
        )
    organization = Organization.objects.filter(pk=doc.organization).first()
    group_id = (organization.group_id or organization.pk) if organization else None
    if group_id not in visible:
        raise ValidationError(
            {"organization": [_("Organization %(id)s is not one of your groups.") % {"id": doc.organization}]}
        )
    return group_id


def channels_outside_group(group_id: int, constraints: ConstraintsDocument) -> dict[str, list[str]]:
    """Errors naming the must-include and excluded channel ids that are not channels of the
    organization group `group_id`, by list ("must_include", "exclude"); empty when all are.

    Another group's channel and an id that is no channel at all get the same answer, so the
    answer does not tell whether a channel exists elsewhere.
    """
    lists = {"must_include": constraints.must_include, "exclude": constraints.exclude}
    named = sorted({pk for ids in lists.values() for pk in ids})
    if not named:
        return {}
    own = set(Channel.objects.filter(group_id=group_id, pk__in=named).values_list("pk", flat=True))
    errors = {}
    for key, ids in lists.items():
        if outside := sorted({pk for pk in ids if pk not in own}):
            errors[key] = [
                _("These channels are not KOLs of the campaign's group: %(ids)s.")
                % {"ids": ", ".join(str(pk) for pk in outside)}
            ]
    return errors


def unknown_categories(doc: CampaignDocument) -> list[str]:
    """Category codes the document names that the database does not know."""
    named = set(doc.categories) | set(doc.constraints.categories) | set(doc.constraints.exclusive_categories)
    known = set(Category.objects.filter(slug__in=named).values_list("slug", flat=True))
    return sorted(named - known)


# ---------------------------------------------------------------- database → candidates

AGE_BUCKET_KEYS = ("13_17", "18_24", "25_34", "35_44", "45_54", "55_plus")
CANDIDATE_FIELDS = (
    "id",
    "kol_id",
    "kol_name",
    "platform",
    "handle",
    "tier",
    "followers",
    "er_basis",
    "avg_views",
    "category_mask",
    "home_region",
    "kol_status",
    "kol__risk_flags",
)
# Percent columns read as floats by the database: turning ~300,000 Decimals into floats in
# Python cost a second at 18,000 candidates (make bench).
FLOAT_COLUMNS = {
    "er": "engagement_rate",
    "female": "aud_female",
    "male": "aud_male",
    **{f"age_{bucket}": f"aud_age_{bucket}" for bucket in AGE_BUCKET_KEYS},
}


def _rows(queryset) -> list[dict]:
    floats = {alias: Cast(column, FloatField()) for alias, column in FLOAT_COLUMNS.items()}
    return list(queryset.values(*CANDIDATE_FIELDS, **floats))


def _eligible_query(spec: CampaignSpec) -> ChannelQuery:
    """The hard filters an index can serve; matching re-checks them on every candidate."""
    return ChannelQuery(
        platforms=sorted(spec.platforms),
        categories=sorted(spec.categories),
        tiers=sorted(spec.tiers),
        regions=sorted(spec.markets),
        statuses=[KolStatus.ACTIVE],
    )


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _rates_by_channel(ids: list[int], currency: str) -> dict[int, list[RatePrice]]:
    rates: dict[int, list[RatePrice]] = defaultdict(list)
    for chunk in _chunks(ids):
        rows = current_rates().filter(channel_id__in=chunk)
        for channel_id, kind, price, source in rows.values_list(
            "channel_id", "deliverable_type", "price", "currency"
        ):
            rates[channel_id].append(RatePrice(kind, float(convert(price, source, currency))))
    return rates


def _regions_by_channel(ids: list[int]) -> dict[int, dict[str, float]]:
    regions: dict[int, dict[str, float]] = defaultdict(dict)
    for chunk in _chunks(ids):
        rows = AudienceRegionShare.objects.filter(channel_id__in=chunk)
        for channel_id, region, share in rows.values_list("channel_id", "region", "share"):
            regions[channel_id][region] = float(share)
    return regions


def _weekly_growth(ids: list[int]) -> dict[int, float]:
    """The largest rise from one follower snapshot to the next (a week apart) per channel."""
    since = timezone.localdate() - timedelta(weeks=GROWTH_WEEKS)
    growth: dict[int, float] = {}
    for chunk in _chunks(ids):
        rows = (
            FollowerSnapshot.objects.filter(channel_id__in=chunk, taken_on__gte=since)
            .order_by("channel_id", "taken_on")
            .values_list("channel_id", "followers")
        )
        previous: tuple[int, int] | None = None
        for channel_id, followers in rows:
            if previous and previous[0] == channel_id and previous[1] > 0:
                rise = (followers - previous[1]) / previous[1]
                growth[channel_id] = max(growth.get(channel_id, rise), rise)
            previous = (channel_id, followers)
    return growth


@dataclass(frozen=True)
class Loaded:
    """The candidates of a campaign, and how many channels were left out already while loading."""

    candidates: list[Candidate]
    ineligible: dict[str, int]


def _wanted_types(spec: CampaignSpec, settings: Settings, platform: str) -> set[str]:
    # deliverables_for reads only the channel's platform.
    return {d.type for d in deliverables_for(SimpleNamespace(platform=platform), spec, settings)}


def load_candidates(
    *, user, group_id: int, spec: CampaignSpec, settings: Settings, limit: int | None = None
) -> Loaded:
    """The channels of the organization group `group_id` (the campaign's; none if `user` may
    not see it) that pass the campaign's hard filters and have a current price for every
    deliverable the brief wants of them, plus its must-include channels of that group whatever
    the filters, as engine candidates with rates in the campaign currency. Another group's
    channel is never a candidate, even when the user sees that group or names its id.

    Channels without such a price are counted as "no_rate" and not read further: they cannot
    be costed, and they are most of the hard-filter matches in a large pool.
    """
    limit = limit or django_settings.KOLOPS_PLAN_MAX_CANDIDATES
    eligible = channel_search(user=user, query=_eligible_query(spec), group_id=group_id)
    if spec.exclude:
        eligible = eligible.exclude(pk__in=sorted(spec.exclude))
    # Unordered unless the pool is larger than the cap: then the largest channels are kept.
    rows = _rows(eligible[: limit + 1])
    if len(rows) > limit:
        rows = _rows(eligible.order_by("-followers", "pk")[:limit])
    seen = {row["id"] for row in rows}
    if forced := sorted(spec.must_include - seen):
        own = Channel.objects.for_user(user).filter(group_id=group_id, is_archived=False)
        rows += _rows(own.filter(pk__in=forced))
    rates = _rates_by_channel([row["id"] for row in rows], spec.currency)
    wanted = {
        platform: _wanted_types(spec, settings, platform) for platform in {row["platform"] for row in rows}
    }
    priced = [
        row
        for row in rows
        if row["id"] in spec.must_include
        or (
            wanted[row["platform"]] <= {rate.deliverable_type for rate in rates.get(row["id"], ())}
            and wanted[row["platform"]]
        )
    ]
    ids = [row["id"] for row in priced]
    regions = _regions_by_channel(ids)
    growth = _weekly_growth(ids)
    slugs = {c.bit: c.slug for c in Category.objects.all()}
    candidates = [_candidate(row, slugs, rates, regions, growth) for row in priced]
    unpriced = len(rows) - len(priced)
    return Loaded(candidates, {pipeline.NO_RATE: unpriced} if unpriced else {})


def _candidate(row: dict, slugs: dict[int, str], rates, regions, growth) -> Candidate:
    mask = row["category_mask"]
    return Candidate(
        channel_id=row["id"],
        kol_id=row["kol_id"],
        kol_name=row["kol_name"],
        platform=row["platform"],
        handle=row["handle"],
        tier=row["tier"],
        followers=row["followers"],
        engagement_rate=row["er"],
        er_basis=row["er_basis"],
        avg_views=row["avg_views"],
        categories=frozenset(slug for bit, slug in slugs.items() if mask >> bit & 1),
        home_region=row["home_region"],
        kol_status=row["kol_status"],
        risk_flags=tuple(row["kol__risk_flags"] or ()),
        age_shares={bucket: row[f"age_{bucket}"] for bucket in AGE_BUCKET_KEYS},
        female=row["female"],
        male=row["male"],
        region_shares=regions.get(row["id"], {}),
        max_weekly_growth=growth.get(row["id"]),
        rates=tuple(rates.get(row["id"], ())),
        history=History(),
    )


# ---------------------------------------------------------------- running a plan


def plan_document(
    *,
    user,
    doc: CampaignDocument,
    group_id: int | None = None,
    settings: Settings | None = None,
) -> pipeline.PlanOutcome:
    """Plan `doc` over the channels of one organization group, `group_id` (a saved campaign's
    group) or else that of the organization `doc` names (`plan_group_id`); nothing is saved.

    Must-include or excluded channels that are not that group's are refused, naming them
    (ValidationError).
    """
    if group_id is None:
        group_id = plan_group_id(user=user, doc=doc)
    if errors := channels_outside_group(group_id, doc.constraints):
        raise ValidationError(errors)
    spec, settings = campaign_spec(doc), settings or engine_settings()
    loaded = load_candidates(user=user, group_id=group_id, spec=spec, settings=settings)
    return pipeline.plan(loaded.candidates, spec, settings, ineligible=loaded.ineligible)


def score_document(
    *, user, doc: CampaignDocument, group_id: int, picked: set[int] = frozenset()
) -> pipeline.Scoring:
    """Score every candidate of `doc` among the channels of the group `group_id` (and
    hand-picked channels of it: another group's are not found), without choosing a mix."""
    spec, settings = pipeline.with_must_include(campaign_spec(doc), set(picked)), engine_settings()
    loaded = load_candidates(user=user, group_id=group_id, spec=spec, settings=settings)
    return pipeline.score_all(loaded.candidates, spec, settings, ineligible=loaded.ineligible)


def money(value: float, currency: str) -> Decimal:
    """An engine float as money in `currency` (VND has no minor unit)."""
    return quantize(Decimal(str(round(value, 2))), currency)


def _expected(forecast) -> dict:
    return {
        "views": round(forecast.views),
        "engagements": round(forecast.engagements),
        "clicks": round(forecast.clicks),
    }


def _fit(fit) -> dict:
    parts = ("total", "audience", "content", "performance", "cost", "reliability", "risk")
    return {part: round(getattr(fit, part), 4) for part in parts}


def plan_json(outcome: pipeline.PlanOutcome, doc: CampaignDocument) -> dict:
    """The plan as the CLI and the API print it (the `kolops plan --json` contract)."""
    chosen = outcome.chosen()
    solution, greedy = outcome.solution, outcome.greedy
    totals = {"views": 0, "engagements": 0, "clicks": 0}
    items = []
    for s in chosen:
        expected = _expected(s.forecast)
        for key in totals:
            totals[key] += expected[key]
        items.append(
            {
                "channel_id": s.candidate.channel_id,
                "kol": s.candidate.kol_name,
                "platform": s.candidate.platform,
                "tier": s.candidate.tier,
                "cost": float(money(s.forecast.cost, doc.currency)),
                "expected": expected,
                "fit": _fit(s.fit),
            }
        )
    return {
        "objective": doc.objective,
        "currency": doc.currency,
        "budget": float(doc.budget),
        "reserve": float(money(outcome.reserve, doc.currency)),
        "spent": float(money(solution.spent, doc.currency)),
        "expected": totals,
        "solver": {
            "status": solution.status,
            "gap": solution.gap,
            "seconds": round(solution.seconds, 3),
            # Worded in the active language; the engine's English is for logs.
            "message": plan_failure_message(solution, doc.currency)
            if solution.status == "infeasible"
            else solution.message,
        },
        "greedy": {
            "status": greedy.status,
            "spent": float(money(greedy.spent, doc.currency)),
            "objective": round(greedy.objective, 4),
        },
        "objective_value": round(solution.objective, 4),
        "candidates": len(outcome.scoring.scored),
        "ineligible": outcome.scoring.ineligible,
        "items": items,
    }
