"""Test data of the campaigns app (helpers, not tests): a pool of KOLs and a campaign to plan.

Everything is deterministic: the i-th KOL of a pool always has the same followers, price,
audience and region, so a plan over the pool always chooses the same mix.
"""

import datetime
import json
from decimal import Decimal
from pathlib import Path

from kolops.campaigns import services
from kolops.kols import services as kol_services
from kolops.kols.models import Category, Channel

# docs/examples of the repository: the documented campaign and brief files.
EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def example(name: str) -> dict:
    """A documented example file, parsed (name: "campaign.json", "brief.json")."""
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


# (tier, followers, price in VND of one piece): one KOL of each tier in turn, smallest first.
TIER_LADDER = (
    ("nano", 5_000, 1_500_000),
    ("micro", 25_000, 4_000_000),
    ("mid", 150_000, 12_000_000),
    ("macro", 700_000, 30_000_000),
    ("mega", 1_200_000, 45_000_000),
)
# The piece each platform of the pool sells, as the brief of `make_campaign` asks for it.
PIECE = {"tiktok": "short_video", "facebook": "post", "instagram": "post", "youtube": "long_video"}
REGIONS = ("VN-SG", "VN-HN", "VN-DN")
VIETNAMESE_NAMES = (
    "Minh Anh",
    "Thu Trang",
    "Bảo Ngọc",
    "Khánh Linh",
    "Phương Thảo",
    "Hải Yến",
    "Quỳnh Chi",
    "Mai Phương",
    "Ngọc Hân",
    "Thanh Hà",
)


def make_pool(
    group,
    by,
    n: int = 10,
    *,
    platforms: tuple[str, ...] = ("tiktok", "facebook"),
    categories: tuple[str, ...] = ("beauty",),
    prefix: str = "pool",
    tiers: tuple[str, ...] | None = None,
    status: str = "active",
) -> list[Channel]:
    """`n` Vietnamese KOLs of `group` with one channel each, tiers nano → mega in turn (or only
    `tiers`), platforms alternating, each with a current VND price for the platform's piece,
    a mostly female 18–34 audience and a home region in Vietnam. Returns the channels."""
    ladder = [step for step in TIER_LADDER if tiers is None or step[0] in tiers]
    wanted = list(Category.objects.filter(slug__in=categories))
    status_data = (
        {"status": status, "blacklist_reason": "Vi phạm hợp đồng"} if status == "blacklisted" else {}
    )
    channels = []
    for i in range(n):
        _tier, followers, price = ladder[i % len(ladder)]
        followers += 100 * i  # distinct figures, same tier (up to n = 40)
        platform = platforms[i % len(platforms)]
        kol = kol_services.kol_create(
            by=by,
            group=group,
            data={
                "display_name": f"{VIETNAMESE_NAMES[i % len(VIETNAMESE_NAMES)]} {prefix}{i}",
                "home_region": REGIONS[i % len(REGIONS)],
                "kol_type": "kol",
                **status_data,
            },
            categories=wanted,
        )
        channel = kol_services.channel_create(
            by=by,
            kol=kol,
            data={
                "platform": platform,
                "handle": f"{prefix}.{i}",
                "followers": followers,
                "engagement_rate": Decimal("3.50") + Decimal(i % 4) / 2,
                "avg_views": followers // 5,
                "aud_female": Decimal(70 + i % 3 * 5),
                "aud_male": Decimal(30 - i % 3 * 5),
                "aud_age_18_24": Decimal(40),
                "aud_age_25_34": Decimal(35),
            },
        )
        kol_services.rate_card_save(
            by=by,
            channel=channel,
            data={
                "deliverable_type": PIECE[platform],
                "price": Decimal(price + 10_000 * i),
                "currency": "VND",
            },
        )
        channels.append(channel)
    return channels


def campaign_data(**overrides) -> dict:
    """The model fields of a VND engagement campaign for Vietnamese women on TikTok and Facebook."""
    return {
        "name": "Lotus Beauty – Son tint mùa hè",
        "objective": "engagement",
        "target_age_buckets": ["18_24", "25_34"],
        "target_gender": "female",
        "target_regions": ["VN"],
        "platforms": ["tiktok", "facebook"],
        "markets": ["VN"],
        "start_on": datetime.date(2027, 5, 1),
        "end_on": datetime.date(2027, 6, 30),
        "budget": Decimal(100_000_000),
        "currency": "VND",
        "reserve_percent": Decimal(10),
        **overrides,
    }


DELIVERABLES = [
    {"type": "short_video", "platform": "tiktok", "count": 1},
    {"type": "post", "platform": "facebook", "count": 1},
]


def make_campaign(by, organization, *, categories=("beauty",), brief: dict | None = None, **overrides):
    """A saved campaign of `organization` (see `campaign_data`) whose brief wants one short video
    on TikTok and one post on Facebook (or `brief`), through the services."""
    campaign = services.campaign_create(
        by=by,
        organization=organization,
        data=campaign_data(**overrides),
        categories=list(Category.objects.filter(slug__in=categories)),
    )
    services.brief_save(
        by=by,
        campaign=campaign,
        document=brief if brief is not None else {"deliverables": DELIVERABLES},
    )
    return campaign


# The `kolops plan --json` contract (the command's docstring), which the API's plans share.
PLAN_KEYS = {
    "objective",
    "currency",
    "budget",
    "reserve",
    "spent",
    "expected",
    "solver",
    "greedy",
    "objective_value",
    "items",
}
EXPECTED_KEYS = {"views", "engagements", "clicks"}
SOLVER_KEYS = {"status", "gap", "seconds", "message"}
GREEDY_KEYS = {"spent", "objective"}
ITEM_KEYS = {"channel_id", "kol", "platform", "tier", "cost", "expected", "fit"}
FIT_KEYS = {"total", "audience", "content", "performance", "cost", "reliability", "risk"}


def assert_plan_contract(plan: dict) -> None:
    """`plan` has every key of the contract, at every level (more keys are allowed)."""
    assert set(plan) >= PLAN_KEYS, PLAN_KEYS - set(plan)
    assert set(plan["expected"]) >= EXPECTED_KEYS
    assert set(plan["solver"]) >= SOLVER_KEYS
    assert set(plan["greedy"]) >= GREEDY_KEYS
    for item in plan["items"]:
        assert set(item) >= ITEM_KEYS, ITEM_KEYS - set(item)
        assert set(item["expected"]) >= EXPECTED_KEYS
        assert set(item["fit"]) >= FIT_KEYS
