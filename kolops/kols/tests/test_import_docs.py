"""docs/import-formats.md documents every column, as columns.py defines them."""

import re
from pathlib import Path

from kolops.kols.importers.columns import COLUMNS, columns_markdown

DOC = Path(__file__).resolve().parents[3] / "docs" / "import-formats.md"


def test_the_document_lists_every_column():
    documented = re.findall(r"^\| `([a-z0-9_]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE)
    assert documented == [c.name for c in COLUMNS]


def test_the_documents_column_table_is_the_generated_one():
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- columns:start -->\n", 1)[1].split("\n<!-- columns:end -->", 1)[0]
    assert table == columns_markdown(), "regenerate it: python -m kolops.kols.importers.columns"
