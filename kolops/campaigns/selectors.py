"""Reads of campaigns and proposals: lists, one campaign, and a proposal grouped by tier."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet

from kolops.core.money import convert
from kolops.core.tiers import Tier, tiers_in_scheme

from .choices import Decision
from .models import Campaign, Proposal, ProposalItem


def campaign_list(*, user, status: str = "", q: str = "") -> QuerySet:
    """Campaigns `user` may see, newest first, with their proposal counts."""
    qs = Campaign.objects.for_user(user).select_related("organization")
    if status:
        qs = qs.filter(status=status)
    if q.strip():
        qs = qs.filter(name__icontains=q.strip())
    return qs.annotate(proposal_count=Count("proposals"))


def campaign_detail(*, user, pk: int) -> Campaign:
    """One campaign with its brief, categories, attachments and proposal versions."""
    return (
        Campaign.objects.for_user(user)
        .select_related("organization", "brief", "created_by")
        .prefetch_related(
            "categories",
            "brief__attachments",
            Prefetch(
                "proposals",
                queryset=Proposal.objects.select_related("created_by", "submitted_by").annotate(
                    item_count=Count("items"),
                    approved_count=Count("items", filter=Q(items__decision=Decision.APPROVED)),
                    rejected_count=Count("items", filter=Q(items__decision=Decision.REJECTED)),
                ),
            ),
        )
        .get(pk=pk)
    )


def own_items(items: QuerySet) -> QuerySet:
    """The proposal items among `items` whose channel and KOL are of the campaign's own
    organization group (or were deleted since).

    Plans and picks only ever take the campaign group's channels; this keeps an item that
    names another group's KOL (made before planning was scoped to the group) from being shown,
    exported, copied or counted.
    """
    group = F("proposal__campaign__group_id")
    return items.filter(
        Q(channel__isnull=True) | Q(channel__group_id=group),
        Q(kol__isnull=True) | Q(kol__group_id=group),
    )


def approved_for_outreach(campaign: Campaign) -> list[ProposalItem]:
    """The campaign's approved proposal items, newest decision first: the KOLs outreach (the
    booking pipeline) starts from. A channel approved in several versions is listed once."""
    items = (
        own_items(ProposalItem.objects.filter(proposal__campaign=campaign, decision=Decision.APPROVED))
        .select_related("proposal", "decided_by")
        .order_by("-decided_at", "-id")
    )
    newest: dict[int, ProposalItem] = {}
    for item in items:
        newest.setdefault(item.channel_id or -item.pk, item)
    return list(newest.values())


def proposal_detail(*, user, pk: int) -> Proposal:
    """One proposal version with its campaign and items (those of the campaign's group,
    `own_items`): what its page, the API and the exports read."""
    return (
        Proposal.objects.for_user(user)
        .select_related("campaign", "campaign__organization", "created_by", "submitted_by")
        .prefetch_related(
            Prefetch("items", queryset=own_items(ProposalItem.objects.select_related("decided_by")))
        )
        .get(pk=pk)
    )


@dataclass
class Totals:
    """Sums over a set of items; CPM and CPE are ratios of the sums, never means of ratios."""

    count: int = 0
    cost: Decimal = Decimal(0)
    views: int = 0
    engagements: int = 0
    clicks: int = 0
    approved: int = 0
    rejected: int = 0

    def add(self, item: ProposalItem) -> None:
        self.count += 1
        self.cost += item.cost
        self.views += item.expected_views
        self.engagements += item.expected_engagements
        self.clicks += item.expected_clicks
        self.approved += item.decision == Decision.APPROVED
        self.rejected += item.decision == Decision.REJECTED

    @property
    def cpm(self) -> Decimal | None:
        return self.cost * 1000 / self.views if self.views else None

    @property
    def cpe(self) -> Decimal | None:
        return self.cost / self.engagements if self.engagements else None


@dataclass
class TierGroup:
    tier: str
    label: str
    items: list[ProposalItem] = field(default_factory=list)
    totals: Totals = field(default_factory=Totals)


@dataclass
class ProposalTable:
    """A proposal grouped by tier of the active scheme (largest first), with totals per tier,
    overall, and against the budget and its reserve."""

    proposal: Proposal
    groups: list[TierGroup]
    totals: Totals
    budget: Decimal
    reserve: Decimal
    plannable: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.plannable - self.totals.cost

    @property
    def over_budget(self) -> bool:
        return self.totals.cost > self.plannable


def proposal_table(proposal: Proposal) -> ProposalTable:
    """The comparison table of a proposal (reads its prefetched items only)."""
    order = tiers_in_scheme()
    items = sorted(
        proposal.items.all(),
        key=lambda i: (order.index(i.tier) if i.tier in order else len(order), -i.fit_total, i.pk or 0),
    )
    groups: dict[str, TierGroup] = {}
    totals = Totals()
    for item in items:
        group = groups.get(item.tier)
        if group is None:
            label = Tier(item.tier).label if item.tier in Tier.values else item.tier
            group = groups[item.tier] = TierGroup(item.tier, str(label))
        group.items.append(item)
        group.totals.add(item)
        totals.add(item)
    campaign = proposal.campaign

    def in_proposal_currency(amount: Decimal) -> Decimal:
        # The campaign's currency may have changed since this version was made.
        return convert(amount, campaign.currency, proposal.currency)

    return ProposalTable(
        proposal=proposal,
        groups=list(groups.values()),
        totals=totals,
        budget=in_proposal_currency(campaign.budget),
        reserve=in_proposal_currency(campaign.reserve_amount),
        plannable=in_proposal_currency(campaign.plannable_budget),
    )
