"""Keyset pagination: pages follow the sort key, so page 1,000 costs what page 1 costs.

A cursor is the last row's (sort value, id), encoded URL-safe. Nullable sort columns order
nulls last. Totals are counted only up to a cap (`count_capped`), never over millions of rows.
"""

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import F, Q, QuerySet


@dataclass(frozen=True)
class Page:
    """One page of rows, with the cursors that lead on from it."""

    rows: list
    next_cursor: str | None
    has_next: bool


def encode_cursor(value, pk: int) -> str:
    """Encode a sort value and id as an opaque, URL-safe cursor."""
    if isinstance(value, Decimal):
        value = ["d", str(value)]
    elif isinstance(value, datetime):
        value = ["t", value.isoformat()]
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str):
    """Decode a cursor into (sort value, id); raises ValueError when it is malformed."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(value, list) and len(value) == 2 and value[0] == "d":
            value = Decimal(value[1])
        elif isinstance(value, list) and len(value) == 2 and value[0] == "t":
            value = datetime.fromisoformat(value[1])
        return value, int(pk)
    except Exception as exc:  # any garbage in a cursor is the same error for the caller
        raise ValueError("malformed cursor") from exc


def keyset_page(queryset: QuerySet, *, field: str, descending: bool, cursor: str | None, size: int) -> Page:
    """The page of `queryset` after `cursor`, ordered by `field` then id (nulls last)."""
    order = F(field).desc(nulls_last=True) if descending else F(field).asc(nulls_last=True)
    order_pk = "-pk" if descending else "pk"
    queryset = queryset.order_by(order, order_pk)
    if cursor:
        value, pk = decode_cursor(cursor)
        pk_after = Q(pk__lt=pk) if descending else Q(pk__gt=pk)
        if value is None:
            queryset = queryset.filter(Q(**{f"{field}__isnull": True}) & pk_after)
        else:
            beyond = f"{field}__lt" if descending else f"{field}__gt"
            queryset = queryset.filter(
                Q(**{beyond: value}) | (Q(**{field: value}) & pk_after) | Q(**{f"{field}__isnull": True})
            )
    rows = list(queryset[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    next_cursor = None
    if has_next and rows:
        last = rows[-1]
        next_cursor = encode_cursor(getattr(last, field), last.pk)
    return Page(rows=rows, next_cursor=next_cursor, has_next=has_next)


def count_capped(queryset: QuerySet, cap: int) -> tuple[int, bool]:
    """Count rows up to `cap`; returns (count, more_than_cap)."""
    count = queryset.order_by()[: cap + 1].count()
    return min(count, cap), count > cap
