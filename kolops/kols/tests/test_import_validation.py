"""Checking a KOL file row by row, without a database: types, required columns, duplicates,
audience shares, numbers as people type them, and formula-like cells."""

from decimal import Decimal

import pytest
from django.utils import translation

from kolops.core.regions import REGIONS
from kolops.kols.importers import validate
from kolops.kols.importers.readers import Table
from kolops.kols.importers.validate import Catalog, CellInvalid, parse_number, validate_table
from kolops.kols.tests.import_files import channel_row, table

CATALOG = Catalog.build(
    categories=[("beauty", "Beauty", "Làm đẹp", "美妆"), ("food", "Food", "Ẩm thực", "美食")],
    regions=[(r.code, r.level, (r.en, r.vi, r.zh)) for r in REGIONS.values()],
)


def check(rows: list[dict] | list[list], header: list[str] | None = None):
    data = table(rows, header) if rows and isinstance(rows[0], dict) else rows
    return validate_table(Table("csv", "utf-8", iter(enumerate(data, start=1)), len(data)), CATALOG)


def errors_of(result) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_a_valid_row_becomes_a_typed_record():
    result = check([channel_row(engagement_rate="4,2", verified="có", categories="Làm đẹp; food")])
    assert result.errors == []
    record = result.records[0]
    assert record.row == 2
    assert record.channel == {
        "platform": "tiktok",
        "handle": "maianh",  # the @ is dropped
        "followers": 12000,
        "engagement_rate": Decimal("4.20"),
        "verified": True,
    }
    assert record.kol == {"display_name": "Mai Anh", "categories": ["beauty", "food"]}
    assert record.handle_key == "maianh"


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1,500,000", 1_500_000),
        ("1.500.000", 1_500_000),
        ("1 500 000", 1_500_000),
        ("1\u00a0500\u00a0000", 1_500_000),
        ("1,500", 1_500),
        ("1.500", 1_500),
        ("1.5M", 1_500_000),
        ("1,2tr", 1_200_000),
        ("12万", 120_000),
        ("3.4亿", 340_000_000),
        ("120K", 120_000),
        ("1.5E+06", 1_500_000),
        ("１２３", 123),
        (1_500_000, 1_500_000),
        (1500000.0, 1_500_000),
    ],
)
def test_follower_counts_are_read_as_people_type_them(typed, value):
    assert validate.parse_int(typed) == value


@pytest.mark.parametrize("typed", ["1,5", "1.50", "abc", "1,50,0", "12 people", "-5"])
def test_follower_counts_that_are_not_whole_non_negative_numbers_are_refused(typed):
    with pytest.raises(CellInvalid):
        validate.parse_int(typed)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("4,2", "4.20"),
        ("4.2", "4.20"),
        ("4.2%", "4.20"),
        ("4,25 %", "4.25"),
        ("0,5", "0.50"),
        ("100", "100.00"),
    ],
)
def test_percentages_take_a_decimal_comma_or_point(typed, value):
    assert validate.parse_percent(typed, 100) == Decimal(value)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("15.000.000", "15000000"),
        ("15,000,000 VND", "15000000"),
        ("1,500.50", "1500.50"),
        ("1.500,50", "1500.50"),
        ("15tr", "15000000"),
        ("₫2.000.000", "2000000"),
    ],
)
def test_prices_take_grouping_decimals_and_currency_marks(typed, value):
    assert validate.parse_money(typed) == Decimal(value)


def test_missing_and_placeholder_numbers_are_empty():
    for typed in ("", "  ", "-", "N/A", "undefined"):
        assert parse_number(typed) is None


def test_wrong_types_are_reported_with_row_column_value_and_reason():
    result = check(
        [
            channel_row(),
            channel_row(
                handle="b", followers="many", engagement_rate="high", verified="maybe", email="not-mail"
            ),
        ]
    )
    assert result.records[0].row == 2 and len(result.records) == 1
    found = {(e.row, e.column, e.value) for e in result.errors}
    assert found == {
        (3, "followers", "many"),
        (3, "engagement_rate", "high"),
        (3, "verified", "maybe"),
        (3, "email", "not-mail"),
    }


def test_unknown_platform_category_region_and_status_are_reported():
    result = check(
        [
            channel_row(
                platform="myspace", categories="beauty;knitting", home_region="Atlantis", status="retired"
            )
        ]
    )
    columns = {e.column: e.message for e in result.errors}
    assert set(columns) == {"platform", "categories", "home_region", "status"}
    assert "knitting" in columns["categories"]
    assert "tiktok" in columns["platform"]  # the message lists what is allowed


def test_choices_accept_labels_in_vietnamese_and_chinese_and_common_aliases():
    result = check(
        [
            channel_row(platform="抖音", status="Tạm dừng", kol_type="Người nổi tiếng", home_region="Hà Nội"),
            channel_row(handle="b", platform="XHS", status="黑名单", blacklist_reason="fake followers"),
        ]
    )
    assert result.errors == []
    first, second = result.records
    assert (first.channel["platform"], first.kol["status"], first.kol["home_region"]) == (
        "douyin",
        "paused",
        "VN-HN",
    )
    assert first.kol["kol_type"] == "celebrity"
    assert (second.channel["platform"], second.kol["status"]) == ("xiaohongshu", "blacklisted")


def test_missing_required_columns_are_reported_once_for_the_file():
    result = check([{"kol_name": f"K{i}", "handle": f"h{i}"} for i in range(50)])
    assert errors_of(result) == [
        (None, "platform", "The required column “platform” is missing."),
        (None, "followers", "The required column “followers” is missing."),
    ]
    assert result.records == []


