"""The bulk writer of demo data: generator records → plain rows, in batches, in one transaction.

Every channel row gets the KOL columns search reads (`kol_name`, `kol_type`, `kol_status`,
`home_region`, `category_mask`, `search_text`, `is_archived`) and its `tier` and `handle_key`
from the same helpers the services use, so a seeded channel is indistinguishable from one
entered through the forms. No `save()` per row, not even model instances: ids are reserved up
front, and rows go in with COPY on PostgreSQL and `executemany` on SQLite (`insert_rows`), so a
million channels load in minutes (`make bench` uses this same path).

History (django-simple-history) is not written for seeded rows: they have no past edits.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import batched
from types import SimpleNamespace

from django.db import connection, transaction
from django.utils import timezone

from kolops.accounts.models import Organization
from kolops.core.text import normalize_handle
from kolops.core.tiers import tier_for

from ..choices import AGE_FIELDS
from ..models import AudienceRegionShare, Category, Channel, ContactLog, FollowerSnapshot, Kol, RateCard
from ..services import category_mask, kol_search_text, tags_resolve
from ..text_index import sqlite_bulk_indexing
from .records import ChannelSeed, KolSeed

KOL_COLUMNS = (
    *("display_name", "real_name", "kol_type", "home_region", "languages", "agency", "manager_name"),
    *("contacts", "notes", "status", "blacklist_reason", "risk_flags", "archived_at"),
)
KOL_JSON_COLUMNS = frozenset({"languages", "contacts", "risk_flags"})
CHANNEL_COLUMNS = (
    *("platform", "handle", "handle_key", "url", "followers", "avg_views", "engagement_rate"),
    *("er_basis", "verified", "stats_updated_at", "tier", *AGE_FIELDS.values(), "aud_female"),
    *("aud_male", "audience_updated_at", "seed_label"),
    *("kol_name", "kol_type", "kol_status", "home_region", "category_mask", "search_text", "is_archived"),
)
# Tables a seed fills, for planner statistics.
SEEDED_MODELS = (Kol, Channel, AudienceRegionShare, RateCard, FollowerSnapshot, ContactLog)


@dataclass
class SeedResult:
    """How many rows of each kind a seed wrote."""

    kols: int = 0
    channels: int = 0
    region_shares: int = 0
    rates: int = 0
    snapshots: int = 0
    contact_log: int = 0

    def add(self, other: "SeedResult") -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def iter_counts(result: SeedResult) -> Iterator[tuple[str, int]]:
    """(kind, rows) pairs of a seed result, for printing."""
    for f in fields(result):
        yield f.name.replace("_", " "), getattr(result, f.name)


# ---- rows ----------------------------------------------------------------------------------


def kol_copies(kol: KolSeed, categories: dict[str, Category]) -> tuple:
    """The KOL columns every channel row carries, computed as `channels_sync_from_kol` does.

    Order: kol_name, kol_type, kol_status, home_region, category_mask, search_text,
    is_archived. Tags are listed by name, the order of the KOL's tag relation in the service.
    """
    person = SimpleNamespace(display_name=kol.display_name, real_name=kol.real_name, notes=kol.notes)
    handles = [c.handle for c in kol.channels]
    return (
        kol.display_name,
        kol.kol_type,
        kol.status,
        kol.home_region,
        category_mask(categories[slug] for slug in kol.categories if slug in categories),
        kol_search_text(person, [*handles, *sorted(kol.tags)]),
        kol.archived_at is not None,
    )


def kol_row(kol: KolSeed) -> tuple:
    """The Kol row's own columns, in KOL_COLUMNS order (JSON columns as JSON text)."""
    return tuple(
        json.dumps(getattr(kol, c), ensure_ascii=False) if c in KOL_JSON_COLUMNS else getattr(kol, c)
        for c in KOL_COLUMNS
    )


