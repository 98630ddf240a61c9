"""In the browser: a campaign from its form to the manager's decisions and the exports.

In Vietnamese and in Chinese a specialist creates a campaign and its brief, plans it, reads the
comparison table grouped by tier, swaps a KOL for an alternative of the same tier and submits;
a manager approves every KOL but one and rejects that one with a comment; the XLSX export
(opened here) holds the page's numbers and the PDF export is a PDF.

The words of the campaign pages are being translated while this test is written, so it asserts
structure (ids, data attributes, classes), numbers and `html[lang]`, never a translated word;
the Vietnamese and Chinese text it types is data. Labels it must find in the workbook are
looked up with gettext in the page's language, so they follow whatever the catalogs say.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from kolops.accounts.choices import Role
from kolops.campaigns.choices import Decision, ProposalStatus
from kolops.campaigns.models import Proposal
from kolops.core.tiers import Tier, tiers_in_scheme
from kolops.kols import services
from kolops.kols.models import Category
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Market:
    """What differs between the Vietnamese and the Chinese run: the pool and the typed data."""

    currency: str
    market: str
    regions: tuple[str, ...]
    # platform → the deliverable its rate card prices (and the brief asks for)
    pieces: dict[str, str]
    # tier → (followers, price of one piece) of the cheapest channel; later ones get dearer
    ladder: dict[str, tuple[int, int]]
    price_step: int
    budget: int
    names: tuple[str, ...]
    campaign: str
    description: str
    product: str
    messages: tuple[str, ...]
    hashtags: str
    comment: str


MARKETS = {
    "vi": Market(
        currency="VND",
        market="VN",
        regions=("VN-SG", "VN-HN"),
        pieces={"tiktok": "short_video"},
        ladder={"mid": (120_000, 12_000_000), "micro": (20_000, 3_500_000), "nano": (3_000, 1_200_000)},
        price_step=250_000,
        budget=60_000_000,
        names=("Minh Anh", "Thu Trang", "Bảo Ngọc", "Khánh Linh", "Phương Thảo", "Hải Yến", "Quỳnh Chi"),
        campaign="Son tint mùa hè",
        description="Ra mắt dòng son tint mới cho mùa hè",
        product="Son Lotus",
        messages=("Màu son tươi tắn cả ngày", "Thành phần thiên nhiên, an toàn cho môi"),
        hashtags="#SonLotus, #MuaHe",
        comment="Giá quá cao so với lượt xem dự kiến",
    ),
    "zh-hans": Market(
        currency="CNY",
        market="CN",
        regions=("CN-SH",),
        pieces={"douyin": "short_video", "xiaohongshu": "post"},
        ladder={"mid": (120_000, 6_000), "micro": (20_000, 1_800), "nano": (3_000, 500)},
        price_step=150,
        budget=40_000,
        names=("小美", "林佳", "王晓晨", "陈思雨", "赵一诺", "刘若彤", "周安然"),
        campaign="夏季唇釉推广",
        description="夏季新品唇釉上市推广",
        product="莲花唇釉",
        messages=("持久显色一整天", "天然成分，温和不刺激"),
        hashtags="#莲花唇釉, #夏日妆容",
        comment="报价偏高，预计播放量不足",
    ),
}
# Channels per tier in the pool; the campaign takes at most MAX_PER_TIER of each, so every tier
# has spare alternatives for a swap.
POOL = {"mid": 4, "micro": 5, "nano": 5}
MAX_PER_TIER = {"mid": 2, "micro": 3, "nano": 3}
MIN_MICRO = 2
FOLLOWER_STEP = {"mid": 20_000, "micro": 5_000, "nano": 1_200}  # the pool stays inside each tier
BLACKLISTED_HANDLE = "blacklisted.star"


def make_pool(group, by, m: Market) -> None:
    """14 beauty KOLs of `group` in `m`'s market with one channel each across mid, micro and
    nano, each priced for the piece the brief asks for, and one blacklisted KOL whose channel
    would be the best buy of all if blacklisting were ignored."""
    beauty = Category.objects.get(slug="beauty")
    platforms = list(m.pieces)
    n = 0
    for tier, count in POOL.items():
        followers, price = m.ladder[tier]
        for i in range(count):
            platform = platforms[n % len(platforms)]
            name = m.names[n % len(m.names)]
            kol = services.kol_create(
                by=by,
                group=group,
                data={"display_name": f"{name} {tier}{i}", "home_region": m.regions[n % len(m.regions)]},
                categories=[beauty],
            )
            channel = services.channel_create(
                by=by,
                kol=kol,
                data={
                    "platform": platform,
                    "handle": f"{tier}.{i}",
                    "followers": followers + FOLLOWER_STEP[tier] * i,
                    "engagement_rate": Decimal("3.0") + Decimal(n % 5) / 2,
                    "avg_views": followers // 4 + 500 * i,
                    "aud_female": Decimal(75 + i % 3 * 5),
                    "aud_male": Decimal(25 - i % 3 * 5),
                    "aud_age_18_24": Decimal(45),
                    "aud_age_25_34": Decimal(35),
                },
            )
            assert channel.tier == tier, (channel.handle, channel.followers, channel.tier)
            services.rate_card_save(
                by=by,
                channel=channel,
                data={
                    "deliverable_type": m.pieces[platform],
                    "price": Decimal(price + m.price_step * i),
                    "currency": m.currency,
                },
            )
            n += 1
    star = services.kol_create(
        by=by,
        group=group,
        data={
            "display_name": f"{m.names[0]} Blacklisted",
            "home_region": m.regions[0],
            "status": "blacklisted",
            "blacklist_reason": "Vi phạm hợp đồng / 违约",
        },
        categories=[beauty],
    )
    channel = services.channel_create(
        by=by,
        kol=star,
        data={
            "platform": platforms[0],
            "handle": BLACKLISTED_HANDLE,
            "followers": 300_000,
            "engagement_rate": Decimal("9.5"),
            "avg_views": 200_000,
            "aud_female": Decimal(90),
            "aud_age_18_24": Decimal(60),
            "aud_age_25_34": Decimal(30),
        },
    )
    services.rate_card_save(
        by=by,
        channel=channel,
        data={
            "deliverable_type": m.pieces[platforms[0]],
            "price": Decimal(m.ladder["nano"][1]),
            "currency": m.currency,
        },
    )


def parse_money(text: str, language: str) -> Decimal:
    """A shown amount as a number: "50.400.000 ₫" (vi), "¥28,500.00" (zh-hans)."""
    thousands, point = (".", ",") if language == "vi" else (",", ".")
    digits = re.sub(rf"[^0-9{re.escape(thousands)}{re.escape(point)}]", "", text).strip(thousands + point)
    return Decimal(digits.replace(thousands, "").replace(point, "."))


def read_table(page) -> list[dict]:
    """The comparison table as the page shows it: per tier section its rows' data attributes
    and handles, and the cost of its total row."""
    return page.eval_on_selector_all(
        ".tier-group",
        """sections => sections.map(s => ({
            tier: s.dataset.tier,
            total_cost: s.querySelector("tfoot .tier-total td:nth-child(4)").textContent.trim(),
            rows: Array.from(s.querySelectorAll("tbody tr[id^=item-]")).map(r => ({
                id: r.id,
                channel: r.dataset.channel,
                cost: r.dataset.cost,
                views: r.dataset.views,
                engagements: r.dataset.engagements,
                handle: r.querySelector(".kol-name .text-secondary").textContent.trim().replace(/^@/, ""),
            })),
        }))""",
    )


def fill_campaign_form(page, m: Market) -> None:
    page.fill("#id_name", m.campaign)
    page.select_option("#id_objective", "engagement")
    page.fill("#id_description", m.description)
    page.fill("#id_start_on", "2027-05-01")
    page.fill("#id_end_on", "2027-06-30")
    page.fill("#id_budget", str(m.budget))
    page.select_option("#id_currency", m.currency)
    page.fill("#id_reserve_percent", "10")
    for bucket in ("18_24", "25_34"):
        page.check(f"#id_target_age_buckets input[value='{bucket}']")
    page.select_option("#id_target_gender", "female")
    beauty = Category.objects.get(slug="beauty")
    page.check(f"#id_categories input[value='{beauty.pk}']")
    for platform in m.pieces:
        page.check(f"#id_platforms input[value='{platform}']")
    page.check(f"#id_markets input[value='{m.market}']")
    quotas = page.locator("#tier-quotas")
    for tier, most in MAX_PER_TIER.items():
        quotas.locator(f"#id_quota_{tier}_max_count").fill(str(most))
    quotas.locator("#id_quota_micro_min_count").fill(str(MIN_MICRO))


def fill_brief_form(page, m: Market) -> None:
    page.fill("#id_product_name", m.product)
    page.fill("#id_key_messages", "\n".join(m.messages))
    page.fill("#id_required_hashtags", m.hashtags)
    for row, (platform, piece) in enumerate(m.pieces.items()):
        page.select_option(f"#id_deliverables-{row}-type", piece)
        page.select_option(f"#id_deliverables-{row}-platform", platform)
        page.fill(f"#id_deliverables-{row}-count", "1")


def log_out(page) -> None:
    page.click("nav .dropdown-toggle")
    with page.expect_navigation():
        page.click("nav form[action$='/logout/'] button")


def download(page, selector: str, name: str) -> tuple[Path, str]:
    """Click `selector`, wait for the download and keep it in test-artifacts/ as `name` plus
    the file's extension, for people to look at. Returns the path and the suggested name."""
    with page.expect_download() as info:
        page.click(selector)
    suggested = info.value.suggested_filename
    path = ARTIFACTS / f"{name}{Path(suggested).suffix}"
    info.value.save_as(path)
    return path, suggested


