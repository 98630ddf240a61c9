"""Pydantic schemas of the KOL database API (`kols.api`) and the `kolops search` command.

`ChannelFilters` is the list page's filter set as query parameters; `to_query()` turns it into
the shared `ChannelQuery`, so the page, the API and the CLI search alike. Shares and engagement
rates are percentages, given as JSON numbers; prices are decimal strings with their currency.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import AfterValidator, field_validator, model_validator
from pydantic_core import PydanticCustomError

from kolops.core.money import Currency, quantize
from kolops.core.numbers import MAX_BIGINT, Count, Id
from kolops.core.regions import REGIONS, is_known_region
from kolops.core.tiers import Tier

from .choices import AGE_BUCKETS, AGE_FIELDS, DeliverableType, ErBasis, KolStatus, KolType, Platform, RiskFlag
from .importers.validate import MAX_MONEY  # RateCard.price: 16 digits, 2 decimals
from .query import DEFAULT_SORT, SORTS, ChannelQuery
from .services import CHANNEL_FIELDS, KOL_FIELDS

AgeBucket = StrEnum("AgeBucket", {bucket: bucket for bucket, _label in AGE_BUCKETS})

# Bounds of the filters, so no value reaches a query that the columns cannot compare.
MAX_ER = Decimal(1000)  # engagement rate (%), as Channel.engagement_rate


def _percent():
    return Field(None, ge=0, le=100, description="Percent.")


def _known_regions(codes: list[str]) -> list[str]:
    unknown = [code for code in codes if code and not is_known_region(code)]
    if unknown:
        raise ValueError(
            _("unknown region code(s): %(codes)s (e.g. VN, VN-SG, CN-GD)") % {"codes": ", ".join(unknown)}
        )
    return codes


def _split_commas(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


# ---------------------------------------------------------------- search


class ChannelFilters(Schema):
    """Channel search filters: the list page's filters, under the same names.

    Repeatable parameters (`platform`, `category`, …) match any of their values; `tag` also
    takes comma-separated names. Empty parameters do not filter.
    """

    q: str = Field("", max_length=200, description="Words in names, handles, notes or tags.")
    platform: list[Platform] = Field([], description="Platforms (repeatable).")
    category: list[str] = Field([], description="Content category codes, e.g. beauty (repeatable).")
    tier: list[Tier] = Field([], description="Tiers (repeatable).")
    region: list[str] = Field([], description="Home regions; a country matches its provinces (repeatable).")
    kol_type: list[KolType] = Field([], description="KOL types (repeatable).")
    status: list[KolStatus] = Field([], description="KOL statuses (repeatable).")
    tag: list[str] = Field([], description="Tag names, any of them (repeatable or comma-separated).")
    min_followers: int | None = Field(None, ge=0, le=MAX_BIGINT)
    max_followers: int | None = Field(None, ge=0, le=MAX_BIGINT)
    min_er: Decimal | None = Field(
        None, ge=0, le=MAX_ER, decimal_places=6, description="Engagement rate from (%)."
    )
    max_er: Decimal | None = Field(
        None, ge=0, le=MAX_ER, decimal_places=6, description="Engagement rate to (%)."
    )
    price_deliverable: DeliverableType | None = Field(
        None, description="The deliverable a price filter applies to (any when empty)."
    )
    price_currency: Currency = Field(Currency.VND, description="Currency of min_price / max_price.")
    min_price: Decimal | None = Field(None, ge=0, le=MAX_MONEY, decimal_places=6)
    max_price: Decimal | None = Field(None, ge=0, le=MAX_MONEY, decimal_places=6)
    age: list[AgeBucket] = Field([], description="Audience age buckets whose shares add up (repeatable).")
    min_age_share: Decimal | None = Field(
        None, ge=0, le=100, decimal_places=6, description="Share (%) of those ages at least."
    )
    min_female: Decimal | None = Field(None, ge=0, le=100, decimal_places=6)
    min_male: Decimal | None = Field(None, ge=0, le=100, decimal_places=6)
    audience_region: str = Field("", description="Region code for min_region_share.")
    min_region_share: Decimal | None = Field(None, ge=0, le=100, decimal_places=6)
    verified: bool | None = None
    include_archived: bool = False
    sort: str = Field(DEFAULT_SORT, description=f"One of: {', '.join(SORTS)}.")

    @field_validator("category")
    @classmethod
    def _known_categories(cls, slugs: list[str]) -> list[str]:
        from .models import Category

        known = set(Category.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        unknown = [slug for slug in slugs if slug not in known]
        if unknown:
            valid = ", ".join(Category.objects.values_list("slug", flat=True))
            raise ValueError(
                _("unknown category: %(codes)s (valid: %(valid)s)")
                % {"codes": ", ".join(unknown), "valid": valid}
            )
        return slugs

    @field_validator("region")
    @classmethod
    def _known_home_regions(cls, codes: list[str]) -> list[str]:
        return _known_regions(codes)

    @field_validator("audience_region")
    @classmethod
    def _known_audience_region(cls, code: str) -> str:
        return _known_regions([code])[0]

    @field_validator("tag")
    @classmethod
    def _tags(cls, values: list[str]) -> list[str]:
        return _split_commas(values)

    @field_validator("sort")
    @classmethod
    def _sort(cls, value: str) -> str:
        if value not in SORTS:
            raise ValueError(
                _("unknown sort '%(sort)s' (valid: %(valid)s)") % {"sort": value, "valid": ", ".join(SORTS)}
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "ChannelFilters":
        for low, high in (
            ("min_followers", "max_followers"),
            ("min_er", "max_er"),
            ("min_price", "max_price"),
        ):
            lo, hi = getattr(self, low), getattr(self, high)
            if lo is not None and hi is not None and lo > hi:
                raise ValueError(_("%(high)s is below %(low)s") % {"high": high, "low": low})
        if self.min_age_share is not None and not self.age:
            raise ValueError(_("min_age_share needs the age buckets it applies to (age)"))
        if self.min_region_share is not None and not self.audience_region:
            raise ValueError(_("min_region_share needs the region it applies to (audience_region)"))
        return self

    def to_query(self) -> ChannelQuery:
        """These filters as the ChannelQuery every search reads."""
        return ChannelQuery(
            q=self.q,
            platforms=[str(p) for p in self.platform],
            categories=list(self.category),
            tiers=[str(t) for t in self.tier],
            regions=list(self.region),
            kol_types=[str(t) for t in self.kol_type],
            statuses=[str(s) for s in self.status],
            tags=list(self.tag),
            min_followers=self.min_followers,
            max_followers=self.max_followers,
            min_er=self.min_er,
            max_er=self.max_er,
            price_deliverable=str(self.price_deliverable or ""),
            price_currency=str(self.price_currency),
            min_price=self.min_price,
            max_price=self.max_price,
            age_buckets=[str(b) for b in self.age],
            min_age_share=self.min_age_share,
            min_female=self.min_female,
            min_male=self.min_male,
            audience_region=self.audience_region,
            min_region_share=self.min_region_share,
            verified=self.verified,
            include_archived=self.include_archived,
            sort=self.sort,
        )


# ---------------------------------------------------------------- output


class ChannelBrief(Schema):
    """A channel in one line: the `kolops search --json` contract, and the start of every channel."""

    id: int
    kol_id: int
    kol: str = Field(description="The KOL's display name.")
    platform: str
    handle: str
    followers: int
    tier: str
    engagement_rate: float | None = Field(description="Percent.")

    @staticmethod
    def resolve_kol(obj) -> str:
        return obj.kol_name


class ChannelOut(ChannelBrief):
    """A channel as search lists it: stats, the KOL's copied attributes and audience shares (%)."""

    url: str
    avg_views: int | None
    er_basis: str
    verified: bool
    kol_type: str
    kol_status: str
    home_region: str
    is_archived: bool
    aud_age_13_17: float | None
    aud_age_18_24: float | None
    aud_age_25_34: float | None
    aud_age_35_44: float | None
    aud_age_45_54: float | None
    aud_age_55_plus: float | None
    aud_female: float | None
    aud_male: float | None
    stats_updated_at: datetime | None
    audience_updated_at: datetime | None
    updated_at: datetime