def channel_row(channel: ChannelSeed, copies: tuple) -> tuple:
    """The Channel row's columns in CHANNEL_COLUMNS order: stats, tier, audience, KOL copies."""
    ages = channel.ages or {}
    return (
        channel.platform,
        channel.handle,
        normalize_handle(channel.handle),
        channel.url,
        channel.followers,
        channel.avg_views,
        channel.engagement_rate,
        channel.er_basis,
        channel.verified,
        channel.stats_updated_at,
        tier_for(channel.followers, channel.platform),
        *(ages.get(bucket) for bucket in AGE_FIELDS),
        channel.female,
        channel.male,
        channel.audience_updated_at,
        channel.seed_label,
        *copies,
    )


# table key → (model, columns) of the rows `_batch_rows` builds after the ids.
CHILD_TABLES = {
    "category": (Kol.categories.through, ("kol_id", "category_id")),
    "tag": (Kol.tags.through, ("kol_id", "tag_id")),
    "region": (AudienceRegionShare, ("channel_id", "level", "region", "share")),
    "rate": (
        RateCard,
        (
            *("channel_id", "deliverable_type", "price", "currency", "valid_from", "valid_until"),
            *("note", "created_at", "updated_at"),
        ),
    ),
    "snapshot": (FollowerSnapshot, ("channel_id", "taken_on", "followers")),
    "contact": (ContactLog, ("kol_id", "by_id", "contacted_at", "via", "summary", "next_contact_on")),
}
KOL_TABLE_COLUMNS = ("id", "created_at", "updated_at", "group_id", "created_by_id", *KOL_COLUMNS)
CHANNEL_TABLE_COLUMNS = ("id", "created_at", "updated_at", "kol_id", "group_id", *CHANNEL_COLUMNS)


@dataclass
class BatchRows:
    """Every row of a batch of KOLs, by table, ready for `insert_rows`."""

    kols: list[tuple]
    channels: list[tuple]
    children: dict[str, list[tuple]]


def batch_rows(
    kols: list[KolSeed],
    *,
    group_id: int,
    kol_ids: Iterable[int],
    channel_ids: Iterable[int],
    categories: dict[str, Category],
    tag_ids: dict[str, int],
    by_id: int | None,
    now: datetime,
) -> BatchRows:
    """Rows for `kols` with the given ids (one per KOL, one per channel, in order)."""
    rows = BatchRows([], [], {key: [] for key in CHILD_TABLES})
    children = rows.children
    channel_ids = iter(channel_ids)
    for kol, kol_id in zip(kols, kol_ids, strict=True):
        rows.kols.append((kol_id, now, now, group_id, by_id, *kol_row(kol)))
        children["category"] += [(kol_id, categories[s].pk) for s in kol.categories if s in categories]
        children["tag"] += [(kol_id, tag_ids[name]) for name in kol.tags]
        children["contact"] += [
            (kol_id, by_id, c.contacted_at, c.via, c.summary, c.next_contact_on) for c in kol.contact_log
        ]
        copies = kol_copies(kol, categories)
        for channel in kol.channels:
            channel_id = next(channel_ids)
            rows.channels.append((channel_id, now, now, kol_id, group_id, *channel_row(channel, copies)))
            children["region"] += [(channel_id, r.level, r.region, r.share) for r in channel.regions]
            children["rate"] += [
                (
                    channel_id,
                    r.deliverable_type,
                    r.price,
                    r.currency,
                    r.valid_from,
                    r.valid_until,
                    r.note,
                    now,
                    now,
                )
                for r in channel.rates
            ]
            children["snapshot"] += [(channel_id, on, followers) for on, followers in channel.snapshots]
    return rows


# ---- database ------------------------------------------------------------------------------


