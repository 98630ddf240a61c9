"""API schemas of campaigns, briefs, plans and proposals.

A campaign travels as the same `CampaignDocument` the CLI reads from files; a brief as the
`BriefDocument` of `campaigns.brief`.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from kolops.core.money import Currency
from kolops.core.numbers import Id
from kolops.core.tiers import Tier
from kolops.kols.choices import Platform

from .brief import (
    BriefDocument,
    CallToAction,
    Disclosure,
    Line,
    LocationTag,
    PostingWindow,
    Product,
    Proof,
    Text,
    UsageRightsWanted,
    WantedDeliverable,
)
from .choices import Decision, Market, Objective, ProductCategory
from .document import AudienceDocument, CampaignDocument, ConstraintsDocument, KpiDocument, Money, Name


class CampaignOut(CampaignDocument):
    """A saved campaign: its document with its id and status."""

    id: int
    status: str
    created_at: datetime
    updated_at: datetime


class CampaignSummaryOut(Schema):
    id: int
    name: str
    organization: int
    objective: str
    status: str
    start_on: str
    end_on: str
    budget: Decimal
    currency: str


class PlanExpected(Schema):
    views: int
    engagements: int
    clicks: int


class PlanFit(Schema):
    total: float
    audience: float
    content: float
    performance: float
    cost: float
    reliability: float
    risk: float


class PlanItemOut(Schema):
    channel_id: int
    kol: str
    platform: str
    tier: str
    cost: float
    expected: PlanExpected
    fit: PlanFit


class SolverOut(Schema):
    status: str = Field(description="optimal | time_limit | infeasible")
    gap: float = Field(description="Relative MIP gap (0.001 = 0.1 %).")
    seconds: float
    message: str


class GreedyOut(Schema):
    status: str
    spent: float
    objective: float


class PlanOut(Schema):
    """A plan, as `kolops plan --json` prints it."""

    objective: str
    currency: str
    budget: float
    reserve: float
    spent: float
    expected: PlanExpected
    solver: SolverOut
    greedy: GreedyOut
    objective_value: float
    candidates: int
    ineligible: dict[str, int]
    items: list[PlanItemOut]


class ProposalItemOut(Schema):
    id: int
    channel_id: int | None
    kol_id: int | None
    kol_name: str
    platform: str
    handle: str
    tier: str
    followers: int
    engagement_rate: Decimal | None
    cost: Decimal
    expected_views: int
    expected_engagements: int
    expected_clicks: int
    fit_total: float
    fit_audience: float
    fit_content: float
    fit_performance: float
    fit_cost: float
    fit_reliability: float
    fit_risk: float
    risk_flags: list[str]
    decision: str
    decision_comment: str
    decided_at: datetime | None


class ProposalOut(Schema):
    id: int
    campaign_id: int
    version: int
    status: str
    source: str
    currency: str
    solver_status: str
    submitted_at: datetime | None
    items: list[ProposalItemOut]


class ProposalSummaryOut(Schema):
    id: int
    version: int
    status: str
    source: str
    submitted_at: datetime | None


class DecisionIn(Schema):
    decision: Decision = Field(description="approved | rejected")
    comment: str = ""


# ---------------------------------------------------------------- partial updates (PATCH)


class CampaignPatch(Schema):
    """Changes to a campaign: only the fields given change. Objects (`audience`, `kpi`,
    `brief`, `constraints`) merge key by key into the current ones; lists and values replace.
    The result must be a valid campaign document. `organization` moves the campaign to another
    organization of its group."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    objective: Objective | None = None
    organization: Id | None = Field(None, description="Organization id (of the campaign's group).")
    description: Annotated[str, StringConstraints(max_length=5000)] | None = None
    audience: AudienceDocument | None = None
    categories: list[Annotated[str, StringConstraints(max_length=40)]] | None = None
    platforms: list[Platform] | None = None
    markets: list[Market] | None = None
    tiers: list[Tier] | None = None
    start_on: date | None = None
    end_on: date | None = None
    budget: Money | None = None
    currency: Currency | None = None
    reserve_percent: Annotated[Decimal, Field(ge=0, le=90)] | None = None
    max_fee_per_kol: Money | None = None
    kpi: KpiDocument | None = None
    brief: BriefDocument | None = None
    constraints: ConstraintsDocument | None = None

    def changes(self) -> dict:
        """The fields given, as JSON values (what `campaign_patch` merges)."""
        return self.model_dump(mode="json", exclude_unset=True, exclude={"organization"})


class BriefPatch(Schema):
    """Changes to a brief: only the fields given change; objects (`product`, `cta`,
    `location_tag`, `usage_rights`) merge key by key, lists and values replace. The result must
    be a valid brief."""

    model_config = ConfigDict(extra="forbid")

    product: Product | None = None
    key_messages: list[Line] | None = None
    dos: list[Line] | None = None
    donts: list[Line] | None = None
    forbidden_words: list[Line] | None = None
    required_hashtags: list[Line] | None = None
    required_mentions: list[Line] | None = None
    cta: CallToAction | None = None
    location_tag: LocationTag | None = None
    disclosure: list[Disclosure] | None = None
    product_category: ProductCategory | None = None
    proofs: list[Proof] | None = None
    deliverables: list[WantedDeliverable] | None = None
    draft_due_on: date | None = None
    posting_window: PostingWindow | None = None
    usage_rights: UsageRightsWanted | None = None
    notes: Text | None = None

    def changes(self) -> dict:
        """The fields given, as JSON values (what `brief_patch` merges)."""
        return self.model_dump(mode="json", exclude_unset=True)
