"""The columns of a KOL file: one row per channel (platform account), KOL attributes repeated.

This list is the contract of import, export and the template download, and the source of the
table in docs/import-formats.md (`python -m kolops.kols.importers.columns` prints it; a test
keeps the document in step). Rows that share a `kol_name` in one file are channels of one KOL.
"""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from django.db import models
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from kolops.core.money import Currency

from ..choices import AGE_BUCKETS, DeliverableType, ErBasis, KolStatus, KolType, Platform, RiskFlag


class Kind(StrEnum):
    """How a cell is read."""

    TEXT = "text"
    INT = "integer"
    DECIMAL = "decimal"
    PERCENT = "percent"
    MONEY = "money"
    BOOL = "yes/no"
    CHOICE = "choice"
    CHOICE_LIST = "choice list"
    TEXT_LIST = "text list"
    CATEGORIES = "category list"
    LANGUAGES = "language list"
    REGION = "region"
    REGION_SHARES = "region shares"
    EMAIL = "e-mail"
    URL = "URL"


# Where a column's value goes. "kol:<field>" and "channel:<field>" are model fields,
# "contact:<kind>" a key of Kol.contacts, "rate:<deliverable>" a rate-card price.
KOL, CHANNEL, CONTACT, RATE = "kol", "channel", "contact", "rate"


@dataclass(frozen=True)
class Column:
    """One documented column of the KOL file."""

    name: str
    kind: Kind
    target: str
    meaning: Promise | str
    example: str = ""
    required: bool = False
    max_length: int | None = None
    max_value: int | None = None
    choices: type[models.TextChoices] | None = None
    aliases: tuple[str, ...] = ()

    @property
    def part(self) -> str:
        """`kol`, `channel`, `contact`, `rate`, or the target itself (regions, currency)."""
        return self.target.split(":", 1)[0]

    @property
    def field_name(self) -> str:
        """The model field, contact kind or deliverable type the column fills."""
        return self.target.split(":", 1)[-1]

    def allowed_values(self) -> list[str]:
        """The codes a choice column accepts (labels in any product language work too)."""
        return list(self.choices.values) if self.choices else []


def _lazy_format(message, **params) -> Promise:
    """`message % params`, translated when shown rather than when this module loads."""
    return lazy(lambda: str(message) % {k: str(v) for k, v in params.items()}, str)()


def _age_columns() -> list[Column]:
    return [
        Column(
            f"age_{bucket}",
            Kind.PERCENT,
            f"{CHANNEL}:aud_age_{bucket}",
            _lazy_format(_("Share of the audience aged %(ages)s, in percent."), ages=label),
            example={"18_24": "45", "25_34": "30"}.get(bucket, ""),
            max_value=100,
            aliases=(f"age_{label}".replace("–", "_"),),
        )
        for bucket, label in AGE_BUCKETS
    ]


_PRICE_EXAMPLES = {DeliverableType.POST: "8000000", DeliverableType.SHORT_VIDEO: "15000000"}

