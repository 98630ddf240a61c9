"""In the browser: sign in, search with combined filters in each language, open, create and
edit a KOL."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from kolops.kols import services
from kolops.kols.models import Kol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The list's heading, the search button and a validation message in each language.
WORDS = {
    "en": {"heading": "KOL database", "search": "Search", "required": "This field is required."},
    "vi": {"heading": "Cơ sở dữ liệu KOL", "search": "Tìm kiếm", "required": "Trường này là bắt buộc."},
    "zh-hans": {"heading": "KOL 数据库", "search": "搜索", "required": "这个字段是必填项。"},
}


@pytest.fixture
def pool(group, specialist, kol):
    """Three KOLs: the fixture's Ngọc Trinh (TikTok, mega), a Hanoi food KOC and a Douyin creator."""
    food = services.kol_create(
        by=specialist, group=group, data={"display_name": "Bếp Của Mẹ", "home_region": "VN-HN"}
    )
    services.channel_create(
        by=specialist,
        kol=food,
        data={
            "platform": "tiktok",
            "handle": "bepcuame",
            "followers": 8_000,
            "engagement_rate": Decimal("9.5"),
            "aud_female": Decimal("80"),
        },
    )
    zh = services.kol_create(
        by=specialist, group=group, data={"display_name": "張小美", "home_region": "CN-SH"}
    )
    services.channel_create(
        by=specialist,
        kol=zh,
        data={
            "platform": "douyin",
            "handle": "xiaomei",
            "followers": 600_000,
            "engagement_rate": Decimal("3.1"),
        },
    )
    return kol


@pytest.mark.parametrize("language", ["en", "vi", "zh-hans"])
def test_search_with_combined_filters_in_each_language(page, login, screenshot, specialist, pool, language):
    login(specialist, language)
    expect(page.locator("h1")).to_have_text(WORDS[language]["heading"])
    page.fill("#id_q", "ngoc trinh")
    page.select_option("#id_platform", ["tiktok"])
    page.fill("#id_min_followers", "100000")
    page.fill("#id_min_er", "4")
    page.click("#apply-filters")
    expect(page.locator("#kol-table tbody tr")).to_have_count(1)
    expect(page.locator("#kol-table tbody")).to_contain_text("Ngọc Trinh")
    # The filters are in the address, so the search can be shared; empty ones are left out.
    assert re.search(r"q=ngoc(\+|%20)trinh", page.url) and "max_er" not in page.url
    page.fill("#id_q", "张小美")  # simplified input finds the traditional name
    page.select_option("#id_platform", [])
    page.fill("#id_min_followers", "")
    page.fill("#id_min_er", "")
    page.click("#apply-filters")
    expect(page.locator("#kol-table tbody")).to_contain_text("張小美")
    screenshot(f"kol-list-{language}")
    assert not page.js_errors


def test_open_a_kol_page(page, login, screenshot, specialist, pool):
    login(specialist, "vi")
    page.click("text=Ngọc Trinh")
    expect(page.locator("#kol-name")).to_contain_text("Ngọc Trinh")
    expect(page.locator(".channel-followers")).to_have_text("1.500.000")
    expect(page.locator("[data-chart=growth] canvas")).to_have_count(1)
    screenshot("kol-detail-vi")
    assert not page.js_errors


def test_create_and_edit_a_kol_with_a_validation_error_fixed(page, login, screenshot, specialist, group):
    login(specialist, "en")
    page.click("text=New KOL")
    page.select_option("#id_status", "blacklisted")
    page.click("#save-kol")
    expect(page.locator("#id_display_name_errors")).to_have_text(WORDS["en"]["required"])
    expect(page.locator("#id_blacklist_reason_errors")).to_contain_text("Give the reason for blacklisting.")
    screenshot("kol-form-errors-en")
    assert not Kol.objects.exists()
    page.fill("#id_display_name", "Linh Beauty")
    page.select_option("#id_status", "active")
    page.check("text=Beauty")
    page.select_option("#id_home_region", "VN-SG")
    page.click("#save-kol")
    expect(page.locator("#kol-name")).to_contain_text("Linh Beauty")
    page.click("#add-channel")
    page.select_option("#id_platform", "tiktok")
    page.fill("#id_handle", "@linh.beauty")
    page.fill("#id_followers", "25000")
    page.fill("#id_aud_age_18_24", "70")
    page.fill("#id_aud_age_25_34", "40")
    page.click("#save-channel")
    expect(page.locator("#form-errors")).to_be_visible()
    page.fill("#id_aud_age_25_34", "25")
    page.click("#save-channel")
    expect(page.locator(".channel-card")).to_contain_text("@linh.beauty")
    page.click("#edit-kol")
    page.fill("#id_display_name", "Linh Beauty Official")
    page.click("#save-kol")
    expect(page.locator("#kol-name")).to_contain_text("Linh Beauty Official")
    kol = Kol.objects.get()
    assert kol.channels.get().kol_name == "Linh Beauty Official"
    assert re.search(r"/kols/\d+/$", page.url)
