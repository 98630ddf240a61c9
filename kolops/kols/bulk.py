"""Lean bulk writes for imports: PostgreSQL COPY, SQLite executemany, no per-row ORM work.

Why not `bulk_create` / `bulk_update`: Django compiles each value of an INSERT in Python
(about 5 µs per value) and `bulk_update` builds a CASE expression per field; an import row
writes ~250 values (channel, KOL, their history, rates, shares, snapshot), which caps an
import near 800 rows/s. And Django's psycopg backend binds parameters client-side, so a big
multi-row INSERT is composed value by value in Python.

So, per backend (DESIGN §3 "bulk paths are bulk"):

- **PostgreSQL**: `COPY … FROM STDIN` (psycopg's C dumpers); the primary keys of new rows are
  taken from the table's identity sequence first (`nextval`, one query per batch); updates
  COPY into a temporary table and run one `UPDATE … FROM`; upserts COPY into a temporary
  table and `INSERT … SELECT … ON CONFLICT`.
- **SQLite**: `executemany` (one prepared statement), and multi-row `INSERT … RETURNING id`
  where the new keys are needed.

Values pass through each field's `get_db_prep_save` unless the field type needs no
conversion, and `auto_now` fields are filled, as Django does. Objects can be model instances
or plain attribute rows (`blank`, `load`). History rows are written the way
django-simple-history's `bulk_history_create` writes them (tracked fields copied, a `+` or
`~` type, user, reason and date), without a model instance per row.
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


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _converter(field: models.Field) -> Callable | None:
    """None when values go to the driver unchanged, else the field's own preparation.

    Date and time values are converted once per distinct value: an import stamps thousands
    of rows with the same `now`.
    """
    if field.get_internal_type() in _PLAIN_TYPES:
        return None
    if isinstance(field, models.JSONField):
        # What JSONField.get_db_prep_save does, minus three layers of calls; PostgreSQL reads
        # the JSON text into jsonb.
        encoder = field.encoder

        def dump(value):
            return None if value is None else json.dumps(value, cls=encoder)

        return dump
    if field.get_internal_type() in ("DateTimeField", "DateField"):
        if _postgres():
            return None  # psycopg takes date and aware datetime values as they are
        return functools.lru_cache(maxsize=64)(
            functools.partial(field.get_db_prep_save, connection=connection)
        )
    return functools.partial(field.get_db_prep_save, connection=connection)


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


# ---- the two backends -----------------------------------------------------------------------


def _copy(cursor, table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """PostgreSQL: COPY rows into `table` (a Django cursor wrapper around a psycopg cursor)."""
    names = ", ".join(_quote(c) for c in columns)
    with cursor.cursor.copy(f"COPY {_quote(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _temp_table(cursor, source: str, columns: Sequence[str]) -> str:
    """PostgreSQL: an empty temporary table with `columns` of table `source`, dropped at commit."""
    name = f"kolops_bulk_{source}"
    cursor.execute(f"DROP TABLE IF EXISTS {_quote(name)}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {_quote(name)} ON COMMIT DROP AS "  # noqa: S608 - quoted names only
        f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_quote(source)} WITH NO DATA"
    )
    return name


def _next_ids(cursor, table: str, column: str, count: int) -> list[int]:
    """PostgreSQL: `count` new values of the identity sequence of `table`.`column`."""
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
    )
    return [row[0] for row in cursor.fetchall()]


def _sqlite_rows_per_statement(columns: int) -> int:
    import sqlite3

    try:
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    except (AttributeError, sqlite3.Error):  # pragma: no cover - old SQLite builds
        limit = 999
    return max(1, min(_MAX_ROWS_PER_STATEMENT, limit // max(1, columns)))


def _insert_sql(table: str, columns: Sequence[str], suffix: str = "") -> str:
    names = ", ".join(_quote(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    # Only quoted names from model metadata go into the text; values are parameters.
    return f"INSERT INTO {_quote(table)} ({names}) VALUES ({marks}){suffix}"  # noqa: S608


def _sqlite_insert_returning(table: str, columns: Sequence[str], rows: list[tuple], pk: str) -> list[int]:
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {_quote(table)} ({', '.join(_quote(c) for c in columns)}) VALUES "  # noqa: S608
    size = _sqlite_rows_per_statement(len(columns))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            batch = rows[start : start + size]
            params = [value for row in batch for value in row]
            # Rows come back in VALUES order, which Django's own bulk_create relies on.
            cursor.execute(head + ", ".join([one] * len(batch)) + f" RETURNING {_quote(pk)}", params)
            ids.extend(row[0] for row in cursor.fetchall())
    return ids


# ---- the API ------------------------------------------------------------------------------


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
    pk = model._meta.pk
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    table = model._meta.db_table
    if _postgres():
        with connection.cursor() as cursor:
            ids = _next_ids(cursor, table, pk.column, len(objs))
            for obj, value in zip(objs, ids, strict=True):
                setattr(obj, pk.attname, value)
            _copy(cursor, table, [pk.column, *(f.column for f in fields)], _values(objs, [pk, *fields]))
        return
    ids = _sqlite_insert_returning(table, [f.column for f in fields], _values(objs, fields), pk.column)
    for obj, value in zip(objs, ids, strict=True):
        setattr(obj, pk.attname, value)


def insert_values(
    model: type[models.Model],
    columns: Sequence[str],
    rows: list[tuple],
    *,
    upsert: tuple[Sequence[str], Sequence[str]] | None = None,
) -> None:
    """INSERT plain value tuples into `model`'s table (link and share rows need no instance);
    `upsert=(conflict columns, update columns)` updates the rows that exist."""
    if not rows:
        return
    table = model._meta.db_table
    suffix = ""
    if upsert:
        conflict, update = upsert
        sets = ", ".join(f"{_quote(c)} = EXCLUDED.{_quote(c)}" for c in update)
        suffix = f" ON CONFLICT ({', '.join(_quote(c) for c in conflict)}) DO UPDATE SET {sets}"
    with connection.cursor() as cursor:
        if not _postgres():
            cursor.executemany(_insert_sql(table, columns, suffix), rows)
        elif not upsert:
            _copy(cursor, table, columns, rows)
        else:
            temp = _temp_table(cursor, table, columns)
            _copy(cursor, temp, columns, rows)
            names = ", ".join(_quote(c) for c in columns)
            cursor.execute(
                f"INSERT INTO {_quote(table)} ({names}) SELECT {names} FROM {_quote(temp)}{suffix}"  # noqa: S608
            )


def update(model: type[models.Model], objs: list, field_names: Iterable[str]) -> None:
    """UPDATE `field_names` of `objs`, matched by primary key."""
    if not objs:
        return
    fields = [model._meta.get_field(name) for name in field_names]
    pk = model._meta.pk
    table = model._meta.db_table
    values = _values(objs, [*fields, pk])
    with connection.cursor() as cursor:
        if _postgres():
            columns = [f.column for f in fields] + [pk.column]
            temp = _temp_table(cursor, table, columns)
            _copy(cursor, temp, columns, values)
            sets = ", ".join(f"{_quote(f.column)} = source.{_quote(f.column)}" for f in fields)
            cursor.execute(
                f"UPDATE {_quote(table)} AS target SET {sets} FROM {_quote(temp)} AS source "  # noqa: S608
                f"WHERE target.{_quote(pk.column)} = source.{_quote(pk.column)}"
            )
            return
        sets = ", ".join(f"{_quote(f.column)} = %s" for f in fields)
        cursor.executemany(
            f"UPDATE {_quote(table)} SET {sets} WHERE {_quote(pk.column)} = %s",  # noqa: S608
            values,
        )


def insert_history(
    model: type[models.Model], objs: list, *, update: bool, user_id, reason: str, when: datetime
) -> None:
    """History rows for `objs` of `model` (django-simple-history): their tracked fields now."""
    if not objs:
        return
    history = model.history.model
    constants = {
        "history_date": when,
        "history_change_reason": reason,
        "history_type": "~" if update else "+",
        "history_user_id": user_id,
    }
    tracked = [
        f for f in history._meta.concrete_fields if f.attname != "history_id" and f.attname not in constants
    ]
    fixed = tuple(
        history._meta.get_field(name).get_db_prep_save(value, connection=connection)
        for name, value in constants.items()
    )
    columns = [f.column for f in tracked] + [history._meta.get_field(name).column for name in constants]
    rows = [row + fixed for row in _values(objs, tracked)]
    insert_values(history, columns, rows)


def analyze(models_: Iterable[type[models.Model]]) -> None:
    """PostgreSQL: refresh the planner's statistics of these tables after a large write.

    Call it inside the writing transaction, before COMMIT. Django's foreign keys are
    DEFERRABLE INITIALLY DEFERRED, so COMMIT checks every row written (`SELECT 1 … WHERE id =
    $1`). Planned on stale statistics — a table emptied by a mass delete reads as 0 rows — any
    index holding `id` looks as cheap as the primary key, and the planner may pick a wide search
    index that must be scanned whole for each check: 50,000 rows then take minutes to commit
    instead of seconds. ANALYZE counts the transaction's own new rows and makes the cached
    check plans be planned again. Later lookups (a re-import) profit too. SQLite's planner
    needs no statistics to use the primary key.
    """
    if not _postgres():
        return
    with connection.cursor() as cursor:
        for model in models_:
            cursor.execute(f"ANALYZE {_quote(model._meta.db_table)}")