def labels(language: str, *msgids: str) -> list[str]:
    """The workbook's labels for `msgids` in `language` (as the export writes them)."""
    with translation.override(language):
        return [translation.gettext(msgid) for msgid in msgids]


@pytest.mark.parametrize("language", ["vi", "zh-hans"])
def test_plan_swap_submit_approve_and_export_a_campaign(
    page, login, screenshot, group, specialist, make_member, language
):
    m = MARKETS[language]
    make_pool(group, specialist, m)
    manager = make_member(Role.MANAGER)

    # The specialist creates the campaign and its brief.
    login(specialist, language)
    page.goto("/campaigns/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.click("#new-campaign")
    expect(page.locator("#campaign-form")).to_be_visible()
    fill_campaign_form(page, m)
    screenshot(f"campaign-form-{language}")
    page.click("#save-campaign")
    expect(page.locator("#brief-form")).to_be_visible()
    assert re.search(r"/campaigns/\d+/brief/$", page.url), page.url
    fill_brief_form(page, m)
    screenshot(f"brief-form-{language}")
    page.click("#save-brief")
    expect(page.locator("#plan-campaign")).to_be_visible()
    expect(page.locator("h1")).to_have_text(m.campaign)
    expect(page.locator("#brief")).to_contain_text(m.product)
    expect(page.locator("#brief")).to_contain_text(m.messages[0])
    expect(page.locator("#brief-deliverables")).to_contain_text("1 × ")
    screenshot(f"campaign-{language}")

    # Plan it: the proposal groups the chosen KOLs by tier, largest tier first.
    page.click("#plan-campaign")
    expect(page.locator("#proposal-status")).to_be_visible()
    match = re.search(r"/campaigns/proposals/(\d+)/$", page.url)
    assert match, page.url
    proposal = Proposal.objects.get(pk=match[1])
    expect(page.locator("html")).to_have_attribute("lang", language)
    sections = read_table(page)
    tiers = [s["tier"] for s in sections]
    assert len(tiers) >= 2 and len(set(tiers)) == len(tiers), tiers
    assert tiers == [t for t in tiers_in_scheme() if t in tiers], tiers
    assert set(tiers) == set(POOL), tiers  # the quotas leave room in every tier of the pool
    rows = [r for s in sections for r in s["rows"]]
    counts = {s["tier"]: len(s["rows"]) for s in sections}
    assert all(counts[t] <= MAX_PER_TIER[t] for t in counts) and counts["micro"] >= MIN_MICRO, counts
    assert BLACKLISTED_HANDLE not in {r["handle"] for r in rows}
    expect(page.locator("main")).not_to_contain_text(BLACKLISTED_HANDLE)
    for s in sections:
        assert sum(Decimal(r["cost"]) for r in s["rows"]) == parse_money(s["total_cost"], language), s
    planned_cost = sum(Decimal(r["cost"]) for r in rows)
    assert planned_cost == parse_money(page.inner_text("#overall-cost"), language)
    assert planned_cost == parse_money(page.inner_text("#sum-cost"), language)
    assert planned_cost <= Decimal(m.budget) * Decimal("0.9")  # the reserve is kept back
    assert planned_cost == sum(i.cost for i in proposal.items.all())
    screenshot(f"proposal-{language}")

    # Swap the first KOL for the first alternative of the same tier.
    first = page.locator(".proposal-table tr[id^=item-]").first
    old_id, old_channel = first.get_attribute("id"), first.get_attribute("data-channel")
    old_tier = sections[0]["tier"]
    page.locator(".swap-button").first.click()
    alternatives = page.locator(f"#alternatives-{old_id.removeprefix('item-')} .alternatives")
    expect(alternatives).to_have_count(1)
    expect(alternatives.locator(".choose-alternative").first).to_be_visible()
    expect(alternatives).not_to_contain_text(BLACKLISTED_HANDLE)
    offered = alternatives.locator("input[name=channel]").evaluate_all("els => els.map(e => e.value)")
    assert offered and not set(offered) & {r["channel"] for r in rows}, offered
    screenshot(f"proposal-alternatives-{language}")
    alternatives.locator(".choose-alternative").first.click()
    expect(page.locator(f"#{old_id}")).to_have_count(0)
    expect(
        page.locator(f".tier-group[data-tier='{old_tier}'] tr[data-channel='{offered[0]}']")
    ).to_have_count(1)
    expect(page.locator(f"tr[data-channel='{old_channel}']")).to_have_count(0)
    sections = read_table(page)
    assert [len(s["rows"]) for s in sections] == [counts[t] for t in tiers]

    # Submit for approval.
    page.click("#submit-proposal")
    expect(page.locator("#proposal-status")).to_have_class(re.compile(r"\btext-bg-warning\b"))
    expect(page.locator("#submit-proposal")).to_have_count(0)
    expect(page.locator(".swap-button")).to_have_count(0)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.SUBMITTED and proposal.submitted_by == specialist

    # A manager approves every KOL but the last one and rejects that one with a comment.
    log_out(page)
    login(manager, language)
    page.goto(f"/campaigns/proposals/{proposal.pk}/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    item_ids = page.locator(".proposal-table tr[id^=item-]").evaluate_all("rows => rows.map(r => r.id)")
    assert len(item_ids) == sum(counts.values())
    expect(page.locator(".decide-form")).to_have_count(len(item_ids))
    *approved, rejected = item_ids
    # A rejection without a reason is refused and leaves the KOL pending.
    page.locator(f"#{rejected} button[name=decision][value=rejected]").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.locator(f"#{rejected} .decision .badge")).to_have_class(re.compile(r"\btext-bg-light\b"))
    for row_id in approved:
        page.locator(f"#{row_id} button[name=decision][value=approved]").click()
        expect(page.locator(f"#{row_id} .decision .badge")).to_have_class(re.compile(r"\btext-bg-success\b"))
    expect(page.locator("#proposal-status")).to_have_class(re.compile(r"\btext-bg-warning\b"))
    page.locator(f"#{rejected} input[name=comment]").fill(m.comment)
    page.locator(f"#{rejected} button[name=decision][value=rejected]").click()
    expect(page.locator(f"#{rejected} .decision")).to_contain_text(m.comment)
    expect(page.locator(f"#{rejected} .decision .badge")).to_have_class(re.compile(r"\btext-bg-danger\b"))
    expect(page.locator("#proposal-status")).to_have_class(re.compile(r"\btext-bg-success\b"))
    expect(page.locator(".decide-form")).to_have_count(0)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DECIDED
    decisions = dict(proposal.items.values_list("pk", "decision"))
    assert decisions[int(rejected.removeprefix("item-"))] == Decision.REJECTED
    assert list(decisions.values()).count(Decision.APPROVED) == len(approved)
    screenshot(f"proposal-decided-{language}")

    # The XLSX export holds the page's numbers: a summary, then a sheet per tier in the page's order.
    sections = read_table(page)
    rows = {r["handle"]: r for s in sections for r in s["rows"]}
    total_cost = sum(Decimal(r["cost"]) for r in rows.values())
    total_views = sum(int(r["views"]) for r in rows.values())
    assert total_cost == parse_money(page.inner_text("#overall-cost"), language)
    xlsx, suggested = download(page, "#export-xlsx", f"proposal-{language}")
    assert re.fullmatch(r"proposal-[a-z0-9-]+-v1\.xlsx", suggested), suggested
    workbook = load_workbook(xlsx, data_only=True)
    summary, *tier_sheets = workbook.worksheets
    with translation.override(language):
        tier_titles = [str(Tier(s["tier"]).label)[:31] for s in sections]
    assert [sheet.title for sheet in tier_sheets] == tier_titles
    handle_h, views_h, engagements_h, cost_h, comment_h = labels(
        language, "Handle", "Expected views", "Expected engagements", "Cost", "Comment"
    )
    for section, sheet in zip(sections, tier_sheets, strict=True):
        header = [cell.value for cell in sheet[1]]
        col = {h: header.index(h) for h in (handle_h, views_h, engagements_h, cost_h, comment_h)}
        body = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
        *items, total = body
        assert [r[col[handle_h]] for r in items] == [r["handle"] for r in section["rows"]]
        for line in items:
            shown = rows[line[col[handle_h]]]
            assert Decimal(str(line[col[cost_h]])) == Decimal(shown["cost"]), (line, shown)
            assert line[col[views_h]] == int(shown["views"])
            assert line[col[engagements_h]] == int(shown["engagements"])
        assert Decimal(str(total[col[cost_h]])) == sum(Decimal(r["cost"]) for r in section["rows"])
        assert total[col[views_h]] == sum(int(r["views"]) for r in section["rows"])
    rejected_handle = next(h for h, r in rows.items() if r["id"] == rejected)
    comments = {
        line[col[handle_h]]: line[col[comment_h]]
        for sheet in tier_sheets
        for line in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert comments[rejected_handle] == m.comment
    spent_label, views_label = labels(language, "Spent", "Expected views")
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(figures[spent_label])) == total_cost
    assert figures[views_label] == total_views
    # The tier summary under the figures ends with the overall total: count, cost, views.
    overall = [row for row in summary.iter_rows(values_only=True) if any(v is not None for v in row)][-1]
    assert overall[1] == len(rows)
    assert Decimal(str(overall[2])) == total_cost
    assert overall[3] == total_views

    pdf, suggested = download(page, "#export-pdf", f"proposal-{language}")
    assert re.fullmatch(r"proposal-[a-z0-9-]+-v1\.pdf", suggested), suggested
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert not page.js_errors
