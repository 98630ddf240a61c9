"""The demo-data generator: realistic synthetic KOLs for Vietnam and China, as plain records.

Pure Python (no ORM, no settings): `generate_kols(count, seed=…, today=…)` yields `KolSeed`
records. Distributions follow DOMAIN.md §2:

- followers: a log-normal body (median ≈ 4.8K) with a Pareto tail (α = 1 above 50K), which
  gives ≈ 80 % nano, ≈ 15 % micro and a few accounts over 1M under tier scheme A;
- engagement rate falls with followers (∝ followers^-0.17) and depends on the platform
  (TikTok ≈ 1.8×, Facebook ≈ 0.35× the base);
- prices grow with followers, in VND for Vietnam (≈ 0.8M at 5K up to 60M+ at 1M+, Height
  Media) and CNY for China (Xiaohongshu 尾部 1K–5K … 头部 30K+);
- a few channels are labelled "rising_star" (steady weekly growth of 6–12 %) or
  "suspicious_spike" (one hockey-stick week, lower ER), so later features can be measured.

Determinism: KOL `i` depends only on (`seed`, `i`, `today`). Randomness comes from one
`random.Random` per block of `BLOCK` KOLs, so any slice (`start`, `count`) of the sequence is
the same whichever way it is generated; the weekly history of a channel has its own generator,
so asking for it (`history=True`) does not change anything else.
"""

import functools
import importlib
import math
import random
from bisect import bisect
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import accumulate

import opencc

from kolops.core.text import fold

from .. import choices
from . import pools
from .records import ChannelSeed, ContactSeed, KolSeed, RateSeed, RegionShareSeed

BLOCK = 500  # KOLs per random generator
AGE_BUCKETS = [bucket for bucket, _label in choices.AGE_BUCKETS]
HISTORY_WEEKS = 26
RISING_STAR_SHARE = 0.015
SPIKE_SHARE = 0.01
AUDIENCE_KNOWN_SHARE = 0.85


class Weighted:
    """Draw from a {item: weight} table in O(log n)."""

    __slots__ = ("cum", "items", "table", "total")

    def __init__(self, table: dict):
        self.table = dict(table)
        self.items = list(table)
        self.cum = list(accumulate(table.values()))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]

    def sample(self, rng: random.Random, k: int) -> list:
        """`k` distinct items, heavier ones more likely first (redraws a repeat)."""
        chosen: list = []
        k = min(k, len(self.items))
        while len(chosen) < k:
            item = self.pick(rng)
            if item not in chosen:
                chosen.append(item)
        return chosen


# The standard categories' names (slug → (vi, zh)), read from the migration that creates them.
CATEGORY_NAMES = {
    slug: (vi.lower(), zh)
    for slug, _en, vi, zh in importlib.import_module("kolops.kols.migrations.0002_categories").CATEGORIES
}
_MARKETS = Weighted(pools.MARKETS)
_HOME = {m: Weighted(t) for m, t in pools.HOME_REGIONS.items()}
_PLATFORMS = {m: Weighted(t) for m, t in pools.PLATFORMS.items()}
_CATEGORIES = Weighted(pools.CATEGORIES)
_VN_FAMILY = Weighted(pools.VN_FAMILY)
_CN_FAMILY = Weighted(pools.CN_FAMILY)


HOME_AUDIENCE_BOOST = 40  # creators are watched most where they live


def _boosted(provinces: dict, home: str) -> dict:
    return {p: w + HOME_AUDIENCE_BOOST if p == home else w for p, w in provinces.items()}


_CITIES: dict[str, list] = {}
for _city, (_province, _lo, _hi) in pools.AUDIENCE_CITIES.items():
    _CITIES.setdefault(_province, []).append((_city, _lo, _hi))