COLUMNS: list[Column] = [
    # The KOL (repeated on each of their channel rows).
    Column(
        "kol_name",
        Kind.TEXT,
        f"{KOL}:display_name",
        _("The KOL's display name. Rows with the same name in one file are channels of one KOL."),
        example="Linh Chi Beauty",
        required=True,
        max_length=200,
        aliases=("display_name",),
    ),
    Column(
        "real_name", Kind.TEXT, f"{KOL}:real_name", _("Real name."), "Nguyễn Thị Linh Chi", max_length=200
    ),
    Column(
        "kol_type",
        Kind.CHOICE,
        f"{KOL}:kol_type",
        _("Kind of creator; empty keeps the current type (kol for a new KOL)."),
        "celebrity",
        choices=KolType,
    ),
    Column(
        "categories",
        Kind.CATEGORIES,
        f"{KOL}:categories",
        _("Content categories: codes or names, separated by ; or ,."),
        "beauty;fashion",
    ),
    Column(
        "home_region",
        Kind.REGION,
        f"{KOL}:home_region",
        _("Where the KOL is based: a region code (VN, VN-SG, CN-GD-SZ …) or its name."),
        "VN-SG",
    ),
    Column(
        "languages",
        Kind.LANGUAGES,
        f"{KOL}:languages",
        _("Language codes the KOL creates in, separated by ; or ,."),
        "vi;en",
    ),
    Column(
        "agency", Kind.TEXT, f"{KOL}:agency", _("Agency representing the KOL."), "Sao Media", max_length=200
    ),
    Column(
        "manager",
        Kind.TEXT,
        f"{KOL}:manager_name",
        _("The KOL's manager or booking contact."),
        "Lê Văn An",
        max_length=200,
        aliases=("manager_name",),
    ),
    Column("phone", Kind.TEXT, f"{CONTACT}:phone", _("Phone number."), "+84 901 234 567", max_length=40),
    Column(
        "email", Kind.EMAIL, f"{CONTACT}:email", _("E-mail address."), "booking@example.com", max_length=254
    ),
    Column("zalo", Kind.TEXT, f"{CONTACT}:zalo", _("Zalo account."), "0901234567", max_length=100),
    Column("wechat", Kind.TEXT, f"{CONTACT}:wechat", _("WeChat ID."), "", max_length=100),
    Column("line", Kind.TEXT, f"{CONTACT}:line", _("Line ID."), "", max_length=100),
    Column(
        "tags",
        Kind.TEXT_LIST,
        f"{KOL}:tags",
        _("Free labels, separated by ; or , (each up to 60 characters)."),
        "skincare;tet-2026",
        max_length=60,
    ),
    Column("notes", Kind.TEXT, f"{KOL}:notes", _("Free notes."), "Thời trang, làm đẹp"),
    Column(
        "status",
        Kind.CHOICE,
        f"{KOL}:status",
        _("Whether the KOL can be proposed; empty keeps the current status (active for a new KOL)."),
        "active",
        choices=KolStatus,
    ),
    Column(
        "blacklist_reason",
        Kind.TEXT,
        f"{KOL}:blacklist_reason",
        _("Why the KOL is blacklisted (required when status is blacklisted)."),
    ),
    Column(
        "risk_flags",
        Kind.CHOICE_LIST,
        f"{KOL}:risk_flags",
        _("Reputation and audience risks, separated by ; or ,."),
        "",
        choices=RiskFlag,
    ),
    # The channel.
    Column(
        "platform",
        Kind.CHOICE,
        f"{CHANNEL}:platform",
        _("The platform of this channel."),
        "tiktok",
        required=True,
        choices=Platform,
    ),
    Column(
        "handle",
        Kind.TEXT,
        f"{CHANNEL}:handle",
        _("The account's handle (a leading @ is dropped). Platform + handle identify a channel."),
        "@linhchi.beauty",
        required=True,
        max_length=200,
    ),
    Column(
        "url",
        Kind.URL,
        f"{CHANNEL}:url",
        _("Link to the profile."),
        "https://www.tiktok.com/@linhchi.beauty",
        max_length=500,
    ),
    Column(
        "followers",
        Kind.INT,
        f"{CHANNEL}:followers",
        _("Followers (a whole number; 1,500,000 and 1.500.000 and 1.5M are read as 1500000)."),
        "1500000",
        required=True,
    ),
    Column("avg_views", Kind.INT, f"{CHANNEL}:avg_views", _("Average views per post or video."), "250000"),
    Column(
        "engagement_rate",
        Kind.DECIMAL,
        f"{CHANNEL}:engagement_rate",
        _("Engagement rate in percent (4.2 means 4.2 %)."),
        "4.2",
        max_value=1000,
        aliases=("er",),
    ),
    Column(
        "er_basis",
        Kind.CHOICE,
        f"{CHANNEL}:er_basis",
        _(
            "What the engagement rate is divided by; empty keeps the current basis (followers for a new channel)."
        ),
        "views",
        choices=ErBasis,
    ),
    Column(
        "verified",
        Kind.BOOL,
        f"{CHANNEL}:verified",
        _("Whether the platform verified the account (yes / no); empty keeps the current value."),
        "yes",
    ),
    *_age_columns(),
    Column(
        "female",
        Kind.PERCENT,
        f"{CHANNEL}:aud_female",
        _("Share of women in the audience, in percent."),
        "70",
        max_value=100,
    ),
    Column(
        "male",
        Kind.PERCENT,
        f"{CHANNEL}:aud_male",
        _("Share of men in the audience, in percent."),
        "30",
        max_value=100,
    ),
    Column(
        "audience_regions",
        Kind.REGION_SHARES,
        "regions",
        _(
            "Audience by region: code:percent pairs separated by ; (the level — country, province, "
            "city — comes from the region). Shares of one level add up to at most 100."
        ),
        "VN-SG:35;VN-HN:20",
    ),
    # Rate card.
    *[
        Column(
            f"price_{value}",
            Kind.MONEY,
            f"{RATE}:{value}",
            _lazy_format(
                _(
                    "Current price for: %(deliverable)s (in price_currency); empty leaves the rate card as it is."
                ),
                deliverable=label,
            ),
            _PRICE_EXAMPLES.get(value, ""),
        )
        for value, label in DeliverableType.choices
    ],
    Column(
        "price_currency",
        Kind.CHOICE,
        "currency",
        _("Currency of the prices on this row (required when a price is given)."),
        "VND",
        choices=Currency,
        aliases=("currency",),
    ),
]

COLUMN_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
REQUIRED: list[Column] = [c for c in COLUMNS if c.required]

_HEADER_SPACES = re.compile(r"[\s\-./]+")


def header_key(text) -> str:
    """The comparable form of a header cell: "Followers *", "FOLLOWERS" → "followers"."""
    text = unicodedata.normalize("NFC", str(text or "")).replace("\ufeff", "").strip()
    text = text.rstrip("*").strip().lower()
    return _HEADER_SPACES.sub("_", text).strip("_")


_HEADER_LOOKUP: dict[str, Column] = {}
for _column in COLUMNS:
    for _name in (_column.name, *_column.aliases):
        _HEADER_LOOKUP[header_key(_name)] = _column


def column_for_header(text) -> Column | None:
    """The column a header cell names, or None when it names none."""
    return _HEADER_LOOKUP.get(header_key(text))


def example_row() -> list[str]:
    """One example row, in column order (the template download's second row)."""
    return [column.example for column in COLUMNS]


def columns_markdown() -> str:
    """The column table of docs/import-formats.md, in English."""
    from django.utils import translation

    lines = [
        "| column | required | type | meaning | example |",
        "|---|---|---|---|---|",
    ]
    with translation.override("en"):
        for c in COLUMNS:
            kind = str(c.kind)
            if c.choices:
                kind += ": " + ", ".join(f"`{v}`" for v in c.allowed_values())
            if c.max_length:
                kind += f" (≤ {c.max_length} characters)"
            example = f"`{c.example}`" if c.example else ""
            meaning = str(c.meaning).replace("|", "\\|")
            lines.append(f"| `{c.name}` | {'yes' if c.required else ''} | {kind} | {meaning} | {example} |")
    return "\n".join(lines)


if __name__ == "__main__":  # pragma: no cover - a maintenance helper
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kolops.settings.dev")
    django.setup()
    print(columns_markdown())
