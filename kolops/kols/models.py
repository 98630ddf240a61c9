"""The KOL database: KOLs, their channels (platform accounts), audiences, rates and history.

Search reads the `Channel` row alone: the KOL attributes people filter on (type, status, home
region, categories, name) are copied onto every channel of the KOL by `kols.services`, and
audience shares per standard bucket live as columns, so one composite index serves a query.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kolops.accounts.models import Organization
from kolops.core.models import TimeStamped
from kolops.core.money import Currency
from kolops.core.permissions import OrgScopedQuerySet
from kolops.core.tiers import Tier

from .choices import (
    ContactChannel,
    DeliverableType,
    ErBasis,
    ImportStatus,
    KolStatus,
    KolType,
    Platform,
    RegionLevel,
    SeedLabel,
)

PERCENT = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
# The channel's audience-share columns, in the order the search indexes carry them.
AUDIENCE_COLUMNS = (
    *("aud_female", "aud_male", "aud_age_13_17", "aud_age_18_24"),
    *("aud_age_25_34", "aud_age_35_44", "aud_age_45_54", "aud_age_55_plus"),
)


def percent_field(verbose_name):
    """A share in percent, 0–100 with two decimals; empty when unknown."""
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=2, null=True, blank=True, validators=PERCENT
    )


class Category(models.Model):
    """A content category (beauty, food, …). Extensible; each owns one bit of a channel's mask."""

    slug = models.SlugField(_("code"), max_length=40, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=80)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    bit = models.PositiveSmallIntegerField(
        unique=True,
        validators=[MaxValueValidator(62)],
        help_text=_("Position in the channel's category mask (0–62)."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["bit"]

    def __str__(self) -> str:
        return self.name()

    def name(self, language: str | None = None) -> str:
        """The category's name in `language` (the active language by default)."""
        from django.utils.translation import get_language

        language = (language or get_language() or "en").lower()
        if language.startswith("vi"):
            return self.name_vi
        if language.startswith("zh"):
            return self.name_zh
        return self.name_en

    @property
    def mask(self) -> int:
        return 1 << self.bit


class Tag(models.Model):
    """A free label on KOLs, shared inside a group; matched case- and accent-insensitively."""

    group = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=60)
    key = models.CharField(max_length=60)

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "group"
    permission_area = "kols"

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["group", "key"], name="tag_unique_in_group")]

    def __str__(self) -> str:
        return self.name


