"""Turn the rows of a KOL file into typed records and a list of errors (pure: no database).

Errors are {row, column, value, message}; messages are translated into the active language.
A column missing from the file leaves that attribute untouched on import; an empty cell in a
present column clears it (or keeps it, for attributes that cannot be empty: type, status,
engagement basis, verified). The service (`kolops.kols.imports`) relies on that distinction:
a key in `RowRecord.kol` / `RowRecord.channel` means "the column is there", None means "empty".

Numbers are read the way people type them: 1,500,000 · 1.500.000 · 1 500 000 · 1.5M · 15tr ·
12万 are all whole numbers; in percentages a single comma is a decimal comma (4,2 → 4.2).
Formula-like text is kept as text; in a number column a formula is an error (it is never
evaluated). A leading apostrophe before = + - @ is dropped: exports add it to neutralise
formulas, so an export re-imports unchanged.
"""

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from kolops.core.money import quantize
from kolops.core.numbers import MAX_BIGINT
from kolops.core.text import fold, normalize_handle

from ..choices import Platform
from .columns import CHANNEL, CONTACT, KOL, RATE, REQUIRED, Column, Kind, column_for_header
from .readers import Table

# Characters a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

MAX_MONEY = Decimal("99999999999999.99")  # RateCard.price: 16 digits, 2 decimals
HEADER_SEARCH_ROWS = 10  # a title or banner above the header row is skipped
_CENT = Decimal("0.01")
_EMPTY_TOKENS = frozenset({"-", "—", "–", "n/a", "na", "#n/a", "none", "null", "undefined"})
_MULTIPLIERS = {
    "k": 10**3,
    "nghìn": 10**3,
    "ngàn": 10**3,
    "千": 10**3,
    "m": 10**6,
    "tr": 10**6,
    "triệu": 10**6,
    "b": 10**9,
    "bn": 10**9,
    "tỷ": 10**9,
    "tỉ": 10**9,
    "万": 10**4,
    "萬": 10**4,
    "亿": 10**8,
    "億": 10**8,
}
_CURRENCY_MARKS = re.compile(r"(?i)^(?:vnd|usd|cny|rmb|[₫đ$¥￥元])\s*|\s*(?:vnd|usd|cny|rmb|[₫đ$¥￥元])$")
_PLAIN_NUMBER = re.compile(r"^\d{1,18}(?:\.\d{1,6})?$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
_DIGITS_AND_SEPARATORS = re.compile(r"^[\d.,]*\d[\d.,]*$")
_SUFFIX = re.compile(r"^(.*?\d)\s*([^\d\s.,]+)$")
_LIST_SPLIT = re.compile(r"[;,；，、\n]")
_CHOICE_KEY = re.compile(r"[\s\-/]+")
_TRUE = frozenset({"yes", "y", "true", "1", "x", "✓", "✔", "co", "dung", "是", "有", "对", "verified"})
_FALSE = frozenset({"no", "n", "false", "0", "khong", "sai", "否", "无", "没有", "不是"})
_PLATFORM_ALIASES = {
    "tik_tok": Platform.TIKTOK,
    "fb": Platform.FACEBOOK,
    "yt": Platform.YOUTUBE,
    "ig": Platform.INSTAGRAM,
    "insta": Platform.INSTAGRAM,
    "xhs": Platform.XIAOHONGSHU,
    "red": Platform.XIAOHONGSHU,
    "rednote": Platform.XIAOHONGSHU,
    "小红书": Platform.XIAOHONGSHU,
    "抖音": Platform.DOUYIN,
    "b站": Platform.BILIBILI,
    "哔哩哔哩": Platform.BILIBILI,
    "微博": Platform.WEIBO,
    "视频号": Platform.WECHAT_CHANNELS,
    "微信视频号": Platform.WECHAT_CHANNELS,
    "快手": Platform.KUAISHOU,
    "blog": Platform.REVIEW_SITE,
}
_CURRENCY_ALIASES = {
    "rmb": "CNY",
    "元": "CNY",
    "¥": "CNY",
    "￥": "CNY",
    "₫": "VND",
    "đ": "VND",
    "d": "VND",
    "$": "USD",
}
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})?$")
# Strict subsets of what Django's validators accept, checked first because they are cheap.
_DOMAIN = r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}"
_SIMPLE_URL = re.compile(rf"(?i)^https?://{_DOMAIN}(?::\d{{2,5}})?(?:[/?#][^\s]*)?$")
_SIMPLE_EMAIL = re.compile(rf"(?i)^[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@{_DOMAIN}$")
_email_validator = EmailValidator()
_url_validator = URLValidator(schemes=["http", "https"])