def insert_rows(table: str, columns: tuple[str, ...], rows: Iterable[tuple], *, using=None) -> int:
    """Insert plain tuples into `table` in bulk: COPY on PostgreSQL, executemany on SQLite.

    The rows join the caller's transaction. Datetimes must be aware (they are stored in UTC).
    """
    conn = using or connection
    quoted = ", ".join(conn.ops.quote_name(c) for c in columns)
    table = conn.ops.quote_name(table)
    count = 0
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        # Many rows per INSERT, not executemany: FTS5 writes its pending index data at the end
        # of every statement, so one statement per row would leave a tiny segment per row.
        per_statement = max(1, min(2000, conn.features.max_query_params // len(columns)))
        zone = conn.timezone  # SQLite keeps datetimes as naive text in the connection's zone
        placeholders = f"({', '.join(['?'] * len(columns))})"
        for chunk in batched(rows, per_statement):
            params = [
                str(v.astimezone(zone).replace(tzinfo=None)) if isinstance(v, datetime) else v
                for row in chunk
                for v in row
            ]
            # Table and column names come from model metadata, never from input. The DB-API
            # connection takes "?" directly (Django's wrapper would rewrite a huge statement).
            sql = f"INSERT INTO {table} ({quoted}) VALUES {', '.join([placeholders] * len(chunk))}"  # noqa: S608
            conn.connection.execute(sql, params)
            count += len(chunk)
    return count


def reserve_ids(model, count: int, *, using=None) -> list[int]:
    """`count` fresh primary keys of `model`, for rows inserted with explicit ids.

    PostgreSQL draws them from the table's sequence (safe beside other writers). SQLite takes
    the ones after the highest id; the caller's write transaction (Django opens it IMMEDIATE)
    keeps other writers out until the rows are in.
    """
    conn = using or connection
    table = conn.ops.quote_name(model._meta.db_table)
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _write_batch(group: Organization, kols: list[KolSeed], by, categories, tag_ids) -> SeedResult:
    for name in {name for kol in kols for name in kol.tags} - tag_ids.keys():
        tag_ids[name] = tags_resolve(group=group, names=[name])[0].pk
    rows = batch_rows(
        kols,
        group_id=group.pk,
        kol_ids=reserve_ids(Kol, len(kols)),
        channel_ids=reserve_ids(Channel, sum(len(k.channels) for k in kols)),
        categories=categories,
        tag_ids=tag_ids,
        by_id=by.pk if by is not None else None,
        now=timezone.now(),
    )
    insert_rows(Kol._meta.db_table, KOL_TABLE_COLUMNS, rows.kols)
    insert_rows(Channel._meta.db_table, CHANNEL_TABLE_COLUMNS, rows.channels)
    for key, (model, columns) in CHILD_TABLES.items():
        insert_rows(model._meta.db_table, columns, rows.children[key])
    counts = {key: len(value) for key, value in rows.children.items()}
    return SeedResult(
        kols=len(rows.kols),
        channels=len(rows.channels),
        region_shares=counts["region"],
        rates=counts["rate"],
        snapshots=counts["snapshot"],
        contact_log=counts["contact"],
    )


def seed_write(
    *, group: Organization, kols: Iterable[KolSeed], by=None, batch_size: int = 2000
) -> SeedResult:
    """Store generated KOLs in `group` (the root of an organization tree), all or nothing.

    `by` is recorded as creator and as the author of contact log entries. Planner statistics
    are refreshed afterwards, as after any bulk load.
    """
    if group.group_id != group.pk:
        raise ValueError("KOLs belong to a group (the root organization), not to a subsidiary or brand.")
    result = SeedResult()
    with transaction.atomic():
        categories = {c.slug: c for c in Category.objects.all()}
        tag_ids: dict[str, int] = {}
        with sqlite_bulk_indexing(connection):
            for batch in batched(kols, batch_size):
                result.add(_write_batch(group, list(batch), by, categories, tag_ids))
    refresh_planner_statistics()
    return result


def refresh_planner_statistics(using=None) -> None:
    """ANALYZE the KOL tables so the query planner knows their new sizes and spreads.

    PostgreSQL's autovacuum would get there eventually; SQLite never does on its own, and
    without statistics it may pick an index that reads most of a million rows.
    """
    conn = using or connection
    tables = [m._meta.db_table for m in SEEDED_MODELS] + [Kol.tags.through._meta.db_table]
    with conn.cursor() as cursor:
        # Not sampled (PRAGMA analysis_limit): a sample of the first rows of a one-group table
        # tells SQLite that a group holds 2,000 rows, and its plans go astray.
        for table in tables:
            cursor.execute(f"ANALYZE {conn.ops.quote_name(table)}")
