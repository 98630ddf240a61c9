"""Keyset pagination: pages follow the sort key, so page 1,000 costs what page 1 costs.

A cursor is the last row's (sort value, id), encoded URL-safe. Nullable sort columns order
nulls last. Totals are counted only up to a cap (`count_capped`), never over millions of rows.
"""

import base64
import json
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connections
from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan

from .numbers import MAX_BIGINT, MIN_BIGINT

MAX_DECIMAL_PLACES = 30  # a decimal sort value finer than this cannot come from a page


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
    """Decode a cursor into (sort value, id); raises ValueError when it is malformed.

    A cursor comes back from the caller, so it is checked like any input: the id and a whole
    number must fit in 64 bits, a number must be finite, a time must convert to UTC, and text
    may not hold NUL; anything else (a list, an object) is not a sort value.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if isinstance(value, list) and len(value) == 2 and value[0] == "d":
            value = Decimal(value[1])
        elif isinstance(value, list) and len(value) == 2 and value[0] == "t":
            value = datetime.fromisoformat(value[1])
            value.astimezone(UTC)  # OverflowError beyond years 1–9999
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise ValueError("the id is not a whole number")
        _check_sort_value(value)
        _check_sort_value(pk)
        return value, pk
    except Exception as exc:  # any garbage in a cursor is the same error for the caller
        raise ValueError("malformed cursor") from exc


def _check_sort_value(value) -> None:
    if value is None or isinstance(value, bool | datetime):
        return
    if isinstance(value, int):
        if not MIN_BIGINT <= value <= MAX_BIGINT:
            raise ValueError("beyond 64 bits")
    elif isinstance(value, float | Decimal):
        if not math.isfinite(value) or abs(value) > MAX_BIGINT:
            raise ValueError("not a finite number in range")
        if isinstance(value, Decimal) and value != 0 and value.adjusted() < -MAX_DECIMAL_PLACES:
            raise ValueError("too many decimal places")
    elif isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL in text")
    else:
        raise ValueError("not a sort value")


def _cursor_value(queryset: QuerySet, field: str, value):
    """The cursor's sort value as `field` holds it; ValueError when it cannot be one.

    A value of another type (text for a number, a number for a time) would otherwise reach
    the database, where PostgreSQL refuses to compare it.
    """
    if value is None:
        return None
    try:
        model_field = queryset.model._meta.get_field(field)
    except FieldDoesNotExist:  # an annotation: its value was checked when decoded
        return value
    try:
        value = model_field.to_python(value)
    except ValidationError as exc:
        raise ValueError("the sort value does not fit the sort field") from exc
    _check_sort_value(value)
    return value


def _nullable(queryset: QuerySet, field: str) -> bool:
    """Whether `field` of the queryset's model may hold NULL."""
    try:
        return queryset.model._meta.get_field(field).null
    except FieldDoesNotExist:  # an annotation: assume the worst
        return True


def _after(field: str, descending: bool, value, pk: int, nullable: bool) -> Q:
    """Rows after (value, pk) in the order (field, pk), nulls last.

    The non-null part is one row-value comparison, `(field, id) < (value, pk)`, which both
    databases answer with a range scan of a (…, field, id) index, so page 1,000 costs what
    page 1 costs. A nullable field adds its null rows, which always come last.
    """
    key = Tuple(F(field), F("pk"))
    if value is None:  # already among the nulls: only they remain, by id
        return Q(**{f"{field}__isnull": True}) & (Q(pk__lt=pk) if descending else Q(pk__gt=pk))
    beyond = Q(TupleLessThan(key, (value, pk)) if descending else TupleGreaterThan(key, (value, pk)))
    return beyond | Q(**{f"{field}__isnull": True}) if nullable else beyond


def keyset_page(queryset: QuerySet, *, field: str, descending: bool, cursor: str | None, size: int) -> Page:
    """The page of `queryset` after `cursor`, ordered by `field` then id (nulls last).

    NULLS LAST is only spelled out for nullable fields: on a NOT NULL column it changes
    nothing, but PostgreSQL would then no longer read a plain index backwards for DESC.
    """
    nullable = _nullable(queryset, field)
    if descending:
        order = F(field).desc(nulls_last=True) if nullable else F(field).desc()
    else:
        order = F(field).asc(nulls_last=True) if nullable else F(field).asc()
    queryset = queryset.order_by(order, "-pk" if descending else "pk")
    if cursor:
        value, pk = decode_cursor(cursor)
        value = _cursor_value(queryset, field, value)
        queryset = queryset.filter(_after(field, descending, value, pk, nullable))
    page = queryset[: size + 1]
    if connections[queryset.db].vendor == "postgresql":
        # Late row lookup: PostgreSQL checks filters on a plain index scan only after reading
        # each table row, but an index-only scan checks them in the index. Finding the page's
        # ids first (index-only when the index holds the filtered columns) and then reading
        # just those rows turns thousands of row reads into a page's worth.
        page = queryset.filter(pk__in=queryset.values("pk")[: size + 1])[: size + 1]
    rows = list(page)
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
