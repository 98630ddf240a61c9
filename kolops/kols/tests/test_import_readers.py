"""Reading KOL files: the encodings people send, XLSX, and workbooks that try to hurt the server."""

import io
import unicodedata
import zipfile

import openpyxl
import pytest

from kolops.kols.importers import readers
from kolops.kols.importers.readers import ReadError, ReadLimits, open_table
from kolops.kols.tests.import_files import channel_row, csv_bytes, excel_style_xlsx, to_cp1258, xlsx_bytes

LIMITS = ReadLimits(max_bytes=10 * 1024 * 1024, xlsx_max_entries=100, xlsx_max_unpacked_bytes=5 * 1024 * 1024)
VIETNAMESE = channel_row(kol_name="Nguyễn Thị Ngọc Trinh", notes="Hà Nội, Đà Nẵng; làm đẹp")
CHINESE = channel_row(kol_name="张伟美食", notes="广州 · 美妆博主", platform="douyin")


def rows_of(data: bytes, name: str = "kols.csv", limits: ReadLimits = LIMITS) -> list[tuple[int, list]]:
    return list(open_table(name, data, limits=limits).rows)


def test_utf8_with_bom_reads_vietnamese_and_drops_the_mark():
    rows = rows_of(csv_bytes([VIETNAMESE], encoding="utf-8-sig"))
    assert rows[0][1][0] == "kol_name"  # no BOM glued to the first header
    assert rows[1][1][0] == "Nguyễn Thị Ngọc Trinh"


def test_utf16_with_sep_line_uses_its_delimiter_and_hides_the_line():
    data = csv_bytes([VIETNAMESE], encoding="utf-16", delimiter=";", sep_line=True)
    table = open_table("kols.csv", data, limits=LIMITS)
    rows = list(table.rows)
    assert table.encoding == "utf-16"
    assert rows[0] == (1, list(VIETNAMESE))  # the header is row 1, as Excel shows it
    assert rows[1][1][-1] == "Hà Nội, Đà Nẵng; làm đẹp"


def test_utf16_without_a_byte_order_mark_is_recognised():
    data = csv_bytes([VIETNAMESE], encoding="utf-16-le")
    table = open_table("kols.csv", data, limits=LIMITS)
    assert table.encoding == "utf-16-le"
    assert list(table.rows)[1][1][0] == "Nguyễn Thị Ngọc Trinh"


def test_windows_1258_vietnamese_is_recognised():
    data = csv_bytes([VIETNAMESE], encoding="cp1258")
    assert data == to_cp1258(data.decode("cp1258"))  # really the legacy combining-mark form
    table = open_table("kols.csv", data, limits=LIMITS)
    assert table.encoding == "cp1258"
    # Tone marks arrive combining, as the file has them; the validator composes each cell.
    assert unicodedata.normalize("NFC", list(table.rows)[1][1][0]) == "Nguyễn Thị Ngọc Trinh"


def test_gb18030_chinese_is_read():
    table = open_table("kols.csv", csv_bytes([CHINESE], encoding="gb18030"), limits=LIMITS)
    assert table.encoding == "gb18030"
    assert list(table.rows)[1][1][0] == "张伟美食"


def test_semicolon_delimited_csv_is_sniffed_from_the_header():
    rows = rows_of(csv_bytes([channel_row()], delimiter=";"))
    assert rows[1][1] == ["Mai Anh", "tiktok", "@maianh", "12000"]


def test_an_explicit_encoding_overrides_sniffing():
    data = "kol_name,platform\nCafé,tiktok\n".encode("latin-1")
    table = open_table("kols.csv", data, limits=LIMITS, encoding="latin-1")
    assert list(table.rows)[1][1][0] == "Café"


def test_xlsx_rows_keep_their_types_and_sheet_row_numbers():
    data = xlsx_bytes([channel_row(followers=12000, verified=True)])
    rows = rows_of(data, "kols.xlsx")
    assert rows[1] == (2, ["Mai Anh", "tiktok", "@maianh", 12000, True])