class CellInvalid(Exception):
    """A cell's value is not acceptable; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Catalog:
    """What validation needs to know from the database, as plain data.

    `categories` maps a lookup key (a slug, or a folded name in any language) to a slug;
    `regions` maps a lookup key (a code, or a folded name) to (code, level).
    """

    categories: Mapping[str, str]
    regions: Mapping[str, tuple[str, str]]

    @classmethod
    def build(
        cls, *, categories: Iterable[tuple[str, ...]], regions: Iterable[tuple[str, str, tuple[str, ...]]]
    ):
        """From (slug, *names) tuples and (code, level, names) tuples."""
        category_keys: dict[str, str] = {}
        for slug, *names in categories:
            for key in (slug, *names):
                category_keys[_choice_key(str(key))] = slug
        region_keys: dict[str, tuple[str, str]] = {}
        for code, level, names in regions:
            for key in (code, *names):
                region_keys[_choice_key(str(key))] = (code, level)
        return cls(categories=category_keys, regions=region_keys)


@dataclass(frozen=True)
class RowError:
    """One problem in the file: row and column are None for problems of the whole file."""

    row: int | None
    column: str | None
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message, "value": self.value}


@dataclass(frozen=True)
class RegionShare:
    code: str
    level: str
    share: Decimal


@dataclass(slots=True)
class RowRecord:
    """A valid row: what it says about its KOL and about its channel.

    `kol` keys are Kol fields, `categories`, `tags` and `contact:<kind>`; `channel` keys are
    Channel fields. A key is present when its column is; None is an empty cell.
    """

    row: int
    name_key: str
    handle_key: str
    kol: dict[str, Any]
    channel: dict[str, Any]
    regions: list[RegionShare] | None
    prices: dict[str, Decimal]
    currency: str | None


@dataclass
class Validation:
    """The outcome of validating a file."""

    columns: list[Column] = field(default_factory=list)
    records: list[RowRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[str] = field(default_factory=list)
    total_rows: int = 0

    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    def add_error(self, error: RowError, limit: int) -> None:
        self.error_count += 1
        if len(self.errors) < limit:
            self.errors.append(error)


# ---- cell parsers ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=8192)
def _choice_key(text: str) -> str:
    # Cached: a file repeats the same few platforms, statuses, regions and categories.
    return _CHOICE_KEY.sub("_", fold(text)).strip("_")


@functools.lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    return fold(text)


def _display(raw) -> str:
    """A cell as the error table shows it."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    return text if len(text) <= 200 else text[:199] + "…"


