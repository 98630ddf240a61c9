"""Proposal exports: the XLSX workbook and the PDF match the comparison table, in any language."""

import contextlib
import datetime
import io
import re
import zlib
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from kolops.campaigns.exports import export_filename, proposal_pdf, proposal_xlsx
from kolops.campaigns.models import ProposalItem
from kolops.campaigns.selectors import proposal_detail, proposal_table
from kolops.campaigns.services import campaign_create, proposal_create_manual

pytestmark = pytest.mark.django_db

ENGLISH_HEADER = [
    "KOL",
    "Platform",
    "Handle",
    "Followers",
    "ER (%)",
    "Fit",
    "Audience fit",
    "Content fit",
    "Performance",
    "Cost efficiency",
    "Reliability",
    "Risk",
    "Expected views",
    "Expected engagements",
    "Expected clicks",
    "Cost",
    "CPM",
    "CPE",
    "Past rating",
    "Risk flags",
    "Decision",
    "Comment",
]
COLUMN = {name: index for index, name in enumerate(ENGLISH_HEADER)}


def _item(proposal, **values) -> ProposalItem:
    fit = {
        "fit_total": 0.8,
        "fit_audience": 0.9,
        "fit_content": 0.75,
        "fit_performance": 0.6,
        "fit_cost": 0.7,
        "fit_reliability": 0.85,
        "fit_risk": 1.0,
    }
    return ProposalItem.objects.create(proposal=proposal, **{**fit, **values})


@pytest.fixture
def proposal(group, specialist, channel):
    """Version 1 of a VND awareness campaign: two mega and two micro KOLs."""
    campaign = campaign_create(
        by=specialist,
        organization=group,
        data={
            "name": "Chiến dịch Tết Đẹp 2027",
            "objective": "awareness",
            "start_on": datetime.date(2027, 1, 5),
            "end_on": datetime.date(2027, 2, 10),
            "budget": Decimal("100000000"),
            "currency": "VND",
            "reserve_percent": Decimal(10),
        },
    )
    proposal = proposal_create_manual(by=specialist, campaign=campaign)
    common = {"platform": "tiktok", "expected_clicks": 900}
    _item(
        proposal,
        channel=channel,
        kol=channel.kol,
        kol_name="Ngọc Trinh",
        handle="@ngoctrinh",
        tier="mega",
        followers=1_500_000,
        engagement_rate=Decimal("4.20"),
        cost=Decimal("45000000"),
        expected_views=240_000,
        expected_engagements=10_080,
        past_rating=4.5,
        decision="approved",
        decision_comment="Hợp với thương hiệu",
        **common,
    )
    _item(
        proposal,
        kol_name="李佳琦",
        platform="douyin",
        handle="@lijiaqi",
        tier="mega",
        followers=2_300_000,
        engagement_rate=Decimal("2.75"),
        cost=Decimal("30000000"),
        expected_views=345_000,
        expected_engagements=9_488,
        expected_clicks=1_380,
        fit_total=0.7,
        risk_flags=["controversy"],
        decision="rejected",
        decision_comment="Quá đắt so với CPE",
    )
    _item(
        proposal,
        kol_name="Trần Minh Châu",
        handle="@minhchau.review",
        tier="micro",
        followers=42_000,
        engagement_rate=Decimal("7.10"),
        cost=Decimal("6500000"),
        expected_views=6_720,
        expected_engagements=477,
        **common,
    )
    _item(
        proposal,
        kol_name='=HYPERLINK("http://evil.example","click")',
        handle="@formula",
        tier="micro",
        followers=15_000,
        engagement_rate=None,
        cost=Decimal("2500000"),
        expected_views=2_400,
        expected_engagements=0,
        fit_total=0.5,
        **common,
    )
    return proposal


@pytest.fixture
def table(proposal, specialist):
    return proposal_table(proposal_detail(user=specialist, pk=proposal.pk))


def _workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def _rows(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _summary_value(sheet, label: str):
    for row in sheet.iter_rows(values_only=True):
        if row[0] == label:
            return row[1]
    raise AssertionError(f"{label!r} is not on the summary sheet")


def test_xlsx_has_a_summary_then_one_sheet_per_tier_in_table_order(table):
    workbook = _workbook(proposal_xlsx(table, language="en"))

    assert [g.tier for g in table.groups] == ["mega", "micro"]
    assert workbook.sheetnames == ["Summary", "Mega - top star", "Micro"]


def test_xlsx_tier_sheets_match_the_items_and_their_totals(table):
    workbook = _workbook(proposal_xlsx(table, language="en"))

    for group, title in zip(table.groups, workbook.sheetnames[1:], strict=True):
        header, *items, total = _rows(workbook[title])
        assert header == ENGLISH_HEADER
        assert len(items) == len(group.items)
        for row, item in zip(items, group.items, strict=True):
            if not item.kol_name.startswith("="):
                assert row[COLUMN["KOL"]] == item.kol_name
            assert row[COLUMN["Followers"]] == item.followers
            assert row[COLUMN["Expected views"]] == item.expected_views
            assert Decimal(str(row[COLUMN["Cost"]])) == item.cost
        assert total[COLUMN["KOL"]] == "Total"
        for column in ("Followers", "Expected views", "Expected engagements", "Expected clicks", "Cost"):
            assert total[COLUMN[column]] == sum(row[COLUMN[column]] for row in items)
        assert Decimal(str(total[COLUMN["Cost"]])) == group.totals.cost


def test_xlsx_cells_are_numbers_with_formats_and_labels_in_english(table):
    sheet = _workbook(proposal_xlsx(table, language="en"))["Mega - top star"]
    first = list(sheet[2])

    assert first[COLUMN["Platform"]].value == "TikTok"
    assert isinstance(first[COLUMN["Cost"]].value, int | float)
    assert first[COLUMN["Cost"]].number_format == "#,##0"
    assert first[COLUMN["Audience fit"]].value == pytest.approx(0.9)
    assert first[COLUMN["Audience fit"]].number_format == "0%"
    assert first[COLUMN["ER (%)"]].value == pytest.approx(4.2)
    assert first[COLUMN["CPM"]].value == pytest.approx(45_000_000 * 1000 / 240_000)
    assert first[COLUMN["Decision"]].value == "Approved"
    assert first[COLUMN["Comment"]].value == "Hợp với thương hiệu"
    second = [cell.value for cell in sheet[3]]
    assert second[COLUMN["KOL"]] == "李佳琦"
    assert second[COLUMN["Risk flags"]] == "Public controversy"
    assert second[COLUMN["Decision"]] == "Rejected"
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].font.bold


