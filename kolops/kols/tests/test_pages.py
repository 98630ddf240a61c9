"""The KOL pages: list with filters, a KOL's page, and the create / edit forms."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from kolops.accounts.choices import Role
from kolops.kols import services
from kolops.kols.models import Channel, ContactLog, Kol, RateCard, SavedSearch

pytestmark = pytest.mark.django_db


def test_list_shows_matching_channels_only(client_for, specialist, channel):
    page = client_for(specialist).get(reverse("kols:list"), {"q": "ngoc trinh", "platform": "tiktok"})
    assert page.status_code == 200
    assert "ngoctrinh" in page.text
    empty = client_for(specialist).get(reverse("kols:list"), {"platform": "douyin"})
    assert "ngoctrinh" not in empty.text


def test_htmx_request_gets_only_the_results(client_for, specialist, channel):
    page = client_for(specialist).get(reverse("kols:list"), {"q": "ngoc"}, HTTP_HX_REQUEST="true")
    assert "ngoctrinh" in page.text
    assert "<html" not in page.text


def test_inconsistent_filters_are_reported(client_for, specialist, channel):
    page = client_for(specialist).get(reverse("kols:list"), {"min_followers": "10", "max_followers": "5"})
    assert "The upper bound is below the lower bound." in page.text


def test_list_query_count_does_not_grow_with_rows(
    client_for, specialist, group, django_assert_max_num_queries
):
    kol = services.kol_create(by=specialist, group=group, data={"display_name": "Many"})
    for i in range(60):
        services.channel_create(
            by=specialist, kol=kol, data={"platform": "other", "handle": f"h{i}", "followers": i}
        )
    client = client_for(specialist)
    with django_assert_max_num_queries(10):
        client.get(reverse("kols:list"), {"category": "beauty", "q": "many"})
    with django_assert_max_num_queries(10):
        client.get(reverse("kols:list"))


def test_detail_query_count_is_fixed(client_for, specialist, channel, django_assert_max_num_queries):
    for i in range(5):
        services.rate_card_save(
            by=specialist,
            channel=channel,
            data={"deliverable_type": "post", "price": Decimal(1000 + i), "currency": "VND"},
        )
    client = client_for(specialist)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("kols:detail", args=[channel.kol_id]))
    assert page.status_code == 200
    assert "ngoctrinh" in page.text


def test_detail_formats_money_in_the_users_language(client_for, specialist, channel):
    services.rate_card_save(
        by=specialist,
        channel=channel,
        data={"deliverable_type": "post", "price": Decimal(1500000), "currency": "VND"},
    )
    client = client_for(specialist)
    client.cookies["django_language"] = "vi"
    assert "1.500.000\xa0₫" in client.get(reverse("kols:detail", args=[channel.kol_id])).text


def test_create_kol_shows_errors_then_saves(client_for, specialist, group):
    client = client_for(specialist)
    bad = client.post(
        reverse("kols:create"),
        {"display_name": "", "kol_type": "kol", "status": "blacklisted", "group": group.pk},
    )
    assert bad.status_code == 200
    assert "Give the reason for blacklisting." in bad.text
    assert not Kol.objects.exists()
    good = client.post(
        reverse("kols:create"),
        {
            "display_name": "Linh Beauty",
            "kol_type": "koc",
            "status": "active",
            "group": group.pk,
            "categories": [],
            "home_region": "VN-HN",
            "tags_text": "skincare, hanoi",
            "contact_zalo": "0901234567",
        },
    )
    kol = Kol.objects.get()
    assert good.status_code == 302 and good.url == kol.get_absolute_url()
    assert kol.contacts == {"zalo": "0901234567"}
    assert sorted(t.name for t in kol.tags.all()) == ["hanoi", "skincare"]


def test_edit_kol_updates_search_copies(client_for, specialist, channel):
    client = client_for(specialist)
    client.post(
        reverse("kols:edit", args=[channel.kol_id]),
        {"display_name": "Trinh Official", "kol_type": "kol", "status": "paused", "home_region": "VN-HN"},
    )
    channel.refresh_from_db()
    assert channel.kol_name == "Trinh Official"
    assert channel.kol_status == "paused"
    assert channel.home_region == "VN-HN"


def test_archive_hides_from_search_and_keeps_history(client_for, specialist, channel):
    client = client_for(specialist)
    client.post(reverse("kols:archive", args=[channel.kol_id]))
    assert "ngoctrinh" not in client.get(reverse("kols:list")).text
    assert "ngoctrinh" in client.get(reverse("kols:list"), {"archived": "on"}).text
    assert Kol.history.filter(id=channel.kol_id).count() >= 2


def test_channel_form_rejects_audience_over_100_percent(client_for, specialist, kol):
    client = client_for(specialist)
    response = client.post(
        reverse("kols:channel_create", args=[kol.pk]),
        {
            "platform": "youtube",
            "handle": "trinh",
            "followers": "1000",
            "er_basis": "views",
            "aud_age_18_24": "60",
            "aud_age_25_34": "50",
        },
    )
    assert "Age shares add up to more than 100 %." in response.text
    assert not Channel.objects.filter(platform="youtube").exists()


def test_channel_handle_must_be_unique_per_platform(client_for, specialist, kol, channel):
    response = client_for(specialist).post(
        reverse("kols:channel_create", args=[kol.pk]),
        {
            "platform": "tiktok",
            "handle": "@NgocTrinh",
            "followers": "10",
            "er_basis": "followers",
        },
    )
    assert "already belongs to another KOL" in response.text


def test_channel_edit_records_a_follower_snapshot(client_for, specialist, channel):
    client_for(specialist).post(
        reverse("kols:channel_edit", args=[channel.pk]),
        {
            "platform": "tiktok",
            "handle": "ngoctrinh",
            "followers": "1600000",
            "er_basis": "followers",
        },
    )
    channel.refresh_from_db()
    assert channel.followers == 1_600_000
    assert channel.tier == "mega"
    assert channel.snapshots.get().followers == 1_600_000


def test_rates_and_contacts_are_added_from_the_kol_page(client_for, specialist, channel):
    client = client_for(specialist)
    client.post(
        reverse("kols:rate_create", args=[channel.pk]),
        {"deliverable_type": "short_video", "price": "25000000", "currency": "VND"},
    )
    rate = RateCard.objects.get()
    assert rate.price == Decimal("25000000")
    client.post(reverse("kols:rate_delete", args=[rate.pk]))
    assert not RateCard.objects.exists()
    client.post(
        reverse("kols:contact_create", args=[channel.kol_id]),
        {"via": "zalo", "summary": "Gửi brief", "next_contact_on": "2026-12-01"},
    )
    entry = ContactLog.objects.get()
    assert entry.by == specialist and entry.summary == "Gửi brief"


def test_saved_searches_belong_to_their_owner(client_for, specialist, manager, channel):
    client = client_for(specialist)
    client.post(reverse("kols:search_save"), {"name": "TikTok mega", "query": "platform=tiktok&tier=mega"})
    search = SavedSearch.objects.get()
    assert "TikTok mega" in client.get(reverse("kols:list")).text
    other = client_for(manager)
    assert "TikTok mega" not in other.get(reverse("kols:list")).text
    assert other.post(reverse("kols:search_delete", args=[search.pk])).status_code == 404
    assert SavedSearch.objects.exists()


def test_chart_hooks_carry_unlocalised_ids(client_for, specialist, channel):
    # With thousand separators on, {{ pk }} would render 1,234 and the charts would find nothing.
    Channel.objects.create(
        id=123456, kol=channel.kol, group=channel.group, platform="youtube", handle="big", handle_key="big"
    )
    page = client_for(specialist).get(reverse("kols:detail", args=[channel.kol_id]))
    assert 'data-channel="123456"' in page.text


def test_a_single_page_result_is_counted_without_a_count_query(client_for, specialist, channel, settings):
    settings.KOLOPS_EXACT_COUNT_LIMIT = 0  # a count query would report "more than 0"
    page = client_for(specialist).get(reverse("kols:list"))
    assert "1 channel" in page.text


def _many_channels(specialist, group, n: int, platform: str = "other") -> None:
    kol = services.kol_create(by=specialist, group=group, data={"display_name": "Many"})
    for i in range(n):
        services.channel_create(
            by=specialist, kol=kol, data={"platform": platform, "handle": f"m{i}", "followers": i}
        )


def test_counts_past_the_cap_say_more_than(client_for, specialist, group, settings):
    settings.KOLOPS_EXACT_COUNT_LIMIT = 3
    _many_channels(specialist, group, 5)
    assert "More than 3 channels" in client_for(specialist).get(reverse("kols:count")).text


def test_a_longer_list_asks_for_its_count_after_the_rows(client_for, specialist, group, settings):
    # Given more channels than fit on a page, when the list is opened, then the rows come
    # without counting: a placeholder loads the count, for the same filters, once they show.
    settings.KOLOPS_PAGE_SIZE = 2
    settings.KOLOPS_EXACT_COUNT_LIMIT = 0  # a count in the list's own answer would say "more than 0"
    _many_channels(specialist, group, 5, platform="tiktok")
    page = client_for(specialist).get(reverse("kols:list"), {"platform": "tiktok"}, HTTP_HX_REQUEST="true")
    assert "More than" not in page.text
    assert f'hx-get="{reverse("kols:count")}?platform=tiktok"' in page.text
    assert 'hx-trigger="load"' in page.text


def test_the_count_counts_the_channels_matching_the_filters(client_for, specialist, group):
    _many_channels(specialist, group, 3, platform="tiktok")
    _many_channels(specialist, group, 2, platform="youtube")
    answer = client_for(specialist).get(reverse("kols:count"), {"platform": "tiktok"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200
    assert 'id="result-count"' in answer.text and re.search(r"(?<!\d)3 channels", answer.text)
    assert "<html" not in answer.text


def test_the_count_leaves_out_other_groups_channels(client_for, specialist, group, other_group, make_member):
    _many_channels(specialist, group, 3, platform="tiktok")
    elsewhere = make_member(Role.SPECIALIST, other_group)
    answer = client_for(elsewhere).get(reverse("kols:count"), {"platform": "tiktok"})
    assert re.search(r"(?<!\d)0 channels", answer.text)
