"""The brief as one JSON document: what it holds and how it is validated.

The same `BriefDocument` validates the brief form, the API and the CLI's campaign files, so a
brief typed in the page, posted to the API or kept in a file is the same thing. The format is
documented in docs/campaigns.md with a complete example in docs/examples/brief.json.
"""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from kolops.kols.choices import DeliverableType, Platform

from .choices import Market, ProductCategory, UsageRights

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class Product(_Strict):
    """The product the campaign promotes."""

    name: Text = ""
    description: Text = ""
    url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class CallToAction(_Strict):
    """What the KOL asks the audience to do; `keywords` are words a draft must carry."""

    required: bool = False
    text: Text = ""
    link: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    keywords: list[Line] = []

    @model_validator(mode="after")
    def _required_needs_text_or_link(self):
        if self.required and not (self.text or self.link):
            raise ValueError("a required call to action needs its text or its link")
        return self


class LocationTag(_Strict):
    """A place the post must be tagged with."""

    required: bool = False
    name: Text = ""

    @model_validator(mode="after")
    def _required_needs_name(self):
        if self.required and not self.name:
            raise ValueError("a required location tag needs the place's name")
        return self


class Disclosure(_Strict):
    """How advertising is disclosed in one market: accepted words and where they must stand."""

    market: Market
    required: bool = True
    tokens: list[Line] = []
    within_first_chars: int | None = Field(default=None, ge=1, le=5000)


class Proof(_Strict):
    """A claim the content makes and the document that backs it (Vietnam: under one year old)."""

    claim: Line
    document: Line
    valid_until: date | None = None


class WantedDeliverable(_Strict):
    """What each KOL is to deliver: `count` pieces of `type` on `platform` (empty: any)."""

    type: DeliverableType
    platform: Platform | None = None
    count: int = Field(default=1, ge=1, le=100)


class PostingWindow(_Strict):
    start: date
    end: date

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError("the posting window ends before it starts")
        return self


class UsageRightsWanted(_Strict):
    """How the brand wants to reuse the content, for how long and where."""

    kind: UsageRights = UsageRights.ORGANIC
    months: int | None = Field(default=None, ge=1, le=120)
    territories: list[Line] = []


class BriefDocument(_Strict):
    """A campaign's brief: product, messages, rules, required tags, disclosure, deliverables."""

    product: Product = Product()
    key_messages: list[Line] = []
    dos: list[Line] = []
    donts: list[Line] = []
    forbidden_words: list[Line] = []
    required_hashtags: list[Line] = []
    required_mentions: list[Line] = []
    cta: CallToAction = CallToAction()
    location_tag: LocationTag = LocationTag()
    disclosure: list[Disclosure] = []
    product_category: ProductCategory = ProductCategory.GENERAL
    proofs: list[Proof] = []
    deliverables: list[WantedDeliverable] = []
    draft_due_on: date | None = None
    posting_window: PostingWindow | None = None
    usage_rights: UsageRightsWanted = UsageRightsWanted()
    notes: Text = ""

    @field_validator("required_hashtags")
    @classmethod
    def _hashtags(cls, tags: list[str]) -> list[str]:
        return [tag if tag.startswith("#") else f"#{tag}" for tag in tags]

    @field_validator("required_mentions")
    @classmethod
    def _mentions(cls, mentions: list[str]) -> list[str]:
        return [m if m.startswith("@") else f"@{m}" for m in mentions]

    @field_validator("disclosure")
    @classmethod
    def _one_rule_per_market(cls, rules: list[Disclosure]) -> list[Disclosure]:
        markets = [rule.market for rule in rules]
        if len(markets) != len(set(markets)):
            raise ValueError("give one disclosure rule per market")
        return rules

    @model_validator(mode="after")
    def _draft_before_posting(self):
        if self.draft_due_on and self.posting_window and self.draft_due_on > self.posting_window.start:
            raise ValueError("the draft is due after the posting window opens")
        return self


def brief_parse(data: dict) -> dict:
    """Validate a brief document and return its normalised JSON form (raises pydantic's
    ValidationError with the path of every mistake)."""
    return BriefDocument.model_validate(data).model_dump(mode="json")


def empty_brief() -> dict:
    return BriefDocument().model_dump(mode="json")
