"""Lean bulk writes for imports: multi-row INSERT (… RETURNING id) and executemany UPDATE.

Django's `bulk_create` spends about 5 µs of Python per field value compiling its INSERT; an
import row writes ~250 values (channel, KOL, their history, rates, shares, snapshot), which
caps it near 800 rows/s. These helpers send the same SQL with values converted once per field
type, and reach several thousand rows/s on SQLite and PostgreSQL. They stay within what
Django guarantees: values pass through each field's `get_db_prep_save` unless the field type
needs no conversion, `auto_now` fields are filled, and rows come back in VALUES order (which
Django's own bulk_create relies on for both backends).

History rows are written the way django-simple-history's `bulk_history_create` writes them
(tracked fields copied, a `+` or `~` type, user, reason and date), without building a model
instance per row.
"""

import functools
import json
import operator
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from types import SimpleNamespace

from django.db import connection, models

# Field types whose Python value the database drivers take as it is.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "BooleanField",
        "CharField",
        "DecimalField",
        "EmailField",
        "ForeignKey",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
        "URLField",
    }
)
_MAX_ROWS_PER_STATEMENT = 1000


def _converter(field: models.Field) -> Callable | None:
    """None when values go to the driver unchanged, else the field's own preparation.

    Date and time values are converted once per distinct value: an import stamps thousands
    of rows with the same `now`.
    """
    if field.get_internal_type() in _PLAIN_TYPES:
        return None
    if isinstance(field, models.JSONField):
        # What JSONField.get_db_prep_save does, minus three layers of calls; PostgreSQL casts
        # the JSON text to jsonb.
        encoder = field.encoder

        def dump(value):
            return None if value is None else json.dumps(value, cls=encoder)

        return dump
    prepare = functools.partial(field.get_db_prep_save, connection=connection)
    if field.get_internal_type() in ("DateTimeField", "DateField"):
        return functools.lru_cache(maxsize=64)(prepare)
    return prepare


def _max_params() -> int:
    if connection.vendor == "sqlite":
        import sqlite3

        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except (AttributeError, sqlite3.Error):  # pragma: no cover - old SQLite builds
            return 999
    return 65535


def _rows_per_statement(columns: int) -> int:
    return max(1, min(_MAX_ROWS_PER_STATEMENT, _max_params() // max(1, columns)))


def _insert(
    table: str,
    columns: Sequence[str],
    rows: list[tuple],
    *,
    returning: str | None = None,
    suffix: str = "",
) -> list:
    """INSERT `rows` into `table` in multi-row statements; the `returning` column's values."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    # Only quoted table and column names from model metadata go into the text; values are
    # parameters.
    head = f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) VALUES "  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    tail = suffix + (f" RETURNING {quote(returning)}" if returning else "")
    size = _rows_per_statement(len(columns))
    returned: list = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [value for row in batch for value in row]
            cursor.execute(head + ", ".join([one] * len(batch)) + tail, params)
            if returning:
                returned.extend(row[0] for row in cursor.fetchall())
    return returned


def blank(model: type[models.Model]) -> Callable[..., SimpleNamespace]:
    """A maker of new rows of `model`: attribute rows holding every field's default, as a
    model instance would, plus the given values (`blank(Channel)(kol_id=1)`)."""
    static: dict = {}
    dynamic = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            static[field.attname] = None
        elif field.has_default() and callable(field.default):
            dynamic.append((field.attname, field.default))
        else:
            static[field.attname] = field.get_default()

    def make(**values) -> SimpleNamespace:
        row = SimpleNamespace(**static)
        for attname, default in dynamic:
            setattr(row, attname, default())
        row.__dict__.update(values)
        return row

    return make


def load(queryset: models.QuerySet, fields: Sequence[str] | None = None) -> dict[int, SimpleNamespace]:
    """Rows of `queryset` as attribute rows by primary key: only `fields` (attnames), or all."""
    model = queryset.model
    names = list(fields) if fields is not None else [f.attname for f in model._meta.concrete_fields]
    pk = model._meta.pk.attname
    if pk not in names:
        names.insert(0, pk)
    return {row[pk]: SimpleNamespace(**row) for row in queryset.values(*names)}


def insert(model: type[models.Model], objs: list, *, now: datetime) -> None:
    """INSERT new rows of `model` (attribute rows or instances) and set their primary keys."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    rows = _values(objs, fields)
    pk = model._meta.pk
    ids = _insert(model._meta.db_table, [f.column for f in fields], rows, returning=pk.column)
    for obj, value in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, value)


def insert_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[tuple],
    *,
    upsert: tuple[list, list] | None = None,
) -> None:
    """INSERT plain value tuples into `model`'s table (for link and share rows that need no
    instance); `upsert=(conflict columns, update columns)` updates rows that exist."""
    suffix = ""
    if upsert:
        quote = connection.ops.quote_name
        conflict, update = upsert
        sets = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in update)
        suffix = f" ON CONFLICT ({', '.join(quote(c) for c in conflict)}) DO UPDATE SET {sets}"
    _insert(model._meta.db_table, columns, rows, suffix=suffix)


def update(model: type[models.Model], objs: list, field_names: Iterable[str]) -> None:
    """UPDATE `field_names` of `objs` (one executemany; no CASE expressions as `bulk_update`)."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    pk = model._meta.pk
    sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {quote(pk.column)} = %s"  # noqa: S608
    rows = [(*row, getattr(obj, pk.attname)) for obj, row in zip(objs, _values(objs, fields), strict=True)]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def insert_history(
    model: type[models.Model], objs: list, *, update: bool, user_id, reason: str, when: datetime
) -> None:
    """History rows for `objs` of `model` (django-simple-history): their tracked fields now."""
    if not objs:
        return
    history = model.history.model
    fields = [f for f in history._meta.concrete_fields if f.attname != "history_id"]
    constants = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": "~" if update else "+",
        "history_user_id": user_id,
    }
    tracked = [f for f in fields if f.attname not in constants]
    rows = _values(objs, tracked)
    fixed = tuple(
        history._meta.get_field(name).get_db_prep_save(value, connection=connection)
        for name, value in constants.items()
    )
    columns = [f.column for f in tracked] + [history._meta.get_field(name).column for name in constants]
    _insert(history._meta.db_table, columns, [row + fixed for row in rows])


def _values(objs: list, fields: list[models.Field]) -> list[tuple]:
    """The database values of `fields` of each object, as tuples in field order."""
    if not objs:
        return []
    read = operator.attrgetter(*[f.attname for f in fields])
    convert = [(i, c) for i, c in enumerate(_converter(f) for f in fields) if c is not None]
    # attrgetter of one name returns the value itself, of several a tuple.
    rows = [(read(obj),) for obj in objs] if len(fields) == 1 else [read(obj) for obj in objs]
    if not convert:
        return rows
    result = []
    for row in rows:
        row = list(row)
        for index, function in convert:
            row[index] = function(row[index])
        result.append(tuple(row))
    return result
