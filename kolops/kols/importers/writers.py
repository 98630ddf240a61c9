"""Write rows of KOL columns as CSV (UTF-8 with BOM, for Excel) or XLSX (openpyxl write-only).

Text that a spreadsheet would run as a formula — beginning with = + - @, a tab or a carriage
return — is neutralised with a leading apostrophe (OWASP "CSV injection"); the import drops
that apostrophe again, so an export re-imports unchanged.
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from .columns import COLUMNS, Column
from .validate import FORMULA_TRIGGERS

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def neutralise(text: str) -> str:
    """`text`, with an apostrophe in front when a spreadsheet would read it as a formula."""
    if text and text[0] in FORMULA_TRIGGERS:
        return "'" + text
    return text


def plain_decimal(value: Decimal) -> str:
    """A decimal without trailing zeros or exponent: 45.00 → 45, 4.20 → 4.2."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    if isinstance(value, int):
        return str(value)
    return neutralise(str(value))


def write_csv(rows: Iterable[list], columns: list[Column] = COLUMNS) -> bytes:
    """The header and `rows` as CSV, UTF-8 with a BOM so Excel shows Vietnamese and Chinese."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([c.name for c in columns])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_cell(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        # Control characters are not allowed in XML; they carry no meaning in these fields.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    if isinstance(value, Decimal):
        # Excel keeps 15 significant digits; our decimals have at most 16 (prices): exact enough
        # for display, and the exact value is written, not a float.
        return value
    return value


def write_xlsx(
    rows: Iterable[list],
    columns: list[Column] = COLUMNS,
    *,
    sheet_title: str = "KOLs",
    extra_sheets: dict[str, list[list]] | None = None,
) -> bytes:
    """The header and `rows` as an XLSX workbook, streamed with openpyxl's write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_xlsx_cell(v) for v in row])
    for title, sheet_rows in (extra_sheets or {}).items():
        extra = workbook.create_sheet(title)
        for row in sheet_rows:
            extra.append([_xlsx_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(fmt: str, rows: Iterable[list], **kwargs) -> bytes:
    """`rows` in format `fmt` (csv or xlsx)."""
    if fmt == "csv":
        kwargs.pop("extra_sheets", None)
        return write_csv(rows)
    if fmt == "xlsx":
        return write_xlsx(rows, **kwargs)
    raise ValueError(f"Unknown export format {fmt!r}")


def content_type(fmt: str) -> str:
    return CSV_CONTENT_TYPE if fmt == "csv" else XLSX_CONTENT_TYPE
