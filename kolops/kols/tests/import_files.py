"""Builders of KOL import files for the import and export tests (CSV in any encoding, XLSX)."""

import csv
import io
import unicodedata
import zipfile
from xml.sax.saxutils import escape

from openpyxl import Workbook

MINIMAL_HEADER = ["kol_name", "platform", "handle", "followers"]


def channel_row(**values) -> dict:
    """A valid row: a TikTok channel of “Mai Anh”, with `values` on top."""
    row = {"kol_name": "Mai Anh", "platform": "tiktok", "handle": "@maianh", "followers": "12000"}
    row.update(values)
    return row


def table(rows: list[dict], header: list[str] | None = None) -> list[list]:
    """Rows of dicts as a header row and value rows (columns in first-seen order)."""
    if header is None:
        header = []
        for row in rows:
            header += [k for k in row if k not in header]
    return [header, *[[row.get(k, "") for k in header] for row in rows]]


def csv_bytes(
    rows: list[dict],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
    delimiter: str = ",",
    sep_line: bool = False,
) -> bytes:
    """The rows as a CSV file in `encoding` (e.g. utf-8-sig, utf-16, cp1258, gb18030)."""
    buffer = io.StringIO(newline="")
    if sep_line:
        buffer.write(f"sep={delimiter}\r\n")
    csv.writer(buffer, delimiter=delimiter).writerows(table(rows, header))
    text = buffer.getvalue()
    if encoding == "cp1258":
        return to_cp1258(text)
    return text.encode(encoding)


def to_cp1258(text: str) -> bytes:
    """Vietnamese text as Windows-1258 writes it: base letters precomposed, tone marks combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
        out += base.encode("cp1258") + "".join(p for p in parts if p in tones).encode("cp1258")
    return bytes(out)


def xlsx_bytes(
    rows: list[dict] | list[list], *, header: list[str] | None = None, title: str = "KOLs"
) -> bytes:
    """The rows as an XLSX workbook with one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    data = table(rows, header) if rows and isinstance(rows[0], dict) else rows
    for row in data:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def excel_style_xlsx(rows: list[list[str]]) -> bytes:
    """A minimal workbook written the way Excel writes text: in a shared-strings part."""
    strings: list[str] = []
    sheet_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(row):
            strings.append(value)
            cells.append(f'<c r="{chr(65 + c)}{r}" t="s"><v>{len(strings) - 1}</v></c>')
        sheet_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    shared = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
            f'Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
            '<sheet name="KOLs" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{_MAIN}"><sheetData>{"".join(sheet_rows)}</sheetData></worksheet>',
        "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}">{shared}</sst>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + text)
    return buffer.getvalue()
