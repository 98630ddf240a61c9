"""Builders of KOL import files for the import and export tests (CSV in any encoding, XLSX)."""

import csv
import io
import unicodedata

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
