"""docs/campaigns.md documents every key of the campaign and brief documents."""

import re
from pathlib import Path

import pytest

from kolops.campaigns.brief import BriefDocument
from kolops.campaigns.document import CampaignDocument, ConstraintsDocument

DOC = (Path(__file__).resolve().parents[3] / "docs" / "campaigns.md").read_text(encoding="utf-8")
DOCUMENTED = set(re.findall(r"^\| `([a-z_]+)`", DOC, flags=re.MULTILINE)) | set(
    re.findall(r"`([a-z_]+)`", DOC)
)


@pytest.mark.parametrize("schema", [CampaignDocument, BriefDocument, ConstraintsDocument])
def test_every_key_of_the_documents_is_documented(schema):
    missing = sorted(set(schema.model_fields) - DOCUMENTED)
    assert missing == [], f"keys of {schema.__name__} missing from docs/campaigns.md: {missing}"