# Audience provinces by market, and with the home province boosted (keyed by that province).
_PROVINCES = {m: Weighted(t) for m, t in pools.AUDIENCE_PROVINCES.items()} | {
    home: Weighted(_boosted(t, home)) for t in pools.AUDIENCE_PROVINCES.values() for home in t
}


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _pct(value: float) -> Decimal:
    """A share rounded down to 0.01, so shares drawn to sum to 100 never sum above it."""
    return Decimal(max(0, math.floor(value * 100))) / 100


def _dirichlet(rng: random.Random, alphas: list[float]) -> list[float]:
    draws = [rng.gammavariate(max(a, 1e-3), 1.0) for a in alphas]
    total = sum(draws) or 1.0
    return [d / total for d in draws]


def _round_price(value: float, currency: str) -> Decimal:
    step, floor = {"VND": (50_000, 100_000), "CNY": (10, 100), "USD": (5, 10)}[currency]
    return Decimal(max(floor, round(value / step) * step))


# ---- identity ------------------------------------------------------------------------------


def _vn_identity(rng: random.Random, category: str) -> tuple[str, str, str]:
    """(display name, real name, handle stem) of a Vietnamese creator."""
    female = rng.random() < 0.6
    family = _VN_FAMILY.pick(rng)
    middle = rng.choice(pools.VN_MIDDLE_F if female else pools.VN_MIDDLE_M)
    given = rng.choice(pools.VN_GIVEN_F if female else pools.VN_GIVEN_M)
    real = f"{family} {middle} {given}"
    style = rng.random()
    if style < 0.35:
        display = real
    elif style < 0.85:
        display = rng.choice(pools.VN_NICK_TEMPLATES.get(category, pools.VN_NICK_TEMPLATES["*"])).format(
            g=given
        )
    else:
        display = f"{middle} {given}"
    return display, real, _handle_stem(rng, fold(given).replace(" ", ""), fold(middle + family), category)


def _handle_stem(rng: random.Random, given: str, other: str, category: str) -> str:
    """A handle without its unique number: "linh.beauty", "hungreview", "ngoclinh"."""
    topic = rng.choice(pools.HANDLE_TOPICS.get(category, pools.HANDLE_TOPICS["*"]))
    sep = rng.choice([".", "_", ""])
    return rng.choice([f"{given}{sep}{topic}", f"{topic}{sep}{given}", f"{given}{other.replace(' ', '')}"])


def _cn_nickname(rng: random.Random, given: str) -> str:
    if len(given) == 2:
        return given if rng.random() < 0.5 else "小" + given[-1]
    return rng.choice(["小" + given, "阿" + given, given + given])


def _cn_identity(rng: random.Random, category: str, market: str) -> tuple[str, str, str]:
    """(display name, real name, handle stem) of a Chinese-speaking creator.

    Hong Kong and Taiwan creators write traditional characters and carry an English name on
    Western platforms ("Kelly 陳嘉怡", handle "kelly.chan").
    """
    female = rng.random() < 0.6
    family = _CN_FAMILY.pick(rng)
    given = rng.choice(pools.CN_GIVEN_F if female else pools.CN_GIVEN_M)
    nick = _cn_nickname(rng, given)
    templates = pools.CN_NICK_TEMPLATES.get(category, pools.CN_NICK_TEMPLATES["*"])
    display = family + given if rng.random() < 0.25 else rng.choice(templates).format(n=nick)
    real = family + given
    stem = display
    if market in ("HK", "TW"):
        roman_table = pools.HK_ROMAN if market == "HK" else pools.TW_ROMAN
        if family not in roman_table:
            family = rng.choice(list(roman_table))
            real = family + given
        english = rng.choice(pools.EN_GIVEN_F if female else pools.EN_GIVEN_M)
        to_traditional = _converter("s2hk" if market == "HK" else "s2tw")
        real = to_traditional.convert(real)
        display = f"{english} {real}" if rng.random() < 0.4 else to_traditional.convert(display)
        stem = f"{english.lower()}{rng.choice(['.', '_', ''])}{roman_table[family].lower()}"
    return display, real, stem


