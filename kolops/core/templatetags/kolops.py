"""Template filters that format numbers, money and places in the user's language."""

from decimal import Decimal

from babel.numbers import format_compact_decimal, format_decimal
from django import template
from django.utils.translation import get_language

from kolops.core.money import BABEL_LOCALES, format_money
from kolops.core.regions import REGIONS

register = template.Library()


def _locale() -> str:
    return BABEL_LOCALES.get((get_language() or "en").lower(), "en_US")


@register.filter
def money(amount, currency: str) -> str:
    """1.500.000 ₫ in Vietnamese, ¥1,500 in Chinese, $1,500 in English."""
    return format_money(amount, currency, (get_language() or "en").lower())


@register.filter
def num(value) -> str:
    """A number with the locale's grouping: 1.234.567 (vi) or 1,234,567 (en, zh)."""
    if value is None or value == "":
        return "—"
    return format_decimal(value, locale=_locale())


@register.filter
def compact(value) -> str:
    """A short count: 1,2 Tr (vi), 120万 (zh), 1.2M (en)."""
    if value is None or value == "":
        return "—"
    return format_compact_decimal(value, locale=_locale(), fraction_digits=1)


@register.filter
def pct(value, digits: int = 2) -> str:
    """A percentage stored in percent units: 3,70 % (vi) or 3.70% (en)."""
    if value is None or value == "":
        return "—"
    quantum = Decimal(1).scaleb(-int(digits))
    number = format_decimal(
        Decimal(value).quantize(quantum), locale=_locale(), format="#,##0." + "0" * int(digits)
    )
    return f"{number} %" if _locale().startswith("vi") else f"{number}%"


@register.filter
def region(code: str) -> str:
    """The name of a region code in the active language."""
    found = REGIONS.get(code or "")
    return found.name() if found else (code or "—")


@register.simple_tag
def categories_in(mask: int, categories) -> str:
    """Names of the categories whose bits are set in `mask`."""
    return ", ".join(c.name() for c in categories if mask & (1 << c.bit))


@register.filter
def score(value) -> str:
    """A 0–1 score as a whole number out of 100 (0.724 → 72)."""
    if value is None or value == "":
        return "—"
    return format_decimal(round(float(value) * 100), locale=_locale())
