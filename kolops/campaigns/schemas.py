"""API schemas of campaigns, briefs, plans and proposals.

A campaign travels as the same `CampaignDocument` the CLI reads from files; a brief as the
`BriefDocument` of `campaigns.brief`.
"""

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from .choices import Decision
from .document import CampaignDocument


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