# ---- channels ------------------------------------------------------------------------------


def _followers(rng: random.Random) -> int:
    """Log-normal body below 50K, Pareto tail (α = 1) above it for 5 % of accounts."""
    if rng.random() < 0.05:
        return min(150_000_000, int(50_000 * rng.paretovariate(1.0)))
    while True:
        value = 10 ** rng.gauss(3.68, 0.32)
        if value < 50_000:
            return max(50, int(value))


def _engagement(rng: random.Random, followers: int, platform: str, label: str) -> Decimal:
    base = 4.5 * (max(followers, 200) / 1000) ** -0.17 * pools.ER_FACTOR[platform]
    base *= {"rising_star": 1.3, "suspicious_spike": 0.45}.get(label, 1.0)
    value = min(35.0, max(0.05, base * rng.lognormvariate(0, 0.3)))
    return Decimal(round(value, 2)).quantize(Decimal("0.01"))


def _verified(rng: random.Random, followers: int) -> bool:
    for threshold, chance in ((1_000_000, 0.8), (500_000, 0.5), (50_000, 0.2), (10_000, 0.05)):
        if followers >= threshold:
            return rng.random() < chance
    return rng.random() < 0.01


def _url(rng: random.Random, platform: str, handle: str) -> str:
    number = rng.randrange(10**8, 10**10)
    return {
        "tiktok": f"https://www.tiktok.com/@{handle}",
        "facebook": f"https://www.facebook.com/{handle}",
        "youtube": f"https://www.youtube.com/@{handle}",
        "instagram": f"https://www.instagram.com/{handle}/",
        "zalo": f"https://zalo.me/{number}",
        "review_site": f"https://{handle.replace('_', '-').replace('.', '-')}.blogspot.com/",
        "douyin": f"https://www.douyin.com/user/MS4wLjABAAAA{number}",
        "xiaohongshu": f"https://www.xiaohongshu.com/user/profile/{number:024x}",
        "bilibili": f"https://space.bilibili.com/{number}",
        "weibo": f"https://weibo.com/u/{number}",
        "kuaishou": f"https://www.kuaishou.com/profile/3x{number:x}",
        "wechat_channels": "",
    }[platform]


def _audience(rng: random.Random, channel: ChannelSeed, market: str, home: str, category: str, now: datetime):
    """Fill ages, gender and region shares; each level's shares sum to at most 100."""
    alphas = [p * 0.4 for p in pools.AGE_PROFILES[channel.platform]]  # concentration 40
    channel.ages = dict(zip(AGE_BUCKETS, [_pct(s * 100) for s in _dirichlet(rng, alphas)], strict=True))
    female = pools.FEMALE_SHARE.get(category, 55) + {"xiaohongshu": 12, "bilibili": -10}.get(
        channel.platform, 0
    )
    female = min(97.0, max(3.0, rng.gauss(female, 8)))
    channel.female = _pct(female)
    channel.male = _pct(100 - female - rng.uniform(0, 2))
    channel.audience_updated_at = now - timedelta(days=rng.uniform(0, 90))
    channel.regions = _region_shares(rng, market, home)


def _region_shares(rng: random.Random, market: str, home: str) -> list[RegionShareSeed]:
    low, high = {"VN": (80, 97), "CN": (85, 98), "HK": (60, 80), "TW": (70, 88)}[market]
    domestic = rng.uniform(low, high)
    shares = [RegionShareSeed("country", market, _pct(domestic))]
    foreign = rng.sample(pools.FOREIGN_AUDIENCE[market], rng.randint(1, 2))
    for country, part in zip(foreign, _dirichlet(rng, [2.0] * (len(foreign) + 1)), strict=False):
        shares.append(RegionShareSeed("country", country, _pct((100 - domestic) * part)))
    if market not in _PROVINCES:
        return shares
    # The four provinces listed; the rest of the domestic audience stays unlisted.
    home_province = "-".join(home.split("-")[:2])
    table = _PROVINCES.get(home_province) or _PROVINCES[market]
    top = table.sample(rng, 4)
    alphas = [table.table[p] / 5 for p in top]  # concentration ≈ 20
    parts = _dirichlet(rng, [*alphas, table.total / 5 - sum(alphas)])
    for province, part in sorted(zip(top, parts, strict=False), key=lambda pair: -pair[1]):
        share = domestic * part
        shares.append(RegionShareSeed("province", province, _pct(share)))
        for city, lo, hi in _CITIES.get(province, ()):
            shares.append(RegionShareSeed("city", city, _pct(share * rng.uniform(lo, hi))))
    return shares