def _as_text(raw) -> str:
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def unneutralise(text: str) -> str:
    """Drop the apostrophe an export puts before formula-like text."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        return text[1:]
    return text


def parse_text(raw, max_length: int | None = None) -> str | None:
    """Text, composed (NFC), trimmed; formula-like text is kept as it is, as text."""
    if raw is None:
        return None
    text = (raw if isinstance(raw, str) else _as_text(raw)).strip()
    if not text:
        return None
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    if "\x00" in text:  # PostgreSQL refuses NUL in text
        text = text.replace("\x00", "").strip()
    if text[0] == "'":
        text = unneutralise(text)
    if max_length and len(text) > max_length:
        raise CellInvalid(
            _("At most %(limit)s characters (this has %(count)s).")
            % {"limit": max_length, "count": len(text)}
        )
    return text


def parse_number(raw, *, decimal_first: bool = False, allow_percent: bool = False) -> Decimal | None:
    """A number typed with any common grouping, decimal mark or multiplier.

    With both "." and "," the last one is the decimal mark. A mark repeated is grouping. A
    single mark before exactly three digits is grouping (1,500 → 1500), except in
    `decimal_first` columns (percentages), where a single mark is always decimal (4,2 → 4.2).
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CellInvalid(_("Expected a number."))
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise CellInvalid(_("Expected a number."))
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        return raw
    text = str(raw).strip()
    if _PLAIN_NUMBER.match(text):  # the common case: digits, maybe a decimal point
        whole, _point, fraction = text.partition(".")
        # "1.500" is ambiguous (1500 or 1.5): left to the full rules below.
        if len(fraction) != 3 or len(whole) > 3:
            return Decimal(text)
    # NFKC turns full-width digits and no-break spaces into their plain forms.
    text = unicodedata.normalize("NFKC", text)
    if not text or text.lower() in _EMPTY_TOKENS:
        return None
    text = unneutralise(text)
    if text[0] == "=":
        raise CellInvalid(
            _("This is a formula; formulas are not calculated on import. Type the number itself.")
        )
    # Excel's way of typing a number as text ('1500).
    text = text.removeprefix("'")
    if text.endswith("%"):
        if not allow_percent:
            raise CellInvalid(_("Expected a number without %."))
        text = text[:-1]
    sign = 1
    if text[:1] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    # Grouping by spaces, apostrophes (Swiss) or underscores.
    text = re.sub(r"[\s'_]", "", text)
    multiplier = 1
    suffix = _SUFFIX.match(text)
    if suffix:
        word = suffix.group(2).lower()
        if word not in _MULTIPLIERS:
            raise CellInvalid(_("Expected a number."))
        multiplier = _MULTIPLIERS[word]
        text = suffix.group(1)
    if _SCIENTIFIC.match(text):
        number = Decimal(text)
    elif _DIGITS_AND_SEPARATORS.match(text):
        number = Decimal(_normalise_separators(text, decimal_first=decimal_first or multiplier != 1))
    else:
        raise CellInvalid(_("Expected a number."))
    return sign * number * multiplier


def _normalise_separators(text: str, *, decimal_first: bool) -> str:
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        if text.count(decimal_mark) > 1:
            raise CellInvalid(_("Expected a number."))
        whole, fraction = text.split(decimal_mark)
        _check_groups(whole, group_mark)
        return whole.replace(group_mark, "") + "." + fraction
    mark = "." if dots else "," if commas else ""
    if not mark:
        return text
    parts = text.split(mark)
    if len(parts) > 2:
        _check_groups(text, mark)
        return text.replace(mark, "")
    whole, fraction = parts
    if not decimal_first and len(fraction) == 3 and whole and whole != "0" and len(whole) <= 3:
        return whole + fraction
    return (whole or "0") + "." + fraction


def _check_groups(text: str, mark: str) -> None:
    groups = text.split(mark)
    if not (1 <= len(groups[0]) <= 3) or any(len(g) != 3 for g in groups[1:]):
        raise CellInvalid(_("The digit grouping of this number is unclear."))


def parse_int(raw) -> int | None:
    """A whole number ≥ 0."""
    number = parse_number(raw)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellInvalid(_("Expected a whole number."))
    if number < 0:
        raise CellInvalid(_("Must not be negative."))
    if number > MAX_BIGINT:
        raise CellInvalid(_("This number is too large."))
    return int(number)


def parse_percent(raw, max_value: int) -> Decimal | None:
    """A percentage between 0 and `max_value`, two decimals."""
    number = parse_number(raw, decimal_first=True, allow_percent=True)
    if number is None:
        return None
    if number < 0 or number > max_value:
        raise CellInvalid(_("Must be between 0 and %(max)s.") % {"max": max_value})
    return number.quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_money(raw) -> Decimal | None:
    """A price ≥ 0; currency signs and codes around it are ignored (price_currency rules)."""
    if isinstance(raw, str):
        raw = _CURRENCY_MARKS.sub("", raw.strip())
    number = parse_number(raw)
    if number is None:
        return None
    if number < 0:
        raise CellInvalid(_("Must not be negative."))
    if number > MAX_MONEY:
        raise CellInvalid(_("This number is too large."))
    return number.quantize(_CENT, rounding=ROUND_HALF_UP)