def test_xlsx_summary_matches_the_table(table):
    sheet = _workbook(proposal_xlsx(table, language="en"))["Summary"]

    assert _summary_value(sheet, "Campaign") == "Chiến dịch Tết Đẹp 2027"
    assert _summary_value(sheet, "Objective") == "Awareness"
    assert _summary_value(sheet, "Version") == 1
    assert _summary_value(sheet, "Currency") == "VND"
    assert _summary_value(sheet, "Budget") == 100_000_000
    assert _summary_value(sheet, "Reserve") == 10_000_000
    assert _summary_value(sheet, "Plannable budget") == 90_000_000
    assert Decimal(str(_summary_value(sheet, "Spent"))) == table.totals.cost == Decimal(84_000_000)
    assert Decimal(str(_summary_value(sheet, "Remaining"))) == table.remaining
    assert _summary_value(sheet, "Expected views") == table.totals.views
    rows = _rows(sheet)
    start = next(n for n, row in enumerate(rows) if row[0] == "Tier")
    assert rows[start] == ["Tier", "KOLs", "Cost", "Expected views", "Expected engagements", "CPM", "CPE"]
    tiers = rows[start + 1 : start + 1 + len(table.groups)]
    for row, group in zip(tiers, table.groups, strict=True):
        assert row[:4] == [group.label, group.totals.count, group.totals.cost, group.totals.views]
    assert rows[start + 1 + len(table.groups)][:3] == ["Total", 4, 84_000_000]


def test_xlsx_writes_a_formula_looking_name_as_text(table):
    sheet = _workbook(proposal_xlsx(table, language="en"))["Micro"]
    cells = [row[COLUMN["KOL"]] for row in sheet.iter_rows(min_row=2)]
    formula = next(cell for cell in cells if "HYPERLINK" in str(cell.value))

    assert formula.data_type == "s"
    assert not formula.value.startswith("=")
    assert formula.value == "'" + table.groups[1].items[-1].kol_name


@pytest.mark.parametrize("language", ["vi", "zh-hans"])
def test_xlsx_in_other_languages_has_the_same_shape(table, language):
    english = _workbook(proposal_xlsx(table, language="en"))
    other = _workbook(proposal_xlsx(table, language=language))

    assert len(other.sheetnames) == len(english.sheetnames)
    for mine, theirs in zip(other.worksheets, english.worksheets, strict=True):
        assert mine.max_row == theirs.max_row
        assert mine.max_column == theirs.max_column


def _pages(data: bytes) -> int:
    """Page objects of a PDF, also inside compressed object streams (pypdf is not a dependency)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pass
    else:
        return len(PdfReader(io.BytesIO(data)).pages)
    chunks = [data]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        with contextlib.suppress(zlib.error):
            chunks.append(zlib.decompress(stream))
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", chunk)) for chunk in chunks)


@pytest.mark.parametrize("language", ["en", "vi", "zh-hans"])
def test_pdf_renders_in_each_language(table, language):
    data = proposal_pdf(table, language=language)

    assert data.startswith(b"%PDF")
    assert _pages(data) >= 1


def test_pdf_page_is_self_contained_and_formats_money_in_the_language(table):
    from django.template.loader import render_to_string
    from django.utils.translation import override

    from kolops.campaigns.exports import _pdf_context

    with override("vi"):
        html = render_to_string("campaigns/proposal_pdf.html", _pdf_context(table, "vi"))

    assert '<html lang="vi">' in html
    assert "Ngọc Trinh" in html and "李佳琦" in html
    assert "45.000.000\xa0₫" in html  # format_money in Vietnamese
    assert "1.500.000" in html  # followers with the Vietnamese grouping
    assert "&#x27;=HYPERLINK" not in html and "=HYPERLINK(&quot;http" in html  # escaped, not neutralised
    for loader in ("src=", "href=", "url(", "@import", "<link", "<img", "<script"):
        assert loader not in html


def test_pdf_of_an_empty_version_renders(specialist, proposal):
    empty = proposal_create_manual(by=specialist, campaign=proposal.campaign)
    table = proposal_table(proposal_detail(user=specialist, pk=empty.pk))

    assert proposal_pdf(table, language="zh-hans").startswith(b"%PDF")
    assert _workbook(proposal_xlsx(table, language="en")).sheetnames == ["Summary"]


def test_export_filename_is_ascii(table):
    xlsx, pdf = export_filename(table, "xlsx"), export_filename(table, "pdf")

    assert xlsx == "proposal-chien-dich-tet-dep-2027-v1.xlsx"
    assert pdf.endswith(".pdf")
    assert xlsx.isascii() and pdf.isascii()


def test_export_filename_falls_back_to_the_campaign_id(table):
    campaign = table.proposal.campaign
    campaign.name = "春节美妆"

    assert export_filename(table, "pdf") == f"proposal-{campaign.pk}-v1.pdf"
    with pytest.raises(ValueError):
        export_filename(table, "docx")
