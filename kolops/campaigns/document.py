"""A campaign as a JSON document: the CLI's campaign files and the API's campaign bodies.

`CampaignDocument` holds everything a plan needs (target, filters, money, brief deliverables and
constraints), so `kolops plan --campaign-file` plans without saving anything. The format is
documented in docs/campaigns.md; docs/examples/campaign.json is a complete example.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from kolops.core.money import Currency
from kolops.core.numbers import Count, Id
from kolops.core.tiers import Tier
from kolops.kols.choices import AGE_FIELDS, Platform

from .brief import BriefDocument
from .choices import Gender, Market, Objective

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class QuotaDocument(_Strict):
    """Bounds on the chosen items of one tier, platform or category. Shares are percentages
    of the plannable budget (budget minus reserve)."""

    min_count: Count | None = None
    max_count: Count | None = None
    min_share: Annotated[Decimal, Field(ge=0, le=100)] | None = None
    max_share: Annotated[Decimal, Field(ge=0, le=100)] | None = None

    @model_validator(mode="after")
    def _ordered(self):
        if self.min_count is not None and self.max_count is not None and self.min_count > self.max_count:
            raise ValueError("min_count is larger than max_count")
        if self.min_share is not None and self.max_share is not None and self.min_share > self.max_share:
            raise ValueError("min_share is larger than max_share")
        return self


class ConstraintsDocument(_Strict):
    """What the optimizer must respect besides the budget."""

    tiers: dict[Tier, QuotaDocument] = {}
    platforms: dict[Platform, QuotaDocument] = {}
    categories: dict[Annotated[str, StringConstraints(max_length=40)], QuotaDocument] = {}
    allow_multiple_channels_per_kol: bool = False
    must_include: list[Id] = []
    exclude: list[Id] = []
    exclusive_categories: list[Annotated[str, StringConstraints(max_length=40)]] = []

    @model_validator(mode="after")
    def _lists_disjoint(self):
        both = set(self.must_include) & set(self.exclude)
        if both:
            raise ValueError(f"channels both included and excluded: {sorted(both)}")
        return self


class AudienceDocument(_Strict):
    """The target audience: age buckets (13_17 … 55_plus), gender, regions (VN, VN-SG, CN-GD …)."""

    age_buckets: list[str] = []
    gender: Gender = Gender.ANY
    regions: list[Annotated[str, StringConstraints(max_length=12)]] = []

    @field_validator("age_buckets")
    @classmethod
    def _known_buckets(cls, buckets: list[str]) -> list[str]:
        unknown = [b for b in buckets if b not in AGE_FIELDS]
        if unknown:
            raise ValueError(f"unknown age buckets {unknown}; use {list(AGE_FIELDS)}")
        return buckets


class KpiDocument(_Strict):
    """The campaign's targets and cost ceilings."""

    views: Count | None = None
    engagements: Count | None = None
    clicks: Count | None = None
    leads: Count | None = None
    conversions: Count | None = None
    max_cpm: Money | None = None
    max_cpe: Money | None = None


class CampaignDocument(_Strict):
    """A whole campaign: what `kolops plan --campaign-file` reads and the API accepts."""

    name: Name
    objective: Objective
    # Organization id: the API needs it to save; a plan draws on the KOLs of its group only
    # (left out, on the reader's only group).
    organization: Id | None = None
    description: Annotated[str, StringConstraints(max_length=5000)] = ""
    audience: AudienceDocument = AudienceDocument()
    categories: list[Annotated[str, StringConstraints(max_length=40)]] = []
    platforms: list[Platform] = []
    markets: list[Market] = []
    tiers: list[Tier] = []
    start_on: date
    end_on: date
    budget: Money
    currency: Currency = Currency.VND
    reserve_percent: Annotated[Decimal, Field(ge=0, le=90)] = Decimal(10)
    max_fee_per_kol: Money | None = None
    kpi: KpiDocument = KpiDocument()
    brief: BriefDocument = BriefDocument()
    constraints: ConstraintsDocument = ConstraintsDocument()

    @model_validator(mode="after")
    def _ends_after_start(self):
        if self.end_on < self.start_on:
            raise ValueError("the campaign ends before it starts")
        return self
