"""Choices of the campaigns app."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Objective(models.TextChoices):
    """What a campaign is for; it decides what the optimizer maximises and how fit is weighted."""

    AWARENESS = "awareness", _("Awareness")
    ENGAGEMENT = "engagement", _("Engagement")
    TRAFFIC = "traffic", _("Traffic")
    CONVERSION = "conversion", _("Conversion")
    LEADS = "leads", _("Leads")
    SALES = "sales", _("Sales")


class CampaignStatus(models.TextChoices):
    """A campaign's life: planned, run, closed. Changes go through `campaign_set_status`."""

    DRAFT = "draft", pgettext_lazy("campaign status", "Draft")
    PLANNING = "planning", _("Planning")
    RUNNING = "running", _("Running")
    CLOSED = "closed", _("Closed")


# Allowed status changes: from → to.
CAMPAIGN_TRANSITIONS = {
    CampaignStatus.DRAFT: {CampaignStatus.PLANNING, CampaignStatus.CLOSED},
    CampaignStatus.PLANNING: {CampaignStatus.DRAFT, CampaignStatus.RUNNING, CampaignStatus.CLOSED},
    CampaignStatus.RUNNING: {CampaignStatus.CLOSED},
    CampaignStatus.CLOSED: set(),
}


class Market(models.TextChoices):
    """Countries a campaign posts in (ISO 3166 codes); each has its own disclosure rules."""

    VN = "VN", _("Vietnam")
    CN = "CN", _("China")
    US = "US", _("United States")
    GB = "GB", _("United Kingdom")


class Gender(models.TextChoices):
    """The audience gender a campaign targets."""

    ANY = "", _("Any")
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")


class ProductCategory(models.TextChoices):
    """Product categories advertising law treats specially (the content review reads it)."""

    GENERAL = "general", _("General goods")
    COSMETICS = "cosmetics", _("Cosmetics")
    FOOD = "food", _("Food and drink")
    HEALTH_SUPPLEMENT = "health_supplement", _("Health supplement")
    MEDICINE = "medicine", _("Medicine")
    MEDICAL_DEVICE = "medical_device", _("Medical device")
    ALCOHOL = "alcohol", _("Alcohol")
    TOBACCO = "tobacco", _("Tobacco / e-cigarettes")
    INFANT_FORMULA = "infant_formula", _("Infant formula")
    FINANCE = "finance", _("Financial services")
    EDUCATION = "education", _("Education")
    REAL_ESTATE = "real_estate", _("Real estate")


class UsageRights(models.TextChoices):
    """How the brand may reuse a KOL's content (DOMAIN §6)."""

    NONE = "none", _("No reuse")
    ORGANIC = "organic", _("Organic reposting")
    PAID = "paid", _("Paid ads / whitelisting")
    FULL = "full", _("Full commercial use")


class ProposalStatus(models.TextChoices):
    """A proposal version: edited as a draft, submitted for approval, then decided."""

    DRAFT = "draft", pgettext_lazy("proposal status", "Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    DECIDED = "decided", _("Decided")
    SUPERSEDED = "superseded", _("Superseded")


class ProposalSource(models.TextChoices):
    """How a proposal version was made."""

    OPTIMIZER = "optimizer", _("Optimizer")
    MANUAL = "manual", _("Picked by hand")
    COPY = "copy", _("Copy of an earlier version")


class Decision(models.TextChoices):
    """A manager's decision on one proposed KOL."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SolverStatus(models.TextChoices):
    OPTIMAL = "optimal", _("Optimal")
    TIME_LIMIT = "time_limit", _("Time limit reached")
    INFEASIBLE = "infeasible", _("Infeasible")
