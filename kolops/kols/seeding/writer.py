"""The bulk writer of demo data: generator records → rows, in batches, in one transaction.

Every channel row gets the KOL columns search reads (`kol_name`, `kol_type`, `kol_status`,
`home_region`, `category_mask`, `search_text`, `is_archived`) and its `tier` and `handle_key`
from the same helpers the services use, so a seeded channel is indistinguishable from one
entered through the forms. No `save()` per row: `bulk_create` per table and batch (the
benchmark reuses the row builders below with COPY / executemany).
"""

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
from ..models import (
    AudienceRegionShare,
    Category,
    Channel,
    ContactLog,
    FollowerSnapshot,
    Kol,
    RateCard,
)
from ..services import category_mask, kol_search_text, tags_resolve
from .records import ChannelSeed, KolSeed

KOL_COLUMNS = (
    "display_name",
    "real_name",
    "kol_type",
    "home_region",
    "languages",
    "agency",
    "manager_name",
    "contacts",
    "notes",
    "status",
    "blacklist_reason",
    "risk_flags",
    "archived_at",
)
# Tables a seed fills, for counts and planner statistics.
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


def kol_values(kol: KolSeed) -> dict:
    """The Kol row's own columns (without group, creator and timestamps)."""
    return {name: getattr(kol, name) for name in KOL_COLUMNS}


def kol_copies(kol: KolSeed, categories: dict[str, Category]) -> dict:
    """The KOL columns every channel row carries, computed as `channels_sync_from_kol` does.

    Tags come in the order the KOL's tag relation lists them (by name), like the service.
    """
    person = SimpleNamespace(display_name=kol.display_name, real_name=kol.real_name, notes=kol.notes)
    handles = [c.handle for c in kol.channels]
    return {
        "kol_name": kol.display_name,
        "kol_type": kol.kol_type,
        "kol_status": kol.status,
        "home_region": kol.home_region,
        "category_mask": category_mask(categories[slug] for slug in kol.categories if slug in categories),
        "search_text": kol_search_text(person, [*handles, *sorted(kol.tags)]),
        "is_archived": kol.archived_at is not None,
    }


def channel_values(channel: ChannelSeed, copies: dict) -> dict:
    """The Channel row's columns (without ids and timestamps): stats, audience, copies."""
    ages = channel.ages or {}
    return {
        "platform": channel.platform,
        "handle": channel.handle,
        "handle_key": normalize_handle(channel.handle),
        "url": channel.url,
        "followers": channel.followers,
        "avg_views": channel.avg_views,
        "engagement_rate": channel.engagement_rate,
        "er_basis": channel.er_basis,
        "verified": channel.verified,
        "stats_updated_at": channel.stats_updated_at,
        "tier": tier_for(channel.followers, channel.platform),
        **{field: ages.get(bucket) for bucket, field in AGE_FIELDS.items()},
        "aud_female": channel.female,
        "aud_male": channel.male,
        "audience_updated_at": channel.audience_updated_at,
        "seed_label": channel.seed_label,
        **copies,
    }


def insert_rows(table: str, columns: tuple[str, ...], rows: Iterable[tuple], *, using=None) -> int:
    """Insert plain tuples into `table` in bulk: COPY on PostgreSQL, executemany on SQLite.

    The rows join the caller's transaction. Datetimes must be aware (they are stored in UTC).
    """
    conn = using or connection
    quoted = ", ".join(conn.ops.quote_name(c) for c in columns)
    count = 0
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {conn.ops.quote_name(table)} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        adapt = conn.ops.adapt_datetimefield_value  # SQLite keeps naive UTC text
        # Table and column names come from model metadata, never from input.
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {conn.ops.quote_name(table)} ({quoted}) VALUES ({marks})"  # noqa: S608
        for chunk in batched(rows, 5000):
            chunk = [tuple(adapt(v) if isinstance(v, datetime) else v for v in row) for row in chunk]
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def child_rows(channel_id: int, channel: ChannelSeed, now: datetime) -> dict[str, list[tuple]]:
    """The rows hanging off one channel, by table (columns as in CHILD_COLUMNS)."""
    return {
        "region": [(channel_id, r.level, r.region, r.share) for r in channel.regions],
        "rate": [
            (channel_id, r.deliverable_type, r.price, r.currency, r.valid_from, r.valid_until, r.note, now, now)
            for r in channel.rates
        ],
        "snapshot": [(channel_id, on, followers) for on, followers in channel.snapshots],
    }