class RegionShareOut(Schema):
    """Share (%) of a channel's audience in a country, province or city."""

    level: str
    region: str
    share: float


class RateOut(Schema):
    """A price on a channel's rate card, rounded to its currency's minor unit."""

    id: int
    deliverable_type: str
    price: Decimal = Field(description="Decimal string; VND has no minor unit.")
    currency: str
    valid_from: date | None
    valid_until: date | None
    note: str

    @staticmethod
    def resolve_price(obj) -> Decimal:
        return quantize(obj.price, obj.currency)


class ChannelDetailOut(ChannelOut):
    """A channel with its audience by region and its rate card."""

    region_shares: list[RegionShareOut]
    rates: list[RateOut]

    @staticmethod
    def resolve_region_shares(obj) -> list:
        return list(obj.region_shares.all())

    @staticmethod
    def resolve_rates(obj) -> list:
        return list(obj.rates.all())


class ChannelPageOut(Schema):
    """One page of a keyset-paged list: pass `next` back as `after` for the following page."""

    items: list[ChannelOut]
    next: str | None


class KolOut(Schema):
    """A KOL's own attributes."""

    id: int
    group: int = Field(description="The organization group whose pool the KOL is in.")
    display_name: str
    real_name: str
    kol_type: str
    home_region: str
    languages: list[str]
    agency: str
    manager_name: str
    contacts: dict[str, Any]
    notes: str
    status: str
    blacklist_reason: str
    risk_flags: list[str]
    categories: list[str] = Field(description="Category codes.")
    tags: list[str]
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_group(obj) -> int:
        return obj.group_id

    @staticmethod
    def resolve_categories(obj) -> list[str]:
        return [c.slug for c in obj.categories.all()]

    @staticmethod
    def resolve_tags(obj) -> list[str]:
        return [t.name for t in obj.tags.all()]


