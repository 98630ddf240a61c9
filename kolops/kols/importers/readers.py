"""Read a KOL file into rows of cell values: CSV in the encodings people send, or XLSX.

CSV: the encoding is sniffed — a byte-order mark (UTF-8, UTF-16 LE/BE), UTF-16 without a mark
(NUL bytes in every other position), strict UTF-8, then GB18030 when the bytes decode as
Chinese text, else cp1258 (Vietnamese Windows). An Excel `sep=;` first line sets the delimiter
and is skipped; otherwise the delimiter is the commonest of , ; tab | in the first line.

XLSX: before openpyxl sees the file, the zip directory is checked — a real zip, at most
`max_entries` entries, at most `max_unpacked_bytes` once unpacked (zipfile stops at the declared
size and fails the CRC check if a member lies, so the directory is a real bound). openpyxl
parses XML through defusedxml when it is installed (it is a dependency of the project), which
refuses entity declarations: no "billion laughs". We check that it does, and refuse XLSX
otherwise.

Row numbers are what a spreadsheet shows: the first CSV record is row 1 (a `sep=` line is
hidden by Excel, so it does not count), XLSX rows keep their sheet numbers.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

XLSX_EXTENSIONS = (".xlsx", ".xlsm")
CSV_EXTENSIONS = (".csv", ".txt", ".tsv")
_ZIP_MAGIC = b"PK\x03\x04"
_SEP_LINE = re.compile(r'^\s*"?sep=(.)"?\s*$', re.IGNORECASE)
_DELIMITERS = (",", ";", "\t", "|")
# The sheet an XLSX import reads when it has one by this name (the template's), else the first.
SHEET_NAME = "KOLs"

# A huge field must not exhaust memory, but notes can be long: 10 MB per cell.
csv.field_size_limit(10 * 1024 * 1024)


class ReadError(Exception):
    """The file cannot be read at all; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what a file may unpack to (settings KOLOPS_IMPORT_*)."""

    max_bytes: int
    xlsx_max_entries: int
    xlsx_max_unpacked_bytes: int


@dataclass
class Table:
    """The rows of a file: `rows` yields (row number, cell values); values are str for CSV and
    str, int, float, bool, datetime or None for XLSX."""

    format: str  # "csv" or "xlsx"
    encoding: str | None
    rows: Iterator[tuple[int, list]]
    estimated_rows: int


def file_format(name: str, data: bytes) -> str:
    """`xlsx` or `csv`, from the content first (a zip is a workbook) and the name second."""
    lower = (name or "").lower()
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if lower.endswith(XLSX_EXTENSIONS):
        raise ReadError(_("This .xlsx file is not a valid workbook (it is not a zip archive)."))
    if lower.endswith(".xls") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(_("Old Excel .xls files cannot be read: save the sheet as .xlsx or CSV."))
    return "csv"


def open_table(name: str, data: bytes, *, limits: ReadLimits, encoding: str | None = None) -> Table:
    """Open `data` (the bytes of file `name`) as a table of rows. Raises ReadError."""
    if len(data) > limits.max_bytes:
        raise ReadError(size_message(len(data), limits.max_bytes))
    if not data or data.isspace():
        raise ReadError(_("The file is empty."))
    if file_format(name, data) == "xlsx":
        return _open_xlsx(data, limits)
    return _open_csv(data, encoding)


def size_message(size: int, limit: int) -> str:
    """The message for a file over the size limit, with both sizes in MB."""
    return _(
        "The file is %(size)s MB; files up to %(limit)s MB can be imported. "
        "Split it into smaller files, or import it with the kolops import-kols command."
    ) % {"size": f"{size / 1024 / 1024:.1f}", "limit": f"{limit / 1024 / 1024:.0f}"}


# ---- CSV ----------------------------------------------------------------------------------


def sniff_encoding(data: bytes) -> str:
    """The encoding of CSV bytes (see the module docstring for the order of guesses)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:4096]
    if len(sample) >= 4:
        # UTF-16 without a mark: ASCII-heavy text has a NUL in every other byte.
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) / 2
        if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
            return "utf-16-le"
        if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
            return "utf-16-be"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    if _looks_chinese(data):
        return "gb18030"
    return "cp1258"


