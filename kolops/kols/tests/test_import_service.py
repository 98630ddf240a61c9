"""Importing a KOL file into the database: all or nothing, idempotent, one row per channel."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from kolops.kols import services
from kolops.kols.importers.columns import COLUMNS
from kolops.kols.imports import kols_import
from kolops.kols.models import AudienceRegionShare, Category, Channel, FollowerSnapshot, Kol, RateCard, Tag
from kolops.kols.query import ChannelQuery
from kolops.kols.selectors import channel_search
from kolops.kols.tests.import_files import channel_row, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


def run(by, group, rows, *, dry_run=False, header=None, fmt="csv", **kwargs):
    data = xlsx_bytes(rows, header=header) if fmt == "xlsx" else csv_bytes(rows, header=header, **kwargs)
    return kols_import(by=by, group=group, file_name=f"kols.{fmt}", data=data, dry_run=dry_run)


def history_rows() -> int:
    return Kol.history.count() + Channel.history.count() + RateCard.history.count()


FULL_ROW = channel_row(
    real_name="Lê Mai Anh",
    kol_type="expert",
    categories="beauty;food",
    home_region="VN-HN",
    languages="vi;en",
    agency="Sao Media",
    manager="Lê Văn An",
    phone="+84 901 234 567",
    email="maianh@example.com",
    zalo="0901234567",
    tags="skincare; Tết 2026",
    notes="Review mỹ phẩm",
    status="active",
    url="https://www.tiktok.com/@maianh",
    followers="1.500.000",
    avg_views="250000",
    engagement_rate="4,2",
    er_basis="views",
    verified="yes",
    age_18_24="45",
    age_25_34="30",
    female="70",
    male="30",
    audience_regions="VN:90;VN-HN:40;VN-SG:25",
    price_post="8.000.000",
    price_short_video="15.000.000",
    price_currency="VND",
)


def test_a_new_file_creates_kols_and_channels_with_everything_they_say(specialist, group):
    result = run(specialist, group, [FULL_ROW])
    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 0, 0, [])
    kol = Kol.objects.get()
    assert (kol.group, kol.display_name, kol.real_name, kol.kol_type) == (
        group,
        "Mai Anh",
        "Lê Mai Anh",
        "expert",
    )
    assert (kol.home_region, kol.languages, kol.agency, kol.manager_name) == (
        "VN-HN",
        ["vi", "en"],
        "Sao Media",
        "Lê Văn An",
    )
    assert kol.contacts == {"phone": "+84 901 234 567", "email": "maianh@example.com", "zalo": "0901234567"}
    assert sorted(c.slug for c in kol.categories.all()) == ["beauty", "food"]
    assert sorted(t.name for t in kol.tags.all()) == ["Tết 2026", "skincare"]
    assert kol.created_by == specialist
    channel = kol.channels.get()
    assert (channel.platform, channel.handle, channel.url) == (
        "tiktok",
        "maianh",
        "https://www.tiktok.com/@maianh",
    )
    assert (channel.followers, channel.avg_views, channel.engagement_rate) == (
        1_500_000,
        250_000,
        Decimal("4.20"),
    )
    assert (channel.er_basis, channel.verified) == ("views", True)
    assert (channel.aud_age_18_24, channel.aud_female, channel.aud_male) == (45, 70, 30)
    # Stamped now, in UTC, whichever way the backend's bulk path sends them.
    for stamp in (channel.created_at, channel.stats_updated_at, channel.audience_updated_at, kol.updated_at):
        assert abs(stamp - timezone.now()) < timedelta(minutes=1)
    shares = {(s.level, s.region, s.share) for s in channel.region_shares.all()}
    assert shares == {("country", "VN", 90), ("province", "VN-HN", 40), ("province", "VN-SG", 25)}
    prices = {(r.deliverable_type, r.price, r.currency, r.valid_from) for r in channel.rates.all()}
    today = timezone.localdate()
    assert prices == {("post", 8_000_000, "VND", today), ("short_video", 15_000_000, "VND", today)}
    assert list(channel.snapshots.values_list("taken_on", "followers")) == [(today, 1_500_000)]


def test_imported_channels_carry_the_same_search_copies_as_the_forms_make(specialist, group):
    run(specialist, group, [FULL_ROW, channel_row(platform="youtube", handle="MaiAnhTV", followers="9000")])
    imported = {c.handle: c for c in Channel.objects.all()}
    kol = Kol.objects.get()
    services.channels_sync_from_kol(kol)  # what every form's save does
    for channel in Channel.objects.all():
        mine = imported[channel.handle]
        for field in (
            "kol_name",
            "kol_type",
            "kol_status",
            "home_region",
            "category_mask",
            "is_archived",
            "tier",
            "handle_key",
        ):
            assert getattr(mine, field) == getattr(channel, field), field
        assert sorted(mine.search_text.split()) == sorted(channel.search_text.split())
    assert imported["maianh"].tier == "mega" and imported["MaiAnhTV"].tier == "nano"
    assert imported["MaiAnhTV"].handle_key == "maianhtv"


def test_imported_channels_are_found_by_the_search(specialist, group):
    run(specialist, group, [FULL_ROW])
    found = channel_search(
        user=specialist, query=ChannelQuery(q="mai anh my pham", categories=["food"], tags=["skincare"])
    )
    assert [c.handle for c in found] == ["maianh"]


def test_rows_with_the_same_name_are_one_kol_with_several_channels(specialist, group):
    rows = [
        channel_row(),
        channel_row(kol_name="mai  ANH", platform="youtube"),
        channel_row(kol_name="Lan", handle="lan"),
    ]
    result = run(specialist, group, rows)
    assert result.created == 3
    assert sorted(Kol.objects.values_list("display_name", flat=True)) == ["Lan", "Mai Anh"]
    assert Kol.objects.get(display_name="Mai Anh").channels.count() == 2


def test_reimporting_the_same_file_reports_everything_unchanged_and_writes_nothing(specialist, group):
    rows = [FULL_ROW, channel_row(platform="youtube", handle="maianh_yt", followers="20000")]
    run(specialist, group, rows)
    before = (
        history_rows(),
        FollowerSnapshot.objects.count(),
        list(Channel.objects.values_list("updated_at", flat=True)),
    )
    again = run(specialist, group, rows)
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 2, [])
    after = (
        history_rows(),
        FollowerSnapshot.objects.count(),
        list(Channel.objects.values_list("updated_at", flat=True)),
    )
    assert after == before


def test_a_changed_file_updates_channels_found_by_platform_and_handle(specialist, group):
    run(specialist, group, [FULL_ROW, channel_row(platform="youtube", handle="maianh_yt", followers="20000")])
    channel = Channel.objects.get(platform="tiktok")
    history = Channel.history.filter(id=channel.pk).count()
    FollowerSnapshot.objects.update(taken_on="2026-01-01")  # yesterday's import
    changed = {**FULL_ROW, "handle": "@MaiAnh", "followers": "900000", "price_post": "9.000.000"}
    result = run(
        specialist, group, [changed, channel_row(platform="youtube", handle="maianh_yt", followers="20000")]
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    channel.refresh_from_db()
    assert (channel.handle, channel.followers, channel.tier) == ("MaiAnh", 900_000, "macro")
    assert Channel.history.filter(id=channel.pk).count() == history + 1
    assert Channel.history.filter(id=channel.pk).latest("history_date").history_type == "~"
    assert list(channel.snapshots.order_by("taken_on").values_list("followers", flat=True)) == [
        1_500_000,
        900_000,
    ]
    assert channel.rates.get(deliverable_type="post").price == 9_000_000
    assert RateCard.objects.count() == 2  # the price changed in place; no second post rate


def test_a_channel_is_matched_whatever_the_case_or_at_sign_of_its_handle(specialist, channel):
    result = run(
        specialist,
        channel.group,
        [channel_row(kol_name="Ngọc Trinh", handle="@NgocTrinh", followers="1500000")],
        header=["kol_name", "platform", "handle", "followers"],
    )
    assert (result.created, result.updated) == (0, 1)  # the handle's spelling changed
    assert Channel.objects.get().handle == "NgocTrinh"


def test_a_changed_kol_attribute_reaches_its_channels_missing_from_the_file(specialist, kol, channel):
    services.channel_create(
        by=specialist, kol=kol, data={"platform": "youtube", "handle": "ngoctrinh_tv", "followers": 5000}
    )
    result = run(
        specialist,
        kol.group,
        [channel_row(kol_name="Ngọc Trinh Official", handle="ngoctrinh", followers="1500000")],
    )
    assert (result.created, result.updated) == (0, 1)
    assert set(Channel.objects.values_list("kol_name", flat=True)) == {"Ngọc Trinh Official"}
    assert all("official" in c.search_text for c in Channel.objects.all())


def test_a_new_channel_joins_the_existing_kol_of_a_row_with_the_same_name(specialist, kol, channel):
    rows = [
        channel_row(kol_name="Ngọc Trinh", handle="ngoctrinh", followers="1500000"),
        channel_row(kol_name="ngọc trinh", platform="instagram", handle="ngoctrinh.ig", followers="300000"),
    ]
    result = run(specialist, kol.group, rows)
    assert (result.created, result.unchanged + result.updated) == (1, 1)
    assert Kol.objects.count() == 1
    assert sorted(kol.channels.values_list("platform", flat=True)) == ["instagram", "tiktok"]
    assert all("ngoctrinh.ig" in c.search_text for c in kol.channels.all())


def test_a_name_is_matched_only_among_the_files_rows_never_against_the_whole_database(
    specialist, kol, channel
):
    result = run(
        specialist, kol.group, [channel_row(kol_name="Ngọc Trinh", platform="instagram", handle="other")]
    )
    assert result.created == 1
    assert Kol.objects.filter(display_name="Ngọc Trinh").count() == 2  # a namesake, not a merge


def test_one_bad_row_writes_nothing(specialist, group):
    rows = [channel_row(handle=f"ok{i}") for i in range(5)] + [channel_row(handle="bad", followers="lots")]
    result = run(specialist, group, rows)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [(7, "followers", "lots")]
    assert (Kol.objects.count(), Channel.objects.count(), Tag.objects.count(), history_rows()) == (0, 0, 0, 0)


def test_an_error_found_in_the_database_step_rolls_everything_back(specialist, group):
    rows = [channel_row(handle=f"ok{i}", kol_name=f"K{i}") for i in range(3)]
    rows.append(channel_row(kol_name="Bad", handle="bad", status="blacklisted", tags="new-tag"))
    result = run(specialist, group, rows)
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "blacklist_reason")]
    assert (Kol.objects.count(), Channel.objects.count(), Tag.objects.count(), history_rows()) == (0, 0, 0, 0)


def test_a_dry_run_counts_what_would_happen_and_writes_nothing(specialist, channel):
    rows = [channel_row(kol_name="Ngọc Trinh", handle="ngoctrinh", followers="2000000"), channel_row()]
    result = run(specialist, channel.group, rows, dry_run=True)
    assert (result.created, result.updated, result.unchanged, result.dry_run) == (1, 1, 0, True)
    channel.refresh_from_db()
    assert channel.followers == 1_500_000
    assert Channel.objects.count() == 1


def test_rows_of_one_kol_must_agree(specialist, group):
    rows = [
        channel_row(agency="A"),
        channel_row(platform="youtube", agency="B"),
        channel_row(platform="facebook", agency=""),
    ]
    result = run(specialist, group, rows)
    assert [(e["row"], e["column"], e["value"]) for e in result.errors] == [(3, "agency", "B")]
    assert "Row 2" in result.errors[0]["message"]


def test_blacklisting_needs_a_reason_which_can_stay_from_before(specialist, kol, channel):
    services.kol_update(
        by=specialist, kol=kol, data={"status": "blacklisted", "blacklist_reason": "Fake followers"}
    )
    result = run(
        specialist,
        kol.group,
        [channel_row(kol_name="Ngọc Trinh", handle="ngoctrinh", followers="1500000", status="blacklisted")],
    )
    assert result.errors == []
    kol.refresh_from_db()
    assert (kol.status, kol.blacklist_reason) == ("blacklisted", "Fake followers")


def test_a_missing_column_leaves_values_and_an_empty_cell_clears_them(specialist, kol, channel):
    # The fixture KOL has notes, a female share of 70 % and the skincare tag.
    run(specialist, kol.group, [channel_row(kol_name="Ngọc Trinh", handle="ngoctrinh", followers="1500000")])
    kol.refresh_from_db()
    channel.refresh_from_db()
    assert (kol.notes, channel.aud_female, [t.name for t in kol.tags.all()]) == (
        "Thời trang, làm đẹp",
        70,
        ["skincare"],
    )
    run(
        specialist,
        kol.group,
        [
            channel_row(
                kol_name="Ngọc Trinh",
                handle="ngoctrinh",
                followers="1500000",
                notes="",
                female="",
                tags="",
                kol_type="",
            )
        ],
    )
    kol.refresh_from_db()
    channel.refresh_from_db()
    assert (kol.notes, channel.aud_female, list(kol.tags.all())) == ("", None, [])
    assert kol.kol_type == "celebrity"  # a type cannot be empty: an empty cell keeps it


def test_contact_columns_change_only_their_own_contact(specialist, kol, channel):
    services.kol_update(by=specialist, kol=kol, data={"contacts": {"telegram": "@nt", "phone": "1"}})
    run(
        specialist,
        kol.group,
        [
            channel_row(
                kol_name="Ngọc Trinh", handle="ngoctrinh", followers="1500000", phone="+84 2", email=""
            )
        ],
    )
    kol.refresh_from_db()
    assert kol.contacts == {"telegram": "@nt", "phone": "+84 2"}


def test_audience_regions_are_replaced_by_the_files(specialist, group):
    run(specialist, group, [channel_row(audience_regions="VN-SG:35;VN-HN:20")])
    result = run(specialist, group, [channel_row(audience_regions="VN-DN:50")])
    assert result.updated == 1
    assert list(AudienceRegionShare.objects.values_list("region", "share")) == [("VN-DN", 50)]


def test_prices_in_another_currency_leave_the_first_currency_alone(specialist, group):
    run(specialist, group, [channel_row(price_post="1000000", price_currency="VND")])
    run(specialist, group, [channel_row(price_post="300", price_currency="USD")])
    assert sorted(RateCard.objects.values_list("currency", "price")) == [("USD", 300), ("VND", 1_000_000)]


def test_an_empty_price_leaves_the_rate_card_alone(specialist, group):
    run(specialist, group, [channel_row(price_post="1000000", price_currency="VND")])
    result = run(specialist, group, [channel_row(price_post="", price_currency="VND")])
    assert result.unchanged == 1
    assert RateCard.objects.get().price == 1_000_000


def test_tags_are_shared_within_the_group_whatever_their_spelling(specialist, kol, channel):
    result = run(specialist, kol.group, [channel_row(tags="SKINCARE;review")])
    assert result.errors == []
    assert Tag.objects.filter(group=kol.group).count() == 2
    assert sorted(Kol.objects.get(display_name="Mai Anh").tags.values_list("name", flat=True)) == [
        "review",
        "skincare",
    ]


def test_channels_of_another_group_are_never_matched(specialist, outsider, channel, other_group):
    result = run(outsider, other_group, [channel_row(kol_name="Ngọc Trinh", handle="ngoctrinh")])
    assert result.created == 1
    assert Channel.objects.filter(handle_key="ngoctrinh").count() == 2
    channel.refresh_from_db()
    assert channel.followers == 1_500_000


def test_formula_like_text_is_stored_as_text(specialist, group):
    run(specialist, group, [channel_row(notes='=HYPERLINK("http://x","y")', real_name="+84 90")])
    kol = Kol.objects.get()
    assert (kol.notes, kol.real_name) == ('=HYPERLINK("http://x","y")', "+84 90")


def test_history_names_the_importer_and_the_file(specialist, group):
    run(specialist, group, [channel_row(price_post="1", price_currency="USD")])
    for record in (Kol.history.get(), Channel.history.get(), RateCard.history.get()):
        assert (record.history_user, record.history_type) == (specialist, "+")
        assert record.history_change_reason == "Import of kols.csv"


def test_a_system_import_needs_no_user_and_names_none(group):
    result = run(None, group, [channel_row()])
    assert result.created == 1
    assert Kol.objects.get().created_by is None
    assert Channel.history.get().history_user is None


def test_a_viewer_may_not_import(viewer, group):
    with pytest.raises(PermissionDenied):
        run(viewer, group, [channel_row()])
    assert Kol.objects.count() == 0


def test_kols_are_imported_into_a_group_never_into_a_subsidiary(specialist, group):
    subsidiary = group.children.get()
    with pytest.raises(ValueError):
        run(None, subsidiary, [channel_row()])


def test_a_user_may_not_import_into_another_group(outsider, group):
    with pytest.raises(PermissionDenied):
        run(outsider, group, [channel_row()])


def test_xlsx_and_utf16_files_import_like_csv(specialist, group):
    assert run(specialist, group, [FULL_ROW], fmt="xlsx").created == 1
    again = run(specialist, group, [FULL_ROW], encoding="utf-16", delimiter="\t", sep_line=True)
    assert (again.unchanged, again.errors) == (1, [])


def test_a_windows_1258_file_is_stored_with_composed_letters(specialist, group):
    run(specialist, group, [channel_row(kol_name="Nguyễn Thị Ngọc Trinh", notes="Hà Nội")], encoding="cp1258")
    kol = Kol.objects.get()
    assert (kol.display_name, kol.notes) == ("Nguyễn Thị Ngọc Trinh", "Hà Nội")
    assert Channel.objects.filter(search_text__contains="nguyen thi ngoc trinh").exists()


def test_every_documented_column_can_be_imported(specialist, group):
    assert {c.name for c in COLUMNS} - set(FULL_ROW) == {
        "wechat",
        "line",
        "blacklist_reason",
        "risk_flags",
        "age_13_17",
        "age_35_44",
        "age_45_54",
        "age_55_plus",
        "price_long_video",
        "price_story",
        "price_livestream_hour",
        "price_event",
        "price_usage_rights",
    }
    row = {
        **FULL_ROW,
        "wechat": "mai_wx",
        "line": "mai_line",
        "status": "blacklisted",
        "blacklist_reason": "Late",
        "risk_flags": "controversy",
        "age_13_17": "5",
        "age_35_44": "10",
        "age_45_54": "5",
        "age_55_plus": "5",
        "price_long_video": "1",
        "price_story": "2",
        "price_livestream_hour": "3",
        "price_event": "4",
        "price_usage_rights": "5",
    }
    assert run(specialist, group, [row]).errors == []
    kol = Kol.objects.get()
    assert (kol.status, kol.blacklist_reason, kol.risk_flags) == ("blacklisted", "Late", ["controversy"])
    assert Channel.objects.get().aud_age_55_plus == 5
    assert RateCard.objects.count() == 7


def test_categories_of_the_catalogue_are_read_by_name_in_any_language(specialist, group):
    result = run(specialist, group, [channel_row(categories="Làm đẹp, 美食, Travel")])
    assert result.errors == []
    assert set(Kol.objects.get().categories.values_list("slug", flat=True)) == {"beauty", "food", "travel"}
    assert Category.objects.count() >= 18