def parse_bool(raw) -> bool | None:
    """yes / no in English, Vietnamese or Chinese, or 1 / 0, x, TRUE / FALSE."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw)
        raise CellInvalid(_("Expected yes or no."))
    key = _fold(str(raw).strip())
    if not key:
        return None
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise CellInvalid(_("Expected yes or no."))


@functools.cache
def _choice_lookup(choices: type[models.TextChoices]) -> dict[str, str]:
    """Every way to write a choice: its code, and its label in each product language."""
    lookup: dict[str, str] = {}
    for language in ("en", "vi", "zh-hans"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup.setdefault(_choice_key(str(label)), value)
    for value in choices.values:
        lookup[_choice_key(str(value))] = value
    if choices is Platform:
        lookup.update({_choice_key(k): v.value for k, v in _PLATFORM_ALIASES.items()})
    if set(choices.values) >= {"VND", "CNY", "USD"}:
        lookup.update({_choice_key(k): v for k, v in _CURRENCY_ALIASES.items()})
    return lookup


def parse_choice(raw, choices: type[models.TextChoices]) -> str | None:
    """A choice by its code or its label in English, Vietnamese or Chinese."""
    text = parse_text(raw)
    if text is None:
        return None
    try:
        return _choice_lookup(choices)[_choice_key(text)]
    except KeyError:
        raise CellInvalid(
            _("Unknown value “%(value)s”. Use one of: %(allowed)s.")
            % {"value": text, "allowed": ", ".join(choices.values)}
        ) from None


def split_list(raw) -> list[str]:
    """Items separated by ; or , (also full-width ；，、 and line breaks), trimmed, non-empty."""
    text = parse_text(raw)
    if text is None:
        return []
    return [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]


def _dedupe(items: Iterable[str], key: Callable[[str], str] = str) -> list[str]:
    seen, result = set(), []
    for item in items:
        k = key(item)
        if k not in seen:
            seen.add(k)
            result.append(item)
    return result


def parse_choice_list(raw, choices: type[models.TextChoices]) -> list[str] | None:
    items = split_list(raw)
    if not items:
        return None
    return _dedupe(parse_choice(item, choices) for item in items)


def parse_categories(raw, catalog: Catalog) -> list[str] | None:
    items = split_list(raw)
    if not items:
        return None
    slugs, unknown = [], []
    for item in items:
        slug = catalog.categories.get(_choice_key(item))
        if slug is None:
            unknown.append(item)
        else:
            slugs.append(slug)
    if unknown:
        known = sorted(set(catalog.categories.values()))
        raise CellInvalid(
            _("Unknown category “%(value)s”. Use one of: %(allowed)s.")
            % {"value": ", ".join(unknown), "allowed": ", ".join(known)}
        )
    return _dedupe(slugs)


def parse_languages(raw) -> list[str] | None:
    codes = [c.lower() for c in split_list(raw)]
    if not codes:
        return None
    for code in codes:
        if not _LANGUAGE_CODE.match(code):
            raise CellInvalid(_("“%(code)s” is not a language code.") % {"code": code})
    return _dedupe(codes)


def parse_tags(raw, max_length: int) -> list[str] | None:
    tags = split_list(raw)
    if not tags:
        return None
    for tag in tags:
        if len(tag) > max_length:
            raise CellInvalid(
                _("A tag is at most %(limit)s characters: “%(tag)s”.") % {"limit": max_length, "tag": tag}
            )
    return _dedupe(tags, key=_fold)


def parse_region(raw, catalog: Catalog) -> tuple[str, str] | None:
    text = parse_text(raw)
    if text is None:
        return None
    found = catalog.regions.get(_choice_key(text))
    if found is None:
        raise CellInvalid(
            _("Unknown region “%(value)s”: use a code such as VN-SG or CN-GD.") % {"value": text}
        )
    return found


def parse_region_code(raw, catalog: Catalog) -> str | None:
    found = parse_region(raw, catalog)
    return found[0] if found else None


def parse_region_shares(raw, catalog: Catalog) -> list[RegionShare] | None:
    """`VN-SG:35;VN-HN:20` → shares; one level (country, province, city) adds up to ≤ 100."""
    text = parse_text(raw)
    if text is None:
        return None
    if re.search(r"[;；\n]", text):
        items = re.split(r"[;；\n]", text)
    elif text.count(":") + text.count("=") > 1:
        items = text.split(",")
    else:
        items = [text]
    shares: list[RegionShare] = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        match = re.match(r"^(.+?)\s*[:=]\s*([^:=]+)$", item) or re.match(r"^(.+?)\s+(\S+)$", item)
        if not match:
            raise CellInvalid(
                _("Write each region as code:percent, e.g. VN-SG:35 (“%(item)s”).") % {"item": item}
            )
        code, level = parse_region(match.group(1), catalog)
        try:
            share = parse_percent(match.group(2), 100)
        except CellInvalid as error:
            raise CellInvalid(f"{code}: {error.message}") from None
        if share is None:
            raise CellInvalid(_("Give a percentage for %(region)s.") % {"region": code})
        if any(s.code == code for s in shares):
            raise CellInvalid(_("%(region)s is listed twice.") % {"region": code})
        shares.append(RegionShare(code, level, share))
    totals: dict[str, Decimal] = {}
    for share in shares:
        totals[share.level] = totals.get(share.level, Decimal(0)) + share.share
    for level, total in totals.items():
        if total > 100:
            raise CellInvalid(
                _("Audience shares by %(level)s add up to %(total)s %%, more than 100 %%.")
                % {"level": level, "total": total}
            )
    return shares


def parse_email(raw, max_length: int) -> str | None:
    text = parse_text(raw, max_length)
    if text is None:
        return None
    if not _SIMPLE_EMAIL.match(text):
        try:
            _email_validator(text)
        except ValidationError:
            raise CellInvalid(_("Not an e-mail address.")) from None
    return text


def parse_url(raw, max_length: int) -> str | None:
    """A web link; one typed without http(s):// gets https://."""
    text = parse_text(raw)
    if text is None:
        return None
    if "://" not in text:
        text = "https://" + text
    if len(text) > max_length:
        raise CellInvalid(
            _("At most %(limit)s characters (this has %(count)s).")
            % {"limit": max_length, "count": len(text)}
        )
    # Most links are plain ASCII ones that Django's (slow) validator would accept anyway.
    if not _SIMPLE_URL.match(text):
        try:
            _url_validator(text)
        except ValidationError:
            raise CellInvalid(_("Not a web link.")) from None
    return text


