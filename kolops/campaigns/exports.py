"""Proposal exports: the comparison table of a proposal version as an XLSX workbook or a PDF.

Both read a `ProposalTable` (`selectors.proposal_table`) and write in the reader's language.
The workbook holds a summary sheet and one sheet per tier with real numeric cells (so figures
can be summed and checked against the page); text a spreadsheet would run as a formula is
neutralised as in the KOL export. The PDF is rendered by WeasyPrint from
`campaigns/proposal_pdf.html` and never loads anything from outside (no URL is fetched).
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any

from babel.numbers import format_decimal, format_percent
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from kolops.core.money import BABEL_LOCALES, format_money
from kolops.core.tiers import Tier
from kolops.kols.choices import RiskFlag
from kolops.kols.importers.writers import XLSX_CONTENT_TYPE, neutralise

from .models import ProposalItem
from .selectors import ProposalTable, TierGroup, Totals

PDF_CONTENT_TYPE = "application/pdf"
CONTENT_TYPES = {"xlsx": XLSX_CONTENT_TYPE, "pdf": PDF_CONTENT_TYPE}

# Kinds of cell: how a value is written to the workbook and shown in the PDF.
TEXT, INT, MONEY, SHARE, PERCENT, RATING = "text", "int", "money", "share", "percent", "rating"
NUMBER_FORMATS = {INT: "#,##0", SHARE: "0%", PERCENT: "0.00", RATING: "0.0"}
CENTS = Decimal("0.01")
SHEET_TITLE_MAX = 31
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """A column of the comparison table: its label, kind, value of an item and of a tier's total."""

    label: str
    kind: str
    value: Callable[[ProposalItem], Any]
    width: int
    pdf_width: int
    total: Callable[[TierGroup], Any] | None = None


def _risk_flags(item: ProposalItem) -> str:
    return ", ".join(str(RiskFlag(f).label) if f in RiskFlag.values else f for f in item.risk_flags)


def _columns() -> list[Column]:
    """The comparison table's columns, labelled in the active language.

    Widths: characters in the workbook, millimetres in the PDF (0: shown under the KOL's name).
    """
    return [
        Column(_("KOL"), TEXT, attrgetter("kol_name"), 28, 26),
        Column(_("Platform"), TEXT, lambda i: i.get_platform_display(), 13, 0),
        Column(_("Handle"), TEXT, attrgetter("handle"), 20, 0),
        Column(
            _("Followers"), INT, attrgetter("followers"), 13, 16, lambda g: sum(i.followers for i in g.items)
        ),
        Column(_("ER (%)"), PERCENT, attrgetter("engagement_rate"), 8, 8),
        Column(_("Fit"), SHARE, attrgetter("fit_total"), 8, 9),
        Column(_("Audience fit"), SHARE, attrgetter("fit_audience"), 9, 10),
        Column(_("Content fit"), SHARE, attrgetter("fit_content"), 9, 10),
        Column(_("Performance"), SHARE, attrgetter("fit_performance"), 9, 10),
        Column(_("Cost efficiency"), SHARE, attrgetter("fit_cost"), 9, 10),
        Column(_("Reliability"), SHARE, attrgetter("fit_reliability"), 9, 10),
        Column(_("Risk"), SHARE, attrgetter("fit_risk"), 8, 9),
        Column(_("Expected views"), INT, attrgetter("expected_views"), 14, 15, lambda g: g.totals.views),
        Column(
            _("Expected engagements"),
            INT,
            attrgetter("expected_engagements"),
            14,
            15,
            lambda g: g.totals.engagements,
        ),
        Column(_("Expected clicks"), INT, attrgetter("expected_clicks"), 12, 12, lambda g: g.totals.clicks),
        Column(_("Cost"), MONEY, attrgetter("cost"), 16, 26, lambda g: g.totals.cost),
        Column(_("CPM"), MONEY, attrgetter("cpm"), 12, 16, lambda g: g.totals.cpm),
        Column(_("CPE"), MONEY, attrgetter("cpe"), 12, 14, lambda g: g.totals.cpe),
        Column(_("Past rating"), RATING, attrgetter("past_rating"), 9, 8),
        Column(_("Risk flags"), TEXT, _risk_flags, 28, 17),
        Column(_("Decision"), TEXT, lambda i: i.get_decision_display(), 12, 16),
        Column(_("Comment"), TEXT, attrgetter("decision_comment"), 40, 16),
    ]


def _tier_label(group: TierGroup) -> str:
    """The tier's name in the active language (the group's label was made in another one)."""
    return str(Tier(group.tier).label) if group.tier in Tier.values else group.label


def _item_row(item: ProposalItem, columns: list[Column]) -> list[tuple[Any, str]]:
    return [(c.value(item), c.kind) for c in columns]