def _rates(rng: random.Random, platform: str, followers: int, market: str, today: date) -> list[RateSeed]:
    """1–3 current (or lapsed) prices for what the platform sells, in the market's currency."""
    currency = pools.MARKET_CURRENCY[market]
    scale = followers / 5000
    base = {"VND": 800_000 * scale**0.8, "CNY": 500 * scale**0.95, "USD": 60 * scale**0.95}[currency]
    base *= rng.lognormvariate(0, 0.35)
    offered = pools.DELIVERABLES[platform]
    count = min(len(offered), rng.choices([1, 2, 3], [50, 35, 15])[0])
    rates = []
    for deliverable in rng.sample(list(offered), count):
        price = _round_price(base * offered[deliverable] * rng.lognormvariate(0, 0.15), currency)
        note = ""
        if market == "VN" and followers < 10_000 and rng.random() < 0.15:
            price, note = Decimal(0), "Nhận sản phẩm đổi bài (barter)."
        roll = rng.random()
        if roll < 0.15:
            valid_from = valid_until = None
        elif roll < 0.25:  # lapsed: kept on file, not offered by current-price filters
            valid_from = today - timedelta(days=rng.randint(250, 400))
            valid_until = today - timedelta(days=rng.randint(1, 120))
        else:
            valid_from = today - timedelta(days=rng.randint(0, 200))
            valid_until = max(valid_from + timedelta(days=rng.choice([180, 365])), today + timedelta(days=30))
        rates.append(RateSeed(deliverable, price, currency, valid_from, valid_until, note))
    return rates


def _snapshots(rng: random.Random, followers: int, label: str, today: date) -> list[tuple[date, int]]:
    """Weekly follower counts over HISTORY_WEEKS weeks, ending today at `followers`.

    Walks backwards from today: a rising star grew 6–12 % every week; a suspicious spike jumped
    1.6–3.5× in one week and was flat around it; others drift by a few tenths of a percent.
    """
    growth = rng.uniform(0.06, 0.12) if label == "rising_star" else rng.gauss(0.004, 0.004)
    spike_week = rng.randint(4, 18) if label == "suspicious_spike" else -1
    values = [float(followers)]
    for week in range(1, HISTORY_WEEKS):
        if week == spike_week:
            step = rng.uniform(1.6, 3.5)
        elif label == "suspicious_spike":
            step = 1 + rng.gauss(0.002, 0.002)
        else:
            step = 1 + growth + rng.gauss(0, 0.004)
        values.append(values[-1] / max(step, 0.5))
    points = [(today - timedelta(weeks=week), max(0, round(v))) for week, v in enumerate(values)]
    return points[::-1]