def test_xlsx_percentage_cells_arrive_in_percent():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["engagement_rate"])
    sheet.append([0.042])
    sheet["A2"].number_format = "0.00%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert rows_of(buffer.getvalue(), "kols.xlsx")[1][1] == ["4.200%"]


def test_xlsx_formulas_arrive_as_their_text_never_as_computed_values():
    data = xlsx_bytes([["kol_name", "followers"], ["Mai Anh", "=1000*2"]])
    assert rows_of(data, "kols.xlsx")[1][1] == ["Mai Anh", "=1000*2"]


def test_a_file_named_xlsx_that_is_not_a_zip_is_refused():
    with pytest.raises(ReadError, match="not a zip"):
        rows_of(b"kol_name,platform\n", "kols.xlsx")


def test_old_binary_xls_files_are_refused_with_advice():
    with pytest.raises(ReadError, match=r"\.xlsx or CSV"):
        rows_of(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "kols.xls")


def test_an_empty_file_is_refused():
    with pytest.raises(ReadError, match="empty"):
        rows_of(b"  \n", "kols.csv")


def test_a_file_over_the_size_limit_is_refused_before_parsing():
    limits = ReadLimits(max_bytes=1000, xlsx_max_entries=100, xlsx_max_unpacked_bytes=10**6)
    with pytest.raises(ReadError, match="files up to"):
        open_table("kols.csv", b"x" * 1001, limits=limits)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_before_unpacking():
    bomb = _zip({"xl/worksheets/sheet1.xml": b"\0" * (6 * 1024 * 1024)})  # 6 MB of zeros, ~6 KB packed
    assert len(bomb) < 100_000
    with pytest.raises(ReadError, match="zip bomb"):
        open_table("kols.xlsx", bomb, limits=LIMITS)


def test_a_workbook_with_too_many_parts_is_refused():
    many = _zip({f"xl/part{i}.xml": b"<a/>" for i in range(LIMITS.xlsx_max_entries + 1)})
    with pytest.raises(ReadError, match="parts"):
        open_table("kols.xlsx", many, limits=LIMITS)


def test_openpyxl_parses_xml_through_defusedxml():
    from defusedxml import ElementTree as defused
    from openpyxl.xml import functions

    assert readers.xml_is_defused()
    assert functions.iterparse is defused.iterparse


LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _with_entities(workbook: bytes, part: str) -> bytes:
    """`workbook` with a "billion laughs" entity declaration put into `part`."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == part:
                text = content.decode()
                text = text[text.index("?>") + 2 :] if text.startswith("<?xml") else text
                text = LAUGHS + text.replace("Mai Anh", "&lol3;")
                content = text.encode()
            target.writestr(item, content)
    return buffer.getvalue()


EXCEL_ROWS = [["kol_name", "platform", "handle", "followers"], ["Mai Anh", "tiktok", "maianh", "12000"]]


def test_a_workbook_with_shared_strings_as_excel_writes_it_is_read():
    assert rows_of(excel_style_xlsx(EXCEL_ROWS), "kols.xlsx")[1] == (2, EXCEL_ROWS[1])


@pytest.mark.parametrize("part", ["xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml"])
def test_entity_expansion_in_any_workbook_part_is_refused(part):
    bomb = _with_entities(excel_style_xlsx(EXCEL_ROWS), part)
    with pytest.raises(ReadError, match="entity"):
        rows_of(bomb, "kols.xlsx")


def test_row_estimate_counts_data_rows_of_csv_and_xlsx():
    rows = [channel_row(handle=f"h{i}") for i in range(5)]
    assert readers.count_rows("kols.csv", csv_bytes(rows), limits=LIMITS) == 5
    assert readers.count_rows("kols.xlsx", xlsx_bytes(rows), limits=LIMITS) == 5