class KolDetailOut(KolOut):
    """A KOL with every channel, its audience and its rates."""

    channels: list[ChannelDetailOut]

    @staticmethod
    def resolve_channels(obj) -> list:
        return list(obj.channels.all())


class KolPageOut(Schema):
    """One page of KOLs: pass `next` back as `after` for the following page."""

    items: list[KolOut]
    next: str | None


class ErrorOut(Schema):
    """An error: a message, or field → messages for invalid input."""

    detail: Any


# ---------------------------------------------------------------- input
#
# Whole numbers in bodies are JSON integers within 64 bits: `true`, `1.5` or "1" are not.
# A change (PATCH) may leave a field out to keep its value; null is refused, by name, for
# fields whose column cannot be empty, and clears the ones that may be unknown.


def _storable_time(value: datetime) -> datetime:
    """A time both databases can store: it must stay within years 1–9999 in UTC."""
    try:
        (timezone.make_aware(value) if timezone.is_naive(value) else value).astimezone(UTC)
    except (OverflowError, ValueError):
        raise PydanticCustomError("datetime_range", _("This time is out of range.")) from None
    return value


Moment = Annotated[datetime, AfterValidator(_storable_time)]


def _without_default(schema: dict) -> None:
    schema.pop("default", None)


def _kept(**constraints):
    """A field a change may leave out (keeping its value) but not set to null."""
    return Field(None, json_schema_extra=_without_default, **constraints)


def _refuse_null(value):
    if value is None:
        raise PydanticCustomError("not_null", _("This field cannot be null: leave it out to keep its value."))
    return value


class ObjectIn(Schema):
    """An input that must be a JSON object.

    ninja's Schema reads the attributes of whatever it is given (to accept model rows), so a
    list, a string or a number sent in place of an object was read as an object with no fields:
    an empty change, answered 200. This refuses it (ninja hands it over wrapped for reading).
    """

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data):
        if not isinstance(data._obj if isinstance(data, DjangoGetter) else data, dict):
            raise PydanticCustomError("dict_type", _("Send a JSON object here."))
        return data


class RegionShareIn(ObjectIn):
    """Share (%) of the audience in a region; the level follows from the region code."""

    region: str = Field(min_length=1, max_length=12, description="Region code, e.g. VN, VN-SG, CN-GD.")
    share: Decimal = Field(ge=0, le=100, decimal_places=2)

    @field_validator("region")
    @classmethod
    def _region(cls, code: str) -> str:
        return _known_regions([code])[0]

    @property
    def level(self) -> str:
        return REGIONS[self.region].level


class RateIn(ObjectIn):
    """A price on a channel's rate card."""

    deliverable_type: DeliverableType
    price: Decimal = Field(ge=0, le=MAX_MONEY)
    currency: Currency
    valid_from: date | None = None
    valid_until: date | None = None
    note: str = Field("", max_length=300)

    def service_data(self) -> dict:
        return self.model_dump()


class _ChannelFields(ObjectIn):
    url: str = Field("", max_length=500)
    avg_views: Count | None = None
    engagement_rate: Decimal | None = Field(None, ge=0, le=MAX_ER, description="Percent.")
    er_basis: ErBasis = ErBasis.FOLLOWERS
    verified: bool = False
    stats_updated_at: Moment | None = None
    aud_age_13_17: Decimal | None = _percent()
    aud_age_18_24: Decimal | None = _percent()
    aud_age_25_34: Decimal | None = _percent()
    aud_age_35_44: Decimal | None = _percent()
    aud_age_45_54: Decimal | None = _percent()
    aud_age_55_plus: Decimal | None = _percent()
    aud_female: Decimal | None = _percent()
    aud_male: Decimal | None = _percent()