def _channel(rng, *, platform, handle, followers, market, home, category, today, now) -> ChannelSeed:
    label = ""
    roll = rng.random()
    if roll < SPIKE_SHARE:
        label = "suspicious_spike"
    elif roll < SPIKE_SHARE + RISING_STAR_SHARE and followers < 500_000:
        label = "rising_star"
    ratio = pools.VIEW_RATIO[platform] * (max(followers, 500) / 10_000) ** -0.08
    avg_views = None if platform == "review_site" else int(followers * ratio * rng.lognormvariate(0, 0.5))
    channel = ChannelSeed(
        platform=platform,
        handle=handle,
        url=_url(rng, platform, handle),
        followers=followers,
        avg_views=avg_views,
        engagement_rate=_engagement(rng, followers, platform, label),
        er_basis="followers",
        verified=_verified(rng, followers),
        stats_updated_at=now - timedelta(days=rng.uniform(0, 45)),
        seed_label=label,
    )
    if rng.random() < AUDIENCE_KNOWN_SHARE:
        _audience(rng, channel, market, home, category, now)
    if rng.random() < 0.92:
        channel.rates = _rates(rng, platform, followers, market, today)
    return channel


# ---- KOLs ----------------------------------------------------------------------------------


def _contacts(rng: random.Random, market: str, stem: str) -> dict[str, str]:
    ascii_stem = "".join(ch for ch in fold(stem) if ch.isascii() and ch.isalnum()) or "kol"
    if market == "VN":
        phone = f"09{rng.randrange(10**7, 10**8)}"
        phone = f"{phone[:4]} {phone[4:7]} {phone[7:]}"
        return {"phone": phone, "zalo": phone, "email": f"{ascii_stem}{rng.randint(1, 99)}@gmail.com"}
    if market == "CN":
        wechat = "wxid_" + "".join(rng.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=10))
        return {"wechat": wechat, "phone": f"+86 13{rng.randrange(10**8, 10**9)}"}
    if market == "HK":
        return {"whatsapp": f"+852 {rng.randrange(5000, 9999)} {rng.randrange(1000, 9999)}",
                "email": f"{ascii_stem}@gmail.com"}  # fmt: skip
    return {"line": ascii_stem, "email": f"{ascii_stem}@gmail.com"}


def _kol_type(rng: random.Random, top_followers: int, categories: list[str]) -> str:
    if rng.random() < 0.015:
        return "virtual"
    if top_followers >= 1_000_000 and rng.random() < 0.45:
        return "celebrity"
    if top_followers >= 500_000 and rng.random() < 0.15:
        return "celebrity"
    if pools.EXPERT_CATEGORIES.intersection(categories) and rng.random() < 0.35:
        return "expert"
    if top_followers < 10_000 and rng.random() < 0.55:
        return "koc"
    return "kol"


def _contact_log(rng: random.Random, market: str, now: datetime) -> list[ContactSeed]:
    vias = {"VN": {"zalo": 60, "phone": 25, "email": 15}, "CN": {"wechat": 75, "phone": 15, "email": 10},
            "HK": {"whatsapp": 70, "email": 30}, "TW": {"line": 70, "email": 30}}[market]  # fmt: skip
    summaries = pools.CONTACT_SUMMARIES["VN" if market == "VN" else "CN"]
    entries = []
    for _ in range(rng.randint(1, 3)):
        when = now - timedelta(days=rng.uniform(1, 120))
        follow_up = when.date() + timedelta(days=rng.randint(7, 30)) if rng.random() < 0.5 else None
        entries.append(ContactSeed(Weighted(vias).pick(rng), rng.choice(summaries), when, follow_up))
    return entries