def test_empty_required_cells_are_reported_per_row():
    result = check([channel_row(kol_name="", followers="")])
    assert {(e.row, e.column) for e in result.errors} == {(2, "kol_name"), (2, "followers")}


def test_duplicate_channels_in_one_file_name_both_rows():
    result = check([channel_row(), channel_row(kol_name="Someone else"), channel_row(handle="MaiAnh ")])
    messages = {(e.row, e.column, e.message) for e in result.errors}
    assert messages == {
        (row, "handle", "Rows 2, 3, 4 are the same channel (same platform and handle).") for row in (2, 3, 4)
    }
    assert result.records == []


def test_the_same_handle_on_two_platforms_is_two_channels():
    result = check([channel_row(), channel_row(platform="youtube")])
    assert result.errors == [] and len(result.records) == 2


def test_age_shares_over_100_percent_are_refused():
    result = check([channel_row(age_18_24="60", age_25_34="50")])
    assert errors_of(result) == [(2, "age_*", "Age shares add up to more than 100 %.")]


def test_gender_shares_over_100_percent_are_refused():
    result = check([channel_row(female="70", male="40")])
    assert errors_of(result) == [(2, "female, male", "Female and male shares add up to more than 100 %.")]


def test_region_shares_over_100_percent_within_a_level_are_refused():
    result = check([channel_row(audience_regions="VN-SG:70;VN-HN:40")])
    [(row, column, message)] = errors_of(result)
    assert (row, column) == (2, "audience_regions")
    assert "110.00" in message and "province" in message


def test_region_shares_of_different_levels_add_up_separately():
    result = check([channel_row(audience_regions="VN:80; VN-SG:60; VN-HN:30; CN-GD-SZ:5")])
    assert result.errors == []
    shares = {(s.code, s.level, s.share) for s in result.records[0].regions}
    assert shares == {
        ("VN", "country", Decimal("80.00")),
        ("VN-SG", "province", Decimal("60.00")),
        ("VN-HN", "province", Decimal("30.00")),
        ("CN-GD-SZ", "city", Decimal("5.00")),
    }


def test_a_region_listed_twice_is_refused():
    result = check([channel_row(audience_regions="VN-SG:10;vn-sg:20")])
    assert [e.column for e in result.errors] == ["audience_regions"]


def test_formula_like_text_is_kept_as_text():
    result = check([channel_row(notes='=HYPERLINK("http://evil")', real_name="+84 90", agency="@team")])
    assert result.errors == []
    kol = result.records[0].kol
    assert (kol["notes"], kol["real_name"], kol["agency"]) == ('=HYPERLINK("http://evil")', "+84 90", "@team")


def test_the_apostrophe_an_export_puts_before_formula_like_text_is_dropped():
    result = check([channel_row(notes="'=SUM(A1)", handle="'-dash", real_name="'quoted")])
    record = result.records[0]
    assert record.kol["notes"] == "=SUM(A1)"
    assert record.channel["handle"] == "-dash"
    assert record.kol["real_name"] == "'quoted"  # not formula-like: kept as typed


def test_a_formula_in_a_number_column_is_refused_not_calculated():
    result = check([channel_row(followers="=1000*2")])
    [error] = result.errors
    assert (error.column, error.value) == ("followers", "=1000*2")
    assert "formula" in error.message


def test_a_profile_link_in_the_handle_column_is_refused():
    result = check([channel_row(handle="https://www.tiktok.com/@maianh")])
    assert [e.column for e in result.errors] == ["handle"]


def test_prices_need_a_currency():
    result = check([channel_row(price_post="1.000.000")])
    assert errors_of(result) == [
        (2, "price_currency", "Add a price_currency column: the prices need a currency.")
    ]


def test_vnd_prices_are_whole_dong():
    result = check([channel_row(price_post="1500000,6", price_currency="VND")])
    assert result.records[0].prices == {"post": Decimal("1500001")}


def test_a_title_row_above_the_header_is_skipped_and_rows_keep_their_numbers():
    data = [["Danh sách KOL tháng 6"], [], *table([channel_row()])]
    result = check(data)
    assert result.errors == []
    assert result.records[0].row == 4


def test_unknown_columns_are_ignored_with_a_warning_and_empty_rows_skipped():
    result = check([channel_row(favourite_colour="blue"), {}, channel_row(handle="b")])
    assert result.errors == []
    assert [r.row for r in result.records] == [2, 4]
    assert result.warnings == ["Column “favourite_colour” is not a KOL column and was ignored."]


def test_headers_are_matched_whatever_their_case_and_spacing():
    result = check(
        [["KOL Name", "Platform *", "HANDLE", "Followers", "Age 55+"], ["Mai", "tiktok", "m", "5", "3"]]
    )
    assert result.errors == []
    assert result.records[0].channel["aud_age_55_plus"] == Decimal("3.00")


def test_a_column_given_twice_is_a_file_error():
    result = check(
        [["kol_name", "platform", "handle", "followers", "followers"], ["Mai", "tiktok", "m", "5", "6"]]
    )
    assert errors_of(result) == [(1, "followers", "This column appears twice in the header.")]


def test_messages_are_translated_when_the_file_is_checked(monkeypatch):
    # Messages go through gettext at check time, in the language active then (the uploader's).
    monkeypatch.setattr(validate, "_", lambda message: f"[{translation.get_language()}] {message}")
    with translation.override("vi"):
        [error] = check([channel_row(followers="many")]).errors
    assert error.message == "[vi] Expected a number."


def test_errors_are_capped_and_counted():
    rows = [channel_row(handle=f"h{i}", followers="x") for i in range(30)]
    data = table(rows)
    result = validate_table(Table("csv", None, iter(enumerate(data, start=1)), 31), CATALOG, max_errors=10)
    assert len(result.errors) == 10
    assert result.error_count == 30