def _total_row(group: TierGroup, columns: list[Column]) -> list[tuple[Any, str]]:
    row = [(c.total(group) if c.total else None, c.kind) for c in columns]
    row[0] = (_("Total"), TEXT)
    return row


def _summary_rows(table: ProposalTable) -> list[tuple[str, Any, str]]:
    """The summary figures: (label, value, kind)."""
    proposal, totals = table.proposal, table.totals
    campaign = proposal.campaign
    return [
        (_("Campaign"), campaign.name, TEXT),
        (_("Objective"), campaign.get_objective_display(), TEXT),
        (_("Version"), proposal.version, INT),
        (_("Status"), proposal.get_status_display(), TEXT),
        (_("Currency"), proposal.currency, TEXT),
        (_("Budget"), table.budget, MONEY),
        (_("Reserve"), table.reserve, MONEY),
        (_("Plannable budget"), table.plannable, MONEY),
        (_("Spent"), totals.cost, MONEY),
        (_("Remaining"), table.remaining, MONEY),
        (_("KOLs"), totals.count, INT),
        (_("Approved"), totals.approved, INT),
        (_("Rejected"), totals.rejected, INT),
        (_("Expected views"), totals.views, INT),
        (_("Expected engagements"), totals.engagements, INT),
        (_("Expected clicks"), totals.clicks, INT),
        (_("CPM"), totals.cpm, MONEY),
        (_("CPE"), totals.cpe, MONEY),
    ]


def _tier_summary_header() -> list[str]:
    return [
        _("Tier"),
        _("KOLs"),
        _("Cost"),
        _("Expected views"),
        _("Expected engagements"),
        _("CPM"),
        _("CPE"),
    ]


def _tier_summary_rows(table: ProposalTable) -> list[list[tuple[Any, str]]]:
    """Per tier, then overall: label, count, cost, views, engagements, CPM, CPE."""

    def row(label: str, t: Totals) -> list[tuple[Any, str]]:
        values = [(label, TEXT), (t.count, INT), (t.cost, MONEY), (t.views, INT), (t.engagements, INT)]
        return [*values, (t.cpm, MONEY), (t.cpe, MONEY)]

    return [row(_tier_label(g), g.totals) for g in table.groups] + [row(_("Total"), table.totals)]


# ---------------------------------------------------------------- XLSX


def _xlsx_value(value, kind: str):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None:
        return None
    if kind == TEXT:
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    if kind == MONEY:
        return Decimal(value).quantize(CENTS)
    if kind in (SHARE, RATING):
        return float(value)
    return value


def _put_row(sheet, row: int, cells: list[tuple[Any, str]], currency: str, *, bold: bool = False) -> None:
    from openpyxl.styles import Font

    money_format = "#,##0" if currency == "VND" else "#,##0.00"
    for column, (value, kind) in enumerate(cells, start=1):
        cell = sheet.cell(row=row, column=column, value=_xlsx_value(value, kind))
        if kind != TEXT:
            cell.number_format = money_format if kind == MONEY else NUMBER_FORMATS[kind]
        if bold:
            cell.font = Font(bold=True)


def _sheet_title(label: str, taken: set[str]) -> str:
    """A valid, unique sheet title: at most 31 characters, none of []:*?/\\."""
    base = SHEET_TITLE_FORBIDDEN.sub("-", label).strip("' ")[:SHEET_TITLE_MAX] or "Sheet"
    title, n = base, 2
    while title.casefold() in taken:
        suffix = f" ({n})"
        title, n = base[: SHEET_TITLE_MAX - len(suffix)] + suffix, n + 1
    taken.add(title.casefold())
    return title