_AUDIENCE_FIELDS = (*AGE_FIELDS.values(), "aud_female", "aud_male")
_CHANNEL_DATA_FIELDS = (*CHANNEL_FIELDS, *_AUDIENCE_FIELDS)


class ChannelIn(_ChannelFields):
    """A new platform account of a KOL; `region_shares` and `rates` are optional."""

    platform: Platform
    handle: str = Field(min_length=1, max_length=200)
    followers: Count = 0
    region_shares: list[RegionShareIn] | None = None
    rates: list[RateIn] = []

    def service_data(self) -> dict:
        """The fields `channel_create` takes."""
        return self.model_dump(include=set(_CHANNEL_DATA_FIELDS))


class ChannelPatch(_ChannelFields):
    """Changes to a channel: only the fields given change; `region_shares` replaces them all.

    Null clears a figure that may be unknown (average views, engagement rate, audience shares).
    """

    platform: Platform = _kept()
    handle: str = _kept(min_length=1, max_length=200)
    followers: Count = _kept()
    url: str = _kept(max_length=500)
    er_basis: ErBasis = _kept()
    verified: bool = _kept()
    region_shares: list[RegionShareIn] = _kept(description="Replaces the channel's shares by region.")

    @field_validator(
        "platform", "handle", "followers", "url", "er_basis", "verified", "region_shares", mode="before"
    )
    @classmethod
    def _not_null(cls, value):
        return _refuse_null(value)

    def service_data(self) -> dict:
        """The given fields, in the shape `channel_update` takes."""
        return self.model_dump(include=set(_CHANNEL_DATA_FIELDS), exclude_unset=True)


class _KolFields(ObjectIn):
    real_name: str = Field("", max_length=200)
    kol_type: KolType = KolType.KOL
    home_region: str = ""
    languages: list[str] = Field([], description="Language codes, e.g. vi, zh, en.")
    agency: str = Field("", max_length=200)
    manager_name: str = Field("", max_length=200)
    contacts: dict[str, str] = Field({}, description="Contact details by channel: phone, email, zalo, …")
    notes: str = ""
    status: KolStatus = KolStatus.ACTIVE
    blacklist_reason: str = ""
    risk_flags: list[RiskFlag] = []
    categories: list[str] = Field([], description="Category codes.")
    tags: list[str] = []

    @field_validator("home_region")
    @classmethod
    def _home_region(cls, code: str) -> str:
        return _known_regions([code])[0] if code else code

    @field_validator("languages")
    @classmethod
    def _languages(cls, codes: list[str]) -> list[str]:
        codes = [c.strip().lower() for c in codes if c.strip()]
        bad = [c for c in codes if not c.replace("-", "").isalpha() or len(c) > 10]
        if bad:
            raise ValueError(_("Not language codes: %(codes)s.") % {"codes": ", ".join(bad)})
        return codes


class KolIn(_KolFields):
    """A new KOL, optionally with its channels. `group` defaults to your only editable group."""

    group: Id | None = Field(None, description="Organization id; the KOL joins that group's pool.")
    display_name: str = Field(min_length=1, max_length=200)
    channels: list[ChannelIn] = []

    def service_data(self) -> dict:
        """The fields `kol_create` takes."""
        return self.model_dump(include=set(KOL_FIELDS))


_KOL_PATCH_FIELDS = (*KOL_FIELDS, "categories", "tags", "archived")


class KolPatch(_KolFields):
    """Changes to a KOL: only the fields given change. `archived` archives or restores it.

    `categories` and `tags`, when given, replace the KOL's; `[]` and `""` clear a field.
    """

    display_name: str = _kept(min_length=1, max_length=200)
    real_name: str = _kept(max_length=200)
    kol_type: KolType = _kept()
    home_region: str = _kept()
    languages: list[str] = _kept(description="Language codes, e.g. vi, zh, en.")
    agency: str = _kept(max_length=200)
    manager_name: str = _kept(max_length=200)
    contacts: dict[str, str] = _kept(description="Contact details by channel: phone, email, zalo, …")
    notes: str = _kept()
    status: KolStatus = _kept()
    blacklist_reason: str = _kept()
    risk_flags: list[RiskFlag] = _kept()
    categories: list[str] = _kept(description="Category codes.")
    tags: list[str] = _kept()
    archived: bool = _kept()

    @field_validator(*_KOL_PATCH_FIELDS, mode="before")
    @classmethod
    def _not_null(cls, value):
        return _refuse_null(value)

    def service_data(self) -> dict:
        """The given fields, in the shape `kol_update` takes."""
        return self.model_dump(include=set(KOL_FIELDS), exclude_unset=True)
