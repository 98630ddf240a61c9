"""Money: currencies, conversion through configured USD rates, and locale formatting.

Amounts are `Decimal`; VND has no minor unit.
"""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Currency(models.TextChoices):
    """Currencies the product prices in."""

    VND = "VND", _("Vietnamese đồng (VND)")
    CNY = "CNY", _("Chinese yuan (CNY)")
    USD = "USD", _("US dollar (USD)")


BABEL_LOCALES = {"vi": "vi_VN", "zh-hans": "zh_Hans_CN", "zh-hant": "zh_Hant_TW", "en": "en_US"}


def fx_rate(currency: str) -> Decimal:
    """USD value of one unit of `currency` (setting KOLOPS_FX_TO_USD)."""
    try:
        return settings.KOLOPS_FX_TO_USD[currency]
    except KeyError:
        raise ValueError(f"No exchange rate configured for {currency}") from None


def convert(amount: Decimal, source: str, target: str) -> Decimal:
    """Convert `amount` from `source` to `target` currency, rounded to the target's minor unit."""
    if source == target:
        return amount
    value = Decimal(amount) * fx_rate(source) / fx_rate(target)
    return quantize(value, target)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round `amount` to the minor unit of `currency` (0 digits for VND, 2 for CNY and USD)."""
    digits = get_currency_precision(currency)
    return Decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def format_money(amount: Decimal | None, currency: str, language: str) -> str:
    """Format for people: 1.500.000 ₫ (vi), ¥1,500 (zh), $1,500 (en); cents only when present."""
    if amount is None:
        return "—"
    locale = BABEL_LOCALES.get(language, "en_US")
    amount = Decimal(amount)
    whole = amount == amount.to_integral_value()
    fmt = None
    if whole:
        from babel import Locale

        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        fmt = pattern.replace("0.00", "0")
    return format_currency(amount, currency, format=fmt, locale=locale, currency_digits=not whole)