def _looks_chinese(data: bytes) -> bool:
    """Whether the bytes read as Chinese in GB18030.

    Vietnamese cp1258 text rarely survives strict GB18030 decoding (a tone mark before a space
    or comma is an invalid pair); when it does, it decodes to rare ideographs outside the
    common block. Real Chinese text is mostly common ideographs and CJK punctuation.
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    wide = [ch for ch in text if ord(ch) > 0x7F]
    if not wide:
        return False
    common = sum(
        1
        for ch in wide
        if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"
    )
    return common / len(wide) > 0.9


def _decoding_error(encoding: str) -> ReadError:
    return ReadError(
        _("The file could not be read as %(encoding)s text. Save it as CSV UTF-8 and try again.")
        % {"encoding": encoding}
    )


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_lines(data: bytes, encoding: str) -> int:
    """Lines of the file, counted in its bytes (an estimate: quoted cells may hold breaks)."""
    newline = "\n".encode(encoding)
    for mark in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        newline = newline.removeprefix(mark)
    return data.count(newline) + (0 if data.rstrip(b"\0").endswith(b"\n") else 1)


def _open_csv(data: bytes, encoding: str | None) -> Table:
    """Rows of CSV bytes, decoded as they are read: the file is never held twice as text.

    Letters are composed (NFC) cell by cell by the validator, so Windows-1258's combining
    tone marks need no pass over the whole text here.
    """
    used = encoding or sniff_encoding(data)
    try:
        codecs.lookup(used)
    except LookupError:
        raise _decoding_error(used) from None

    def text():
        return io.TextIOWrapper(io.BytesIO(data), encoding=used, newline="")

    try:
        # A mark a codec keeps (utf-16-le/-be, or utf-8 named explicitly) is not part of the text.
        first_line = text().readline().removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise _decoding_error(used) from None
    sep = _SEP_LINE.match(first_line.rstrip("\r\n"))
    delimiter = sep.group(1) if sep else _delimiter(first_line)
    estimated = _count_lines(data, used) - (1 if sep else 0)

    def rows() -> Iterator[tuple[int, list]]:
        handle = text()
        if sep:
            handle.readline()  # Excel hides the `sep=` line: it is not row 1
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for number, record in enumerate(reader, start=1):
                if number == 1 and record:
                    record[0] = record[0].removeprefix("\ufeff")
                yield number, record
        except csv.Error as error:
            raise ReadError(
                _("The CSV file is malformed near row %(row)s: %(error)s")
                % {"row": reader.line_num, "error": error}
            ) from None
        except UnicodeDecodeError:
            raise _decoding_error(used) from None

    return Table(format="csv", encoding=used, rows=rows(), estimated_rows=max(0, estimated))


# ---- XLSX ---------------------------------------------------------------------------------


def check_xlsx_archive(data: bytes, limits: ReadLimits) -> None:
    """Refuse a workbook whose zip directory announces too many entries or too much data."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise ReadError(_("This .xlsx file is not a valid workbook (it is not a zip archive).")) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.xlsx_max_entries:
            raise ReadError(
                _("The workbook has %(count)s parts; at most %(limit)s are allowed.")
                % {"count": len(entries), "limit": limits.xlsx_max_entries}
            )
        unpacked = sum(entry.file_size for entry in entries)
        if unpacked > limits.xlsx_max_unpacked_bytes:
            raise ReadError(
                _(
                    "The workbook unpacks to %(size)s MB; at most %(limit)s MB are allowed "
                    "(is it a zip bomb?)."
                )
                % {
                    "size": f"{unpacked / 1024 / 1024:.0f}",
                    "limit": f"{limits.xlsx_max_unpacked_bytes / 1024 / 1024:.0f}",
                }
            )


def xml_is_defused() -> bool:
    """Whether openpyxl parses XML with defusedxml (or lxml without entity resolution)."""
    from openpyxl.xml import DEFUSEDXML

    return bool(DEFUSEDXML)


def _open_xlsx(data: bytes, limits: ReadLimits) -> Table:
    check_xlsx_archive(data, limits)
    if not xml_is_defused():
        raise ReadError(
            _("XLSX import is disabled: the safe XML parser (defusedxml) is not available on the server.")
        )
    import openpyxl
    from defusedxml import DefusedXmlException

    try:
        # data_only=False: a formula arrives as its text ("=A1*2"), never as a value a
        # spreadsheet computed; keep_links=False: external links are not followed.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        if _caused_by(error, DefusedXmlException):
            raise ReadError(entities_refused()) from None
        raise ReadError(_("The workbook could not be read: %(error)s") % {"error": error}) from None
    sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
    estimated = max(0, (sheet.max_row or 0))
    # Dimensions written by other programs are often wrong; read what is there.
    sheet.reset_dimensions()

    def rows() -> Iterator[tuple[int, list]]:
        number = 0
        try:
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                yield number, [_cell_value(cell) for cell in cells]
        except DefusedXmlException:
            raise ReadError(entities_refused()) from None
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
            raise ReadError(
                _("The workbook could not be read after row %(row)s: %(error)s")
                % {"row": number, "error": error}
            ) from None
        finally:
            workbook.close()

    return Table(format="xlsx", encoding=None, rows=rows(), estimated_rows=estimated)


def entities_refused() -> str:
    return _("The workbook contains XML entity declarations, which are refused for safety.")


def _caused_by(error: BaseException | None, kind: type) -> bool:
    """Whether `error` or an exception it wraps (openpyxl re-raises its own) is a `kind`."""
    seen = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, kind):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _cell_value(cell):
    value = cell.value
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, int | float | Decimal):
        # A cell formatted as a percentage holds 0.042 for 4.2 %: pass it on as "4.2%".
        if "%" in (cell.number_format or ""):
            return f"{Decimal(repr(value)) * 100:f}%"
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def count_rows(name: str, data: bytes, *, limits: ReadLimits) -> int:
    """A quick estimate of the data rows of a file (to choose inline or background import).

    CSV: its lines; XLSX: the sheet's declared dimension. 0 when the file cannot be read (the
    import itself then reports why).
    """
    try:
        if file_format(name, data) == "csv":
            return max(0, _open_csv(data, None).estimated_rows - 1)
        check_xlsx_archive(data, limits)
        if not xml_is_defused():
            return 0
        import openpyxl

        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, keep_links=False)
        try:
            sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
            return max(0, (sheet.max_row or 0) - 1)
        finally:
            workbook.close()
    except Exception:  # any unreadable file: the import run reports the real reason
        return 0