class Kol(TimeStamped):
    """A creator the group works with or may work with, with all their platform accounts."""

    group = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="kols", verbose_name=_("group")
    )
    display_name = models.CharField(_("display name"), max_length=200)
    real_name = models.CharField(_("real name"), max_length=200, blank=True)
    kol_type = models.CharField(_("type"), max_length=20, choices=KolType.choices, default=KolType.KOL)
    categories = models.ManyToManyField(Category, blank=True, verbose_name=_("content categories"))
    home_region = models.CharField(_("home region"), max_length=12, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    agency = models.CharField(_("agency"), max_length=200, blank=True)
    manager_name = models.CharField(_("manager"), max_length=200, blank=True)
    contacts = models.JSONField(
        _("contact channels"),
        default=dict,
        blank=True,
        help_text=_("Contact details by channel: phone, e-mail, Zalo, WeChat, Line, …"),
    )
    tags = models.ManyToManyField(Tag, blank=True, verbose_name=_("tags"))
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=KolStatus.choices, default=KolStatus.ACTIVE)
    blacklist_reason = models.TextField(_("blacklist reason"), blank=True)
    risk_flags = models.JSONField(_("risk flags"), default=list, blank=True)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "group"
    permission_area = "kols"

    class Meta:
        verbose_name = _("KOL")
        verbose_name_plural = _("KOLs")
        ordering = ["display_name"]
        indexes = [models.Index(fields=["group", "display_name"])]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("kols:detail", args=[self.pk])

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Channel(TimeStamped):
    """One platform account of a KOL, with its reach, engagement, tier and audience.

    `tier` is derived from `followers` by the active tier scheme. The `kol_*`, `home_region`,
    `category_mask` and `search_text` columns are copies of the KOL's attributes kept in step by
    `kols.services`, so a search needs no join.
    """

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="channels")
    group = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    handle = models.CharField(_("handle"), max_length=200)
    handle_key = models.CharField(max_length=200, editable=False)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    followers = models.BigIntegerField(_("followers"), default=0, validators=[MinValueValidator(0)])
    avg_views = models.BigIntegerField(
        _("average views"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    engagement_rate = models.DecimalField(
        _("engagement rate (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
    )
    er_basis = models.CharField(
        _("engagement basis"), max_length=20, choices=ErBasis.choices, default=ErBasis.FOLLOWERS
    )
    verified = models.BooleanField(_("verified"), default=False)
    stats_updated_at = models.DateTimeField(_("stats updated"), null=True, blank=True)
    tier = models.CharField(_("tier"), max_length=10, choices=Tier.choices, default=Tier.KOC)

    # Audience: share in percent of the channel's audience per standard bucket.
    aud_age_13_17 = percent_field(_("age 13–17 %"))
    aud_age_18_24 = percent_field(_("age 18–24 %"))
    aud_age_25_34 = percent_field(_("age 25–34 %"))
    aud_age_35_44 = percent_field(_("age 35–44 %"))
    aud_age_45_54 = percent_field(_("age 45–54 %"))
    aud_age_55_plus = percent_field(_("age 55+ %"))
    aud_female = percent_field(_("female %"))
    aud_male = percent_field(_("male %"))
    audience_updated_at = models.DateTimeField(_("audience updated"), null=True, blank=True)

    # Copies of the KOL's searchable attributes (kept in step by kols.services).
    kol_name = models.CharField(max_length=200, editable=False, default="")
    kol_type = models.CharField(max_length=20, choices=KolType.choices, editable=False, default="kol")
    kol_status = models.CharField(
        max_length=20, choices=KolStatus.choices, editable=False, default=KolStatus.ACTIVE
    )
    home_region = models.CharField(max_length=12, editable=False, blank=True)
    category_mask = models.BigIntegerField(editable=False, default=0)
    search_text = models.TextField(editable=False, blank=True)
    is_archived = models.BooleanField(editable=False, default=False)

    seed_label = models.CharField(
        _("demo label"), max_length=30, choices=SeedLabel.choices, blank=True, default=""
    )
    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "search_text",
            "kol_name",
            "kol_type",
            "kol_status",
            "home_region",
            "category_mask",
            "is_archived",
        ]
    )

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "group"
    permission_area = "kols"

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(fields=["group", "platform", "handle_key"], name="channel_unique_handle")
        ]
        # Every search filters on (group, is_archived). Each index then leads with a column a
        # search narrows by or sorts on, ending in the sort key and id for keyset pages. The
        # common filter columns trail the first six, so SQLite and PostgreSQL reject a row from
        # the index alone and a page or a capped count reads only the rows that match.
        # PostgreSQL also gets DESC NULLS LAST twins of the nullable sorts (migration 0004).
        # The indexes searches combine most (by followers, platform, tier, platform and tier)
        # carry the audience shares too, so audience filters are checked in the index and only
        # the rows that pass reach the region-share and price subqueries (migration 0007).
        indexes = [
            models.Index(
                fields=[
                    *("group", "is_archived", "followers", "id", "platform", "tier", "kol_type"),
                    *("kol_status", "home_region", "category_mask", "engagement_rate", "verified"),
                    *AUDIENCE_COLUMNS,
                ],
                name="ch_followers",
            ),
            models.Index(
                fields=[
                    *("group", "is_archived", "platform", "followers", "id", "tier", "kol_type"),
                    *("kol_status", "home_region", "category_mask", "engagement_rate", "verified"),
                    *AUDIENCE_COLUMNS,
                ],
                name="ch_platform",
            ),
            models.Index(
                fields=[
                    *("group", "is_archived", "tier", "followers", "id", "platform", "kol_type"),
                    *("kol_status", "home_region", "category_mask", "engagement_rate", "verified"),
                    *AUDIENCE_COLUMNS,
                ],
                name="ch_tier",
            ),
            models.Index(
                fields=[
                    *("group", "is_archived", "platform", "tier", "followers", "id", "kol_type"),
                    *("kol_status", "home_region", "category_mask", "engagement_rate", "verified"),
                    *AUDIENCE_COLUMNS,
                ],
                name="ch_platform_tier",
            ),
            models.Index(
                fields=[
                    *("group", "is_archived", "kol_type", "followers", "id", "platform", "tier"),
                    *("kol_status", "home_region", "category_mask", "engagement_rate", "verified"),
                ],
                name="ch_type",
            ),
            models.Index(
                fields=[
                    *("group", "is_archived", "home_region", "followers", "id", "platform", "tier"),
                    *("kol_type", "kol_status", "category_mask", "engagement_rate", "verified"),
                ],
                name="ch_region",
            ),
            models.Index(
                fields=[
                    *("group", "is_archived", "engagement_rate", "id", "followers", "platform", "tier"),
                    *("kol_type", "kol_status", "home_region", "category_mask", "verified"),
                ],
                name="ch_er",
            ),
            models.Index(fields=["group", "is_archived", "avg_views", "id"], name="ch_views"),
            models.Index(fields=["group", "is_archived", "kol_name", "id"], name="ch_name"),
            models.Index(fields=["group", "is_archived", "updated_at", "id"], name="ch_updated"),
            # Audience filters: female share first (the one most searches set), then the rest.
            models.Index(
                fields=[
                    *("group", "is_archived", "aud_female", "id", "aud_age_13_17", "aud_age_18_24"),
                    *("aud_age_25_34", "aud_age_35_44", "aud_age_45_54", "aud_age_55_plus", "aud_male"),
                ],
                name="ch_audience",
            ),
            # A KOL's channels; the tag filter reaches channels through it.
            models.Index(
                fields=[
                    *("kol", "group", "is_archived", "followers", "id", "platform", "tier", "kol_type"),
                    *("kol_status", "home_region", "category_mask", "engagement_rate", "verified"),
                ],
                name="ch_kol",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kol_name or self.kol_id} · {self.get_platform_display()} @{self.handle}"


class AudienceRegionShare(models.Model):
    """Share (percent) of a channel's audience in a country, province or city."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="region_shares")
    level = models.CharField(_("level"), max_length=10, choices=RegionLevel.choices)
    region = models.CharField(_("region"), max_length=12)
    share = models.DecimalField(_("share %"), max_digits=5, decimal_places=2, validators=PERCENT)

    class Meta:
        verbose_name = _("audience region share")
        verbose_name_plural = _("audience region shares")
        constraints = [models.UniqueConstraint(fields=["channel", "region"], name="one_share_per_region")]
        indexes = [models.Index(fields=["region", "share", "channel"], name="aud_region_share")]

    def __str__(self) -> str:
        return f"{self.region}: {self.share}%"


class RateCard(TimeStamped):
    """A channel's price for one deliverable type, in one currency, for a validity period."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="rates")
    deliverable_type = models.CharField(_("deliverable"), max_length=20, choices=DeliverableType.choices)
    price = models.DecimalField(
        _("price"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        indexes = [
            # Both carry what the price filter reads (price, currency, validity): no row lookups.
            models.Index(
                fields=["channel", "deliverable_type", "currency", "price", "valid_from", "valid_until"],
                name="rate_channel",
            ),
            models.Index(
                fields=["deliverable_type", "currency", "price", "valid_from", "valid_until", "channel"],
                name="rate_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_deliverable_type_display()}: {self.price} {self.currency}"


class FollowerSnapshot(models.Model):
    """A channel's follower count on one day (the follower-growth chart reads these)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="snapshots")
    taken_on = models.DateField(_("date"))
    followers = models.BigIntegerField(_("followers"), validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("follower snapshot")
        verbose_name_plural = _("follower snapshots")
        ordering = ["taken_on"]
        constraints = [models.UniqueConstraint(fields=["channel", "taken_on"], name="one_snapshot_per_day")]

    def __str__(self) -> str:
        return f"{self.taken_on}: {self.followers}"


class ContactLog(models.Model):
    """One contact with a KOL: who, when, through which channel, what was said, what next."""

    kol = models.ForeignKey(Kol, on_delete=models.CASCADE, related_name="contacts_log")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    contacted_at = models.DateTimeField(_("when"))
    via = models.CharField(
        pgettext_lazy("contact method", "channel"), max_length=20, choices=ContactChannel.choices
    )
    summary = models.TextField(_("summary"))
    next_contact_on = models.DateField(_("next contact"), null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "kol__group"
    permission_area = "kols"

    class Meta:
        verbose_name = _("contact log entry")
        verbose_name_plural = _("contact log")
        ordering = ["-contacted_at"]
        indexes = [models.Index(fields=["kol", "-contacted_at"], name="contact_kol")]

    def __str__(self) -> str:
        return f"{self.contacted_at:%Y-%m-%d} {self.via}"


class SavedSearch(TimeStamped):
    """A named set of list filters a user keeps (stored as the list's query string)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    group = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    query = models.TextField(_("filters"))

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "group"
    permission_area = "kols"

    class Meta:
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ImportJob(TimeStamped):
    """An uploaded KOL file and what importing it did: progress, counts and row errors."""

    group = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    filename = models.CharField(_("file name"), max_length=255)
    dry_run = models.BooleanField(_("preview only"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrgScopedQuerySet.as_manager()
    org_group_field = "group"
    permission_area = "kols"

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status != ImportStatus.DONE else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))
