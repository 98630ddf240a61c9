"""Exporting the KOL database: the import's columns, neutralised formulas, and files that
import back unchanged."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kolops.kols import services
from kolops.kols.importers.columns import COLUMNS
from kolops.kols.imports import channels_export, import_template, kols_import
from kolops.kols.models import Channel, Kol, RateCard
from kolops.kols.query import ChannelQuery
from kolops.kols.services import RegionShareInput

pytestmark = pytest.mark.django_db
HEADER = [c.name for c in COLUMNS]


def csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel reads the accents"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_rows(data: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def rich_kol(specialist, kol, channel):
    """The fixture KOL with a second channel, contacts, prices, audience regions and history."""
    services.kol_update(
        by=specialist,
        kol=kol,
        data={
            "contacts": {"phone": "+84 901 234 567", "email": "nt@example.com", "telegram": "@nt"},
            "languages": ["vi", "en"],
            "risk_flags": ["controversy"],
            "agency": "=cmd|' /C calc'!A0",
        },
    )
    youtube = services.channel_create(
        by=specialist,
        kol=kol,
        data={"platform": "youtube", "handle": "-ngoctrinh", "followers": 80_000, "engagement_rate": "3.5"},
    )
    services.audience_regions_set(
        by=specialist,
        channel=channel,
        shares=[
            RegionShareInput("province", "VN-SG", Decimal("35")),
            RegionShareInput("country", "VN", Decimal("90")),
        ],
    )
    for deliverable, price in (("post", "20000000"), ("short_video", "35000000")):
        services.rate_card_save(
            by=specialist,
            channel=channel,
            data={"deliverable_type": deliverable, "price": Decimal(price), "currency": "VND"},
        )
    # An expired price and one in another currency: neither is the row's current VND price.
    services.rate_card_save(
        by=specialist,
        channel=channel,
        data={
            "deliverable_type": "post",
            "price": Decimal("1"),
            "currency": "VND",
            "valid_until": timezone.localdate() - timedelta(days=1),
        },
    )
    services.rate_card_save(
        by=specialist,
        channel=youtube,
        data={"deliverable_type": "long_video", "price": Decimal("500"), "currency": "USD"},
    )
    return kol


def test_csv_export_has_the_import_columns_and_one_row_per_channel(specialist, rich_kol):
    rows = csv_rows(channels_export(user=specialist, query=ChannelQuery(), fmt="csv"))
    assert list(rows[0]) == HEADER
    tiktok = next(r for r in rows if r["platform"] == "tiktok")
    assert tiktok["kol_name"] == "Ngọc Trinh"
    assert (tiktok["followers"], tiktok["engagement_rate"], tiktok["female"]) == ("1500000", "4.2", "70")
    assert tiktok["categories"] == "beauty" and tiktok["tags"] == "skincare"
    assert tiktok["audience_regions"] == "VN:90;VN-SG:35"
    assert (tiktok["price_post"], tiktok["price_short_video"], tiktok["price_currency"]) == (
        "20000000",
        "35000000",
        "VND",
    )
    assert (tiktok["phone"], tiktok["email"], tiktok["languages"]) == (
        "'+84 901 234 567",
        "nt@example.com",
        "vi;en",
    )
    youtube = next(r for r in rows if r["platform"] == "youtube")
    assert (youtube["price_long_video"], youtube["price_currency"]) == ("500", "USD")


def test_formula_like_cells_are_neutralised_in_csv(specialist, rich_kol):
    rows = csv_rows(channels_export(user=specialist, query=ChannelQuery(), fmt="csv"))
    assert {r["agency"] for r in rows} == {"'=cmd|' /C calc'!A0"}
    assert {r["handle"] for r in rows} == {"ngoctrinh", "'-ngoctrinh"}


def test_formula_like_cells_are_text_not_formulas_in_xlsx(specialist, rich_kol):
    data = channels_export(user=specialist, query=ChannelQuery(), fmt="xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(data))  # not read-only: cell types are visible
    sheet = workbook["KOLs"]
    agency = HEADER.index("agency") + 1
    cells = [sheet.cell(row=r, column=agency) for r in (2, 3)]
    assert {c.value for c in cells} == {"'=cmd|' /C calc'!A0"}
    assert {c.data_type for c in cells} == {"s"}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged(specialist, rich_kol, fmt):
    data = channels_export(user=specialist, query=ChannelQuery(), fmt=fmt)
    history = Kol.history.count() + Channel.history.count() + RateCard.history.count()
    result = kols_import(
        by=specialist, group=rich_kol.group, file_name=f"export.{fmt}", data=data, dry_run=False
    )
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 2, [])
    assert Kol.history.count() + Channel.history.count() + RateCard.history.count() == history
    rich_kol.refresh_from_db()
    assert rich_kol.agency == "=cmd|' /C calc'!A0"
    assert rich_kol.contacts["telegram"] == "@nt"


def test_an_export_edited_and_imported_updates_what_was_edited(specialist, rich_kol):
    rows = csv_rows(channels_export(user=specialist, query=ChannelQuery(), fmt="csv"))
    for row in rows:
        if row["platform"] == "youtube":
            row["followers"] = "95000"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER)
    writer.writeheader()
    writer.writerows(rows)
    result = kols_import(
        by=specialist, group=rich_kol.group, file_name="e.csv", data=buffer.getvalue().encode(), dry_run=False
    )
    assert (result.updated, result.unchanged) == (1, 1)
    assert Channel.objects.get(platform="youtube").followers == 95_000


def test_the_export_follows_the_lists_filters(specialist, rich_kol):
    rows = csv_rows(channels_export(user=specialist, query=ChannelQuery(platforms=["youtube"]), fmt="csv"))
    assert [r["handle"] for r in rows] == ["'-ngoctrinh"]


def test_the_export_holds_only_groups_where_the_user_may_export(viewer, outsider, rich_kol):
    assert csv_rows(channels_export(user=viewer, query=ChannelQuery(), fmt="csv")) == []
    assert csv_rows(channels_export(user=outsider, query=ChannelQuery(), fmt="csv")) == []


def test_the_export_reads_in_the_same_number_of_queries_however_many_channels(specialist, rich_kol):
    def queries_to_export() -> int:
        specialist.__dict__.pop("_kolops_roles", None)  # the role cache: measure the same work
        with CaptureQueriesContext(connection) as queries:
            channels_export(user=specialist, query=ChannelQuery(), fmt="csv")
        return len(queries)

    few = queries_to_export()
    for i in range(20):
        kol = services.kol_create(
            by=specialist, group=rich_kol.group, data={"display_name": f"K{i}"}, tags=["x"]
        )
        services.channel_create(
            by=specialist, kol=kol, data={"platform": "tiktok", "handle": f"k{i}", "followers": i}
        )
    assert queries_to_export() == few <= 8


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_example_row_is_a_valid_import(specialist, group, fmt):
    data = import_template(fmt)
    result = kols_import(by=specialist, group=group, file_name=f"template.{fmt}", data=data, dry_run=True)
    assert (result.created, result.errors) == (1, [])


def test_the_xlsx_template_explains_every_column(specialist):
    workbook = openpyxl.load_workbook(io.BytesIO(import_template("xlsx")), read_only=True)
    assert workbook.sheetnames == ["KOLs", "Columns"]
    assert [row[0] for row in workbook["Columns"].iter_rows(min_row=2, values_only=True)] == HEADER
    assert xlsx_rows(import_template("xlsx"))[0] == HEADER