# table key → (model, columns) of the rows `child_rows` and `_write_batch` build.
CHILD_TABLES = {
    "region": (AudienceRegionShare, ("channel_id", "level", "region", "share")),
    "rate": (
        RateCard,
        ("channel_id", "deliverable_type", "price", "currency", "valid_from", "valid_until", "note",
         "created_at", "updated_at"),  # fmt: skip
    ),
    "snapshot": (FollowerSnapshot, ("channel_id", "taken_on", "followers")),
    "category": (Kol.categories.through, ("kol_id", "category_id")),
    "tag": (Kol.tags.through, ("kol_id", "tag_id")),
    "contact": (ContactLog, ("kol_id", "by_id", "contacted_at", "via", "summary", "next_contact_on")),
}


def _tag_ids(group: Organization, names: Iterable[str], tags: dict[str, int]) -> list[int]:
    for name in names:
        if name not in tags:
            tags[name] = tags_resolve(group=group, names=[name])[0].pk
    return [tags[name] for name in names]


def _write_batch(group, kols: list[KolSeed], by, categories, tags: dict[str, int]) -> SeedResult:
    """Kols and channels through bulk_create (their ids are needed), the rest as plain rows."""
    kol_rows = Kol.objects.bulk_create([Kol(group=group, created_by=by, **kol_values(k)) for k in kols])
    children: dict[str, list[tuple]] = {key: [] for key in CHILD_TABLES}
    channels, owners = [], []
    by_id = by.pk if by is not None else None
    for seed, row in zip(kols, kol_rows, strict=True):
        children["category"] += [(row.pk, categories[s].pk) for s in seed.categories]
        children["tag"] += [(row.pk, tag_id) for tag_id in _tag_ids(group, seed.tags, tags)]
        children["contact"] += [
            (row.pk, by_id, c.contacted_at, c.via, c.summary, c.next_contact_on) for c in seed.contact_log
        ]
        copies = kol_copies(seed, categories)
        for channel in seed.channels:
            channels.append(Channel(kol=row, group=group, **channel_values(channel, copies)))
            owners.append(channel)
    Channel.objects.bulk_create(channels)
    now = timezone.now()
    for seed, row in zip(owners, channels, strict=True):
        for key, rows in child_rows(row.pk, seed, now).items():
            children[key] += rows
    for key, (model, columns) in CHILD_TABLES.items():
        insert_rows(model._meta.db_table, columns, children[key])
    return SeedResult(
        kols=len(kol_rows),
        channels=len(channels),
        region_shares=len(children["region"]),
        rates=len(children["rate"]),
        snapshots=len(children["snapshot"]),
        contact_log=len(children["contact"]),
    )


def seed_write(
    *, group: Organization, kols: Iterable[KolSeed], by=None, batch_size: int = 1000
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
        tags: dict[str, int] = {}
        for batch in batched(kols, batch_size):
            result.add(_write_batch(group, list(batch), by, categories, tags))
    refresh_planner_statistics()
    return result


def refresh_planner_statistics(using=None) -> None:
    """ANALYZE the KOL tables so the query planner knows their new sizes and spreads.

    PostgreSQL's autovacuum would get there eventually; SQLite never does on its own, and
    without statistics it may pick an index that reads most of a million rows.
    """
    conn = connection if using is None else using
    tables = [m._meta.db_table for m in SEEDED_MODELS] + [Kol.tags.through._meta.db_table]
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=2000")  # sampled: seconds, not minutes
        for table in tables:
            cursor.execute(f"ANALYZE {conn.ops.quote_name(table)}")


def iter_counts(result: SeedResult) -> Iterator[tuple[str, int]]:
    """(kind, rows) pairs of a seed result, for printing."""
    for f in fields(result):
        yield f.name.replace("_", " "), getattr(result, f.name)
