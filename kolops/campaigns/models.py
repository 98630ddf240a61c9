"""Campaigns, their briefs, and the KOL proposals planned for them.

A campaign carries its target, hard filters, money and planning constraints; its brief is one
JSON document (`campaigns.brief.BriefDocument`) so the API, the CLI and later the content
review read the same thing. A proposal is a numbered version of a KOL list; its items keep a
snapshot of what the plan saw (followers, ER, cost, forecast, fit) so a decision can be read
later even after the channel's figures changed.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kolops.accounts.models import Organization
from kolops.core.models import TimeStamped
from kolops.core.money import Currency
from kolops.core.permissions import OrgScopedQuerySet
from kolops.core.tiers import Tier
from kolops.kols.choices import Platform
from kolops.kols.models import Category, Channel, Kol

from .choices import (
    CampaignStatus,
    Decision,
    Gender,
    Objective,
    ProposalSource,
    ProposalStatus,
    SolverStatus,
)

MONEY = {"max_digits": 18, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


def _count_field(verbose_name):
    return models.BigIntegerField(verbose_name, null=True, blank=True, validators=[MinValueValidator(0)])


class Campaign(TimeStamped):
    """A brand's campaign: objective, target audience, filters, timeline, budget and KPI targets.

    `constraints` holds the optimizer's quotas and lists (see `campaigns.constraints`).
    """

    group = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name=_("brand / organization"),
    )
    name = models.CharField(_("name"), max_length=200)
    objective = models.CharField(_("objective"), max_length=20, choices=Objective.choices)
    description = models.TextField(_("description"), blank=True)
    target_age_buckets = models.JSONField(_("target ages"), default=list, blank=True)
    target_gender = models.CharField(
        _("target gender"), max_length=10, choices=Gender.choices, default=Gender.ANY, blank=True
    )
    target_regions = models.JSONField(_("target regions"), default=list, blank=True)
    categories = models.ManyToManyField(Category, blank=True, verbose_name=_("content categories"))
    platforms = models.JSONField(_("platforms"), default=list, blank=True)
    markets = models.JSONField(_("markets"), default=list, blank=True)
    tiers = models.JSONField(_("tiers"), default=list, blank=True)
    start_on = models.DateField(_("start"))
    end_on = models.DateField(_("end"))
    budget = models.DecimalField(_("budget"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.VND)
    reserve_percent = models.DecimalField(
        _("reserve (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(10),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(90))],
        help_text=_("Share of the budget kept back for hot opportunities and rising KOLs."),
    )
    max_fee_per_kol = models.DecimalField(_("maximum fee per KOL"), null=True, blank=True, **MONEY)
    target_views = _count_field(_("views / reach target"))
    target_engagements = _count_field(_("engagements target"))
    target_clicks = _count_field(_("clicks target"))
    target_leads = _count_field(_("leads target"))
    target_conversions = _count_field(_("conversions target"))
    max_cpm = models.DecimalField(_("CPM ceiling"), null=True, blank=True, **MONEY)
    max_cpe = models.DecimalField(_("CPE ceiling"), null=True, blank=True, **MONEY)
    constraints = models.JSONField(_("planning constraints"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "group"
    permission_area = "campaigns"

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_on", "-id"]
        indexes = [models.Index(fields=["group", "status", "start_on"], name="campaign_group_status")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:detail", args=[self.pk])

    @property
    def reserve_amount(self) -> Decimal:
        return self.budget * self.reserve_percent / 100

    @property
    def plannable_budget(self) -> Decimal:
        return self.budget - self.reserve_amount


class Brief(TimeStamped):
    """What the brand asks of every KOL of a campaign, as one validated JSON document."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="brief")
    document = models.JSONField(_("brief"), default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "campaign__group"
    permission_area = "campaigns"

    class Meta:
        verbose_name = _("brief")
        verbose_name_plural = _("briefs")

    def __str__(self) -> str:
        return f"{self.campaign}"


class BriefAttachment(TimeStamped):
    """A file that goes with a brief: a product sheet, a mood board, a claim's proof."""

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="briefs/%Y/%m/")
    name = models.CharField(_("name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "brief__campaign__group"
    permission_area = "campaigns"

    class Meta:
        verbose_name = _("brief attachment")
        verbose_name_plural = _("brief attachments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Proposal(TimeStamped):
    """One numbered version of the KOLs proposed for a campaign, and its approval state.

    `plan` keeps what the optimizer reported (status, gap, seconds, greedy result, budget).
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="proposals")
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    source = models.CharField(_("made by"), max_length=20, choices=ProposalSource.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    solver_status = models.CharField(
        _("solver status"), max_length=20, choices=SolverStatus.choices, blank=True
    )
    plan = models.JSONField(default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "campaign__group"
    permission_area = "campaigns"

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["campaign", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "version"], name="one_proposal_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("campaigns:proposal", args=[self.pk])


class ProposalItem(TimeStamped):
    """A channel in a proposal: a snapshot of what the plan saw, its cost, forecast and fit,
    and the manager's decision."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    # SET_NULL: a deleted channel must not erase the decisions made on it (KPIs read them).
    channel = models.ForeignKey(Channel, on_delete=models.SET_NULL, null=True, related_name="+")
    kol = models.ForeignKey(Kol, on_delete=models.SET_NULL, null=True, related_name="+")
    kol_name = models.CharField(_("KOL"), max_length=200)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=200)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices)
    followers = models.BigIntegerField(_("followers"))
    engagement_rate = models.DecimalField(
        _("engagement rate (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    cost = models.DecimalField(_("cost"), **MONEY)
    expected_views = models.BigIntegerField(_("expected views"))
    expected_engagements = models.BigIntegerField(_("expected engagements"))
    expected_clicks = models.BigIntegerField(_("expected clicks"))
    fit_total = models.FloatField(_("fit"))
    fit_audience = models.FloatField(_("audience fit"))
    fit_content = models.FloatField(_("content fit"))
    fit_performance = models.FloatField(_("performance"))
    fit_cost = models.FloatField(_("cost efficiency"))
    fit_reliability = models.FloatField(_("reliability"))
    fit_risk = models.FloatField(_("risk"))
    fit_notes = models.JSONField(default=list, blank=True)
    basis = models.JSONField(default=dict, blank=True)
    risk_flags = models.JSONField(default=list, blank=True)
    past_rating = models.FloatField(_("past rating"), null=True, blank=True)
    value = models.FloatField(default=0.0)
    source = models.CharField(max_length=20, choices=ProposalSource.choices, default=ProposalSource.OPTIMIZER)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decision_comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "proposal__campaign__group"
    permission_area = "campaigns"

    class Meta:
        verbose_name = _("proposal item")
        verbose_name_plural = _("proposal items")
        ordering = ["proposal", "-value", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "channel"], name="one_item_per_channel")]

    def __str__(self) -> str:
        return f"{self.kol_name} · {self.get_platform_display()}"

    @property
    def cpm(self) -> Decimal | None:
        return self.cost * 1000 / self.expected_views if self.expected_views else None

    @property
    def cpe(self) -> Decimal | None:
        return self.cost / self.expected_engagements if self.expected_engagements else None