def _kol(rng: random.Random, index: int, seed: int, today: date, now: datetime, history: bool) -> KolSeed:
    market = _MARKETS.pick(rng)
    lang = "VN" if market == "VN" else "CN"
    home = _HOME[market].pick(rng)
    categories = _CATEGORIES.sample(rng, rng.choices([1, 2, 3], [60, 30, 10])[0])
    primary = categories[0]
    if market == "VN":
        display, real, stem = _vn_identity(rng, primary)
    else:
        display, real, stem = _cn_identity(rng, primary, market)
    # One handle for every account of the KOL; its number (the KOL's index) keeps it unique.
    handle = f"{stem}{rng.choice(['.', '_'])}{index}"
    cn_handle = f"{display.replace(' ', '')}_{index}"
    platforms = _PLATFORMS[market].sample(rng, rng.choices([1, 2, 3], [50, 33, 17])[0])
    channels, top = [], 0
    for position, platform in enumerate(platforms):
        followers = _followers(rng)
        if position and rng.random() < 0.5:  # secondary accounts often trail the main one
            followers = max(50, int(channels[0].followers * rng.lognormvariate(math.log(0.6), 0.5)))
        top = max(top, followers)
        channels.append(
            _channel(
                rng,
                platform=platform,
                handle=cn_handle if platform in pools.CHINESE_PLATFORMS else handle,
                followers=followers,
                market=market,
                home=home,
                category=primary,
                today=today,
                now=now,
            )
        )
    status, reason, flags = "active", "", []
    vi_name, zh_name = CATEGORY_NAMES.get(primary, (primary, primary))
    notes = rng.choice(pools.NOTES[lang]).format(cat=vi_name if lang == "VN" else zh_name)
    roll = rng.random()
    if roll < 0.025:
        status = "blacklisted"
        reason, flag = rng.choice(pools.BLACKLIST_REASONS[lang])
        flags = [flag]
    elif roll < 0.055:
        status = "paused"
        notes = f"{notes} {pools.PAUSE_NOTES[lang]}".strip()
    if rng.random() < 0.07:
        flags = sorted({*flags, rng.choice(pools.RISK_FLAGS)})
    if any(c.seed_label == "suspicious_spike" for c in channels) and rng.random() < 0.5:
        flags = sorted({*flags, "fake_followers"})
    agency = rng.choice(pools.AGENCIES[lang]) if rng.random() < 0.3 else ""
    manager = ""
    if agency or rng.random() < 0.1:
        manager = _vn_identity(rng, "*")[1] if lang == "VN" else _cn_identity(rng, "*", "CN")[1]
    languages = {"VN": ["vi"], "CN": ["zh"], "HK": ["zh", "en"], "TW": ["zh"]}[market]
    if rng.random() < 0.15 and "en" not in languages:
        languages = [*languages, "en"]
    tag_count = rng.choices([0, 1, 2, 3], [40, 35, 18, 7])[0]
    kol = KolSeed(
        index=index,
        market=market,
        display_name=display,
        real_name=real,
        kol_type=_kol_type(rng, top, categories),
        home_region=home,
        languages=languages,
        agency=agency,
        manager_name=manager,
        contacts=_contacts(rng, market, stem),
        notes=notes,
        status=status,
        blacklist_reason=reason,
        risk_flags=flags,
        archived_at=now - timedelta(days=rng.randint(10, 300)) if rng.random() < 0.01 else None,
        categories=categories,
        tags=rng.sample(pools.TAGS[lang], tag_count),
        channels=channels,
    )
    if history:
        # A generator of its own, so the history never shifts the draws of the next KOL.
        hist = random.Random(f"kolops-history:{seed}:{index}")
        for channel in channels:
            channel.snapshots = _snapshots(hist, channel.followers, channel.seed_label, today)
        if hist.random() < 0.12:
            kol.contact_log = _contact_log(hist, market, now)
    return kol


def generate_kols(
    count: int,
    *,
    seed: int = 0,
    start: int = 0,
    today: date | None = None,
    history: bool = True,
) -> Iterator[KolSeed]:
    """Yield KOLs number `start` … `start + count - 1` of the sequence for `seed`.

    `history` adds weekly follower snapshots and contact log entries (the benchmark, which
    needs only searchable data, leaves them out). Dates are relative to `today`.
    """
    today = today or date.today()
    now = datetime.combine(today, time(9, 0), tzinfo=UTC)
    rng = None
    for index in range(start - start % BLOCK, start + count):
        if rng is None or index % BLOCK == 0:
            rng = random.Random(f"kolops-seed:{seed}:{index // BLOCK}")
        kol = _kol(rng, index, seed, today, now, history and index >= start)
        if index >= start:
            yield kol
