"""Keyset cursors survive a round trip and reject garbage."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from kolops.core.pagination import decode_cursor, encode_cursor


@pytest.mark.parametrize("value", [12, "Ngọc", Decimal("4.25"), None, datetime(2026, 1, 2, 3, 4, tzinfo=UTC)])
def test_cursor_round_trip(value):
    assert decode_cursor(encode_cursor(value, 42)) == (value, 42)


@pytest.mark.parametrize("garbage", ["", "%%%", "bm90IGpzb24", encode_cursor(1, 2)[:-3]])
def test_malformed_cursor_is_a_value_error(garbage):
    with pytest.raises(ValueError):
        decode_cursor(garbage)