def cell_parser(column: Column, catalog: Catalog) -> Callable[[Any], Any]:
    """The function that reads cells of `column` (worked out once per file, not per cell)."""
    kind = column.kind
    if kind is Kind.TEXT:
        return functools.partial(parse_text, max_length=column.max_length)
    if kind is Kind.INT:
        return parse_int
    if kind is Kind.PERCENT or kind is Kind.DECIMAL:
        return functools.partial(parse_percent, max_value=column.max_value or 100)
    if kind is Kind.MONEY:
        return parse_money
    if kind is Kind.CHOICE:
        return functools.partial(parse_choice, choices=column.choices)
    if kind is Kind.BOOL:
        return parse_bool
    if kind is Kind.CHOICE_LIST:
        return functools.partial(parse_choice_list, choices=column.choices)
    if kind is Kind.TEXT_LIST:
        return functools.partial(parse_tags, max_length=column.max_length or 60)
    if kind is Kind.CATEGORIES:
        return functools.partial(parse_categories, catalog=catalog)
    if kind is Kind.LANGUAGES:
        return parse_languages
    if kind is Kind.REGION:
        return functools.partial(parse_region_code, catalog=catalog)
    if kind is Kind.REGION_SHARES:
        return functools.partial(parse_region_shares, catalog=catalog)
    if kind is Kind.EMAIL:
        return functools.partial(parse_email, max_length=column.max_length or 254)
    if kind is Kind.URL:
        return functools.partial(parse_url, max_length=column.max_length or 500)
    raise AssertionError(f"unhandled column kind {kind}")  # pragma: no cover