def _write_summary(sheet, table: ProposalTable) -> None:
    from openpyxl.styles import Font

    currency = table.proposal.currency
    rows = _summary_rows(table)
    for number, (label, value, kind) in enumerate(rows, start=1):
        _put_row(sheet, number, [(label, TEXT), (value, kind)], currency)
        sheet.cell(row=number, column=1).font = Font(bold=True)
    start = len(rows) + 2
    _put_row(sheet, start, [(h, TEXT) for h in _tier_summary_header()], currency, bold=True)
    tier_rows = _tier_summary_rows(table)
    for offset, cells in enumerate(tier_rows, start=1):
        _put_row(sheet, start + offset, cells, currency, bold=offset == len(tier_rows))
    for letter, width in zip("ABCDEFG", (24, 28, 18, 16, 20, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width


def _write_tier(sheet, group: TierGroup, columns: list[Column], currency: str) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    _put_row(sheet, 1, [(c.label, TEXT) for c in columns], currency, bold=True)
    for number, item in enumerate(group.items, start=2):
        _put_row(sheet, number, _item_row(item, columns), currency)
    last = len(group.items) + 1
    _put_row(sheet, last + 1, _total_row(group, columns), currency, bold=True)
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for cell in sheet[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def proposal_xlsx(table: ProposalTable, *, language: str) -> bytes:
    """The proposal as an XLSX workbook in `language`: a summary sheet, then one sheet per tier."""
    from openpyxl import Workbook

    with override(language):
        workbook = Workbook()
        summary = workbook.active
        taken: set[str] = set()
        summary.title = _sheet_title(_("Summary"), taken)
        _write_summary(summary, table)
        columns = _columns()
        for group in table.groups:
            sheet = workbook.create_sheet(_sheet_title(_tier_label(group), taken))
            _write_tier(sheet, group, columns, table.proposal.currency)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- PDF


def _display(value, kind: str, currency: str, language: str) -> str:
    """`value` as people read it in `language`: 1.500.000 ₫, 12.345, 85%, 4,20."""
    if value is None:
        return "—"
    locale = BABEL_LOCALES.get(language.lower(), "en_US")
    if kind == MONEY:
        return format_money(value, currency, language.lower())
    if kind == INT:
        return format_decimal(value, locale=locale)
    if kind == SHARE:
        return format_percent(value, locale=locale)
    if kind == PERCENT:
        return format_decimal(value, format="#,##0.00", locale=locale)
    if kind == RATING:
        return format_decimal(value, format="0.0", locale=locale)
    return str(value)


def _pdf_cells(cells: list[tuple[Any, str]], currency: str, language: str) -> list[dict]:
    return [
        {"text": _display(value, kind, currency, language), "number": kind != TEXT} for value, kind in cells
    ]


def _pdf_row(cells: list[tuple[Any, str]], columns: list[Column], currency: str, language: str) -> list[dict]:
    """The cells of a comparison row that the PDF shows, as text."""
    shown = [cell for cell, column in zip(cells, columns, strict=True) if column.pdf_width]
    return _pdf_cells(shown, currency, language)


def _pdf_item(item: ProposalItem, columns: list[Column], currency: str, language: str) -> list[dict]:
    row = _pdf_row(_item_row(item, columns), columns, currency, language)
    row[0]["sub"] = f"{item.get_platform_display()} · {item.handle}"
    return row


def _pdf_total(group: TierGroup, columns: list[Column], currency: str, language: str) -> list[dict]:
    cells = _total_row(group, columns)
    cells = [cells[0]] + [
        cell if c.total else ("", TEXT) for c, cell in zip(columns[1:], cells[1:], strict=True)
    ]
    return _pdf_row(cells, columns, currency, language)


def _pdf_header(columns: list[Column]) -> list[dict]:
    shown = [c for c in columns if c.pdf_width]
    total = sum(c.pdf_width for c in shown)
    # Widths are strings: a float in a template is localised (10,5 in Vietnamese), which CSS refuses.
    return [
        {"label": c.label, "number": c.kind != TEXT, "width": f"{100 * c.pdf_width / total:.3f}%"}
        for c in shown
    ]


def _pdf_context(table: ProposalTable, language: str) -> dict:
    currency = table.proposal.currency
    columns = _columns()
    groups = [
        {
            "label": _tier_label(g),
            "rows": [_pdf_item(i, columns, currency, language) for i in g.items],
            "total": _pdf_total(g, columns, currency, language),
        }
        for g in table.groups
    ]
    return {
        "language": language,
        "campaign": table.proposal.campaign.name,
        "version": str(table.proposal.version),
        "over_budget": table.over_budget,
        "summary": [(label, _display(v, k, currency, language)) for label, v, k in _summary_rows(table)],
        "tier_header": _tier_summary_header(),
        "tier_rows": [_pdf_cells(r, currency, language) for r in _tier_summary_rows(table)],
        "header": _pdf_header(columns),
        "groups": groups,
    }


def proposal_pdf(table: ProposalTable, *, language: str) -> bytes:
    """The proposal as an A4 landscape PDF in `language`: summary figures, then a table per tier."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    with override(language):
        html = render_to_string("campaigns/proposal_pdf.html", _pdf_context(table, language))
    # No protocol is allowed: the document is self-contained and must never reach the network.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=())).write_pdf()


# ---------------------------------------------------------------- file name


def export_filename(table: ProposalTable, fmt: str) -> str:
    """An ASCII file name: proposal-<campaign-slug>-v<version>.<fmt> (the campaign id if no slug)."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"Unknown export format {fmt!r}")
    campaign = table.proposal.campaign
    # NFKD leaves đ/Đ whole (it is a letter of its own, not d + a mark): spell it d first.
    name = campaign.name.replace("đ", "d").replace("Đ", "D")
    slug = slugify(name, allow_unicode=False)[:60].strip("-") or str(campaign.pk)
    return f"proposal-{slug}-v{table.proposal.version}.{fmt}"
