"""Money is formatted the way each market writes it, and converted through configured rates."""

from decimal import Decimal

import pytest

from kolops.core.money import convert, format_money, quantize


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        (Decimal("1500000"), "VND", "vi", "1.500.000\xa0₫"),
        (Decimal("1500"), "CNY", "zh-hans", "¥1,500"),
        (Decimal("1500"), "USD", "en", "$1,500"),
        (Decimal("1500.50"), "USD", "en", "$1,500.50"),
        (Decimal("99.9"), "CNY", "zh-hans", "¥99.90"),
    ],
)
def test_format_money_per_locale(amount, currency, language, expected):
    assert format_money(amount, currency, language) == expected


def test_missing_amount_shows_a_dash():
    assert format_money(None, "VND", "vi") == "—"


def test_vnd_has_no_minor_unit():
    assert quantize(Decimal("1234.6"), "VND") == Decimal("1235")
    assert quantize(Decimal("1234.567"), "USD") == Decimal("1234.57")


def test_convert_goes_through_usd_rates(settings):
    settings.KOLOPS_FX_TO_USD = {"USD": Decimal(1), "VND": Decimal("0.00004"), "CNY": Decimal("0.14")}
    assert convert(Decimal("25000000"), "VND", "USD") == Decimal("1000.00")
    assert convert(Decimal("1000"), "USD", "VND") == Decimal("25000000")
    assert convert(Decimal("100"), "CNY", "CNY") == Decimal("100")


def test_unknown_currency_is_refused():
    with pytest.raises(ValueError, match="No exchange rate"):
        convert(Decimal(1), "EUR", "USD")
