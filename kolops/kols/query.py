"""The search a user can make over channels: one plain description shared by the list page,
the REST API and the `kolops search` command, so the three can never disagree.
"""

from dataclasses import dataclass, field
from decimal import Decimal

# Sort keys users may choose: key → (model field, descending).
SORTS: dict[str, tuple[str, bool]] = {
    "-followers": ("followers", True),
    "followers": ("followers", False),
    "-engagement_rate": ("engagement_rate", True),
    "engagement_rate": ("engagement_rate", False),
    "-avg_views": ("avg_views", True),
    "avg_views": ("avg_views", False),
    "kol_name": ("kol_name", False),
    "-kol_name": ("kol_name", True),
    "-updated_at": ("updated_at", True),
}
DEFAULT_SORT = "-followers"
# The longest search text (`q`) the pages and the API take.
MAX_SEARCH_TEXT = 200


@dataclass
class ChannelQuery:
    """Combinable filters over channels. Empty fields do not filter.

    Shares and engagement rates are in percent. A price filter applies to current rates of
    `price_deliverable` (any deliverable when empty), converted into `price_currency`.
    """

    q: str = ""
    platforms: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)  # category slugs; any of them
    tiers: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)  # home region codes; a country matches its provinces
    kol_types: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # any of them
    min_followers: int | None = None
    max_followers: int | None = None
    min_er: Decimal | None = None
    max_er: Decimal | None = None
    price_deliverable: str = ""
    price_currency: str = "VND"
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    age_buckets: list[str] = field(default_factory=list)  # their shares are added up
    min_age_share: Decimal | None = None
    min_female: Decimal | None = None
    min_male: Decimal | None = None
    audience_region: str = ""
    min_region_share: Decimal | None = None
    verified: bool | None = None
    include_archived: bool = False
    sort: str = DEFAULT_SORT