# Kinds whose cells repeat a few values across a file (types, statuses, regions, shares,
# prices…): their parsed values are remembered per file. Names, handles, links, e-mails and
# counts are mostly unique and are not.
_MEMO_KINDS = frozenset(set(Kind) - {Kind.TEXT, Kind.INT, Kind.URL, Kind.EMAIL})
MEMO_SIZE = 10_000


def memoised(parser: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """`parser`, remembering its result (or its error) for up to MEMO_SIZE distinct texts.

    Parsed values are never changed in place downstream (lists are copied before use)."""
    memo: dict[str, tuple[bool, Any]] = {}

    def parse(raw):
        if not isinstance(raw, str):
            return parser(raw)
        hit = memo.get(raw)
        if hit is None:
            try:
                hit = (True, parser(raw))
            except CellInvalid as error:
                hit = (False, error.message)
            if len(memo) < MEMO_SIZE:
                memo[raw] = hit
        if hit[0]:
            return hit[1]
        raise CellInvalid(hit[1])

    return parse


def parse_cell(column: Column, raw, catalog: Catalog):
    """The typed value of one cell of `column` (None when empty). Raises CellInvalid."""
    return cell_parser(column, catalog)(raw)


# ---- the table ----------------------------------------------------------------------------


def _is_empty(cells: list) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _find_header(rows) -> tuple[int, list] | None:
    """The header row: the first of the first rows that names two known columns, or else the
    first non-empty row. Rows above it (a title, a banner) are skipped."""
    candidates = []
    for number, cells in rows:
        if _is_empty(cells):
            continue
        known = sum(1 for cell in cells if cell is not None and column_for_header(cell))
        if known >= 2:
            return number, cells
        candidates.append((number, cells))
        if len(candidates) >= HEADER_SEARCH_ROWS:
            break
    return candidates[0] if candidates else None


def validate_table(
    table: Table,
    catalog: Catalog,
    *,
    max_errors: int = 1000,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> Validation:
    """Read every row of `table` and check it. Records are kept only for rows without errors.

    File-level problems (no header, a required column missing, a column twice) are reported
    once, with row and column None, and rows are then not checked.
    """
    result = Validation()
    rows = iter(table.rows)
    found = _find_header(rows)
    if found is None:
        result.add_error(RowError(None, None, "", _("The file has no rows.")), max_errors)
        return result
    header_row, header = found
    positions: list[tuple[int, Column]] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        if cell is None or not str(cell).strip():
            continue
        column = column_for_header(cell)
        if column is None:
            result.warnings.append(
                _("Column “%(column)s” is not a KOL column and was ignored.") % {"column": str(cell).strip()}
            )
            continue
        if column.name in seen:
            result.add_error(
                RowError(header_row, column.name, str(cell), _("This column appears twice in the header.")),
                max_errors,
            )
            continue
        seen[column.name] = index
        positions.append((index, column))
    result.columns = [c for _i, c in positions]
    for column in REQUIRED:
        if column.name not in seen:
            result.add_error(
                RowError(
                    None,
                    column.name,
                    "",
                    _("The required column “%(column)s” is missing.") % {"column": column.name},
                ),
                max_errors,
            )
    if result.errors:
        return result

    # Where each column's value goes, worked out once rather than per cell.
    slots = []
    for index, column in positions:
        parser = cell_parser(column, catalog)
        if column.kind in _MEMO_KINDS:
            parser = memoised(parser)
        slots.append((index, column, column.part, column.field_name, parser))
    has_prices = any(c.part == RATE for c in result.columns)
    has_currency = "price_currency" in seen
    by_handle: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for number, cells in rows:
        if _is_empty(cells):
            continue
        result.total_rows += 1
        if progress and result.total_rows % progress_every == 0:
            progress(result.total_rows)
        record = _validate_row(number, cells, slots, catalog, result, max_errors, has_prices, has_currency)
        platform = record.channel.get("platform") if record else None
        if record is not None and platform and record.handle_key:
            by_handle.setdefault((platform, record.handle_key), []).append((number, record.channel["handle"]))
    if progress:
        progress(result.total_rows)

    duplicate_rows: set[int] = set()
    for entries in by_handle.values():
        if len(entries) > 1:
            numbers = [n for n, _h in entries]
            listed = ", ".join(str(n) for n in numbers)
            for number, handle in entries:
                duplicate_rows.add(number)
                result.add_error(
                    RowError(
                        number,
                        "handle",
                        handle,
                        _("Rows %(rows)s are the same channel (same platform and handle).")
                        % {"rows": listed},
                    ),
                    max_errors,
                )
    if duplicate_rows:
        result.records = [r for r in result.records if r.row not in duplicate_rows]
    if result.total_rows == 0:
        result.add_error(RowError(None, None, "", _("The file has a header but no data rows.")), max_errors)
    result.errors.sort(key=lambda e: e.row or 0)
    return result


def _validate_row(number, cells, slots, catalog, result, max_errors, has_prices, has_currency):
    """Check one row; keep its record when it is valid. Returns the record (valid or not) so
    duplicates are found among every row that names a channel."""
    kol: dict[str, Any] = {}
    channel: dict[str, Any] = {}
    regions = None
    prices: dict[str, Decimal] = {}
    currency = None
    errors = 0
    width = len(cells)
    for index, column, part, field_name, parser in slots:
        raw = cells[index] if index < width else None
        if raw is None or raw == "":
            value = None
        else:
            try:
                value = parser(raw)
            except CellInvalid as error:
                errors += 1
                result.add_error(RowError(number, column.name, _display(raw), error.message), max_errors)
                continue
        if part == KOL:
            kol[field_name] = value
        elif part == CHANNEL:
            channel[field_name] = value
        elif part == CONTACT:
            kol[f"contact:{field_name}"] = value
        elif part == RATE:
            if value is not None:
                prices[field_name] = value
        elif column.target == "regions":
            regions = value
        elif column.target == "currency":
            currency = value

    def fail(column: str, value, message: str) -> None:
        nonlocal errors
        errors += 1
        result.add_error(RowError(number, column, _display(value), message), max_errors)

    for column in REQUIRED:
        target = kol if column.part == KOL else channel
        if column.field_name in target and target[column.field_name] is None:
            fail(column.name, "", _("This column is required."))
    handle = channel.get("handle")
    handle_key = ""
    if handle:
        if re.match(r"(?i)^https?://", handle):
            fail("handle", handle, _("Give the handle, not a link (links go in the url column)."))
        handle = handle.lstrip("@").strip()
        channel["handle"] = handle
        handle_key = normalize_handle(handle)
        if not handle_key:
            fail("handle", "@", _("This column is required."))
    ages = [v for k, v in channel.items() if k.startswith("aud_age_") and v is not None]
    if sum(ages) > 100:
        fail("age_*", f"{sum(ages)} %", _("Age shares add up to more than 100 %."))
    genders = [channel.get("aud_female"), channel.get("aud_male")]
    if sum(g for g in genders if g is not None) > 100:
        fail(
            "female, male",
            f"{sum(g for g in genders if g is not None)} %",
            _("Female and male shares add up to more than 100 %."),
        )
    if has_prices and prices:
        if currency is None:
            if has_currency:
                fail("price_currency", "", _("Give the currency of the prices on this row."))
            else:
                fail("price_currency", "", _("Add a price_currency column: the prices need a currency."))
        else:
            prices = {k: quantize(v, currency) for k, v in prices.items()}
    name = kol.get("display_name") or ""
    record = RowRecord(
        row=number,
        name_key=" ".join(name.split()).casefold(),
        handle_key=handle_key,
        kol=kol,
        channel=channel,
        regions=regions,
        prices=prices,
        currency=currency,
    )
    if not errors:
        result.records.append(record)
    return record
