"""The plain records the demo-data generator produces and the writer stores (no ORM)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal


@dataclass(slots=True)
class RegionShareSeed:
    """Share (percent) of a channel's audience in one country, province or city."""

    level: str
    region: str
    share: Decimal


@dataclass(slots=True)
class RateSeed:
    """One rate-card price: a deliverable type in the KOL's market currency."""

    deliverable_type: str
    price: Decimal
    currency: str
    valid_from: date | None
    valid_until: date | None
    note: str = ""


@dataclass(slots=True)
class ChannelSeed:
    """One platform account with its reach, engagement, audience, prices and history.

    `ages` maps an age bucket ("18_24") to its share; None when the audience is unknown.
    `snapshots` are weekly (date, followers) points, oldest first, ending at `followers`.
    """

    platform: str
    handle: str
    url: str
    followers: int
    avg_views: int | None
    engagement_rate: Decimal
    er_basis: str
    verified: bool
    stats_updated_at: datetime
    ages: dict[str, Decimal] | None = None
    female: Decimal | None = None
    male: Decimal | None = None
    audience_updated_at: datetime | None = None
    regions: list[RegionShareSeed] = field(default_factory=list)
    rates: list[RateSeed] = field(default_factory=list)
    snapshots: list[tuple[date, int]] = field(default_factory=list)
    seed_label: str = ""


@dataclass(slots=True)
class ContactSeed:
    """One contact log entry."""

    via: str
    summary: str
    contacted_at: datetime
    next_contact_on: date | None


@dataclass(slots=True)
class KolSeed:
    """A synthetic KOL: `index` is its position in the generated sequence (unique per run)."""

    index: int
    market: str
    display_name: str
    real_name: str
    kol_type: str
    home_region: str
    languages: list[str]
    agency: str
    manager_name: str
    contacts: dict[str, str]
    notes: str
    status: str
    blacklist_reason: str
    risk_flags: list[str]
    archived_at: datetime | None
    categories: list[str]
    tags: list[str]
    channels: list[ChannelSeed] = field(default_factory=list)
    contact_log: list[ContactSeed] = field(default_factory=list)
