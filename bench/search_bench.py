"""Search benchmark for one database: grow a channel pool and time 20 fixed searches at each size.

    .venv/bin/python bench/search_bench.py --database-url URL [--sizes 10000,100000,1000000]
        [--reps 5] [--out results.json]

Run by `bench/run.py` once per database (the database must exist and may be empty: it is
migrated here). The pool grows 10K → 100K → 1M channels with the demo generator and the bulk
writer (`kolops.kols.seeding`): COPY on PostgreSQL, executemany on SQLite; generation runs in
two worker processes. At each size every search runs through `selectors.channel_page` (a page
of `KOLOPS_PAGE_SIZE`) and `selectors.channel_count` (capped at `KOLOPS_EXACT_COUNT_LIMIT`), the
two calls the list page makes, as a specialist of the group, on a fresh connection with the
application's own connection settings. Timings are warm: one untimed run, then `reps` timed.
"""

import argparse
import functools
import json
import multiprocessing
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEED = 2026
TODAY = date(2026, 6, 1)  # fixed, so every run builds the same pool


@dataclass(frozen=True)
class Search:
    """One of the fixed searches: a name, the query's fields, and the page to time."""

    name: str
    query: dict
    page: int = 1


def searches() -> list[Search]:
    """The fixed searches: combined filters people make, hard cases included."""
    d = Decimal
    return [
        Search("text 'linh' + TikTok", {"q": "linh", "platforms": ["tiktok"]}),
        Search("text full VN name, no diacritics", {"q": "pham thi huong"}),
        Search("text display name 'hung review'", {"q": "hung review"}),
        Search("text handle 'linh.beauty'", {"q": "linh.beauty"}),
        Search("text Chinese 2 chars '美食'", {"q": "美食"}),
        Search("text Chinese '小红的日常'", {"q": "小红的日常"}),
        Search("text traditional '陳嘉怡'", {"q": "陳嘉怡"}),
        Search("TikTok + micro + ER ≥ 5", {"platforms": ["tiktok"], "tiers": ["micro"], "min_er": d(5)}),
        Search("beauty + home HCMC", {"categories": ["beauty"], "regions": ["VN-SG"]}),
        Search("food + China + KOC", {"categories": ["food"], "regions": ["CN"], "kol_types": ["koc"]}),
        Search(
            "audience 18–24 ≥40 & female ≥60 & HCMC ≥30",
            {
                "age_buckets": ["18_24"],
                "min_age_share": d(40),
                "min_female": d(60),
                "audience_region": "VN-SG",
                "min_region_share": d(30),
            },
        ),
        Search(
            "TikTok short video ≤ 5M VND",
            {"platforms": ["tiktok"], "price_deliverable": "short_video", "max_price": d(5_000_000)},
        ),
        Search(
            "Xiaohongshu post 5K–30K CNY",
            {
                "platforms": ["xiaohongshu"],
                "price_deliverable": "post",
                "price_currency": "CNY",
                "min_price": d(5_000),
                "max_price": d(30_000),
            },
        ),
        Search(
            "followers 100K–1M, by ER",
            {"min_followers": 100_000, "max_followers": 1_000_000, "sort": "-engagement_rate"},
        ),
        Search("Facebook, page 20", {"platforms": ["facebook"]}, page=20),
        Search("all, by name, page 20", {"sort": "kol_name"}, page=20),
        Search("tag 'skincare' + beauty", {"tags": ["skincare"], "categories": ["beauty"]}),
        Search(
            "verified YouTube, by views", {"platforms": ["youtube"], "verified": True, "sort": "-avg_views"}
        ),
        Search(
            "active experts in health or finance",
            {"statuses": ["active"], "kol_types": ["expert"], "categories": ["health", "finance"]},
        ),
        Search("macro + mega in Vietnam", {"tiers": ["macro", "mega"], "regions": ["VN"]}),
        # Combined searches: audience, region share, price, tier and text together.
        Search(
            "TikTok beauty micro–mid, 18–24 ≥40 & female ≥60 & HCMC ≥30, short video ≤ 20M VND, by ER",
            {
                "platforms": ["tiktok"],
                "categories": ["beauty"],
                "tiers": ["micro", "mid"],
                "age_buckets": ["18_24"],
                "min_age_share": d(40),
                "min_female": d(60),
                "audience_region": "VN-SG",
                "min_region_share": d(30),
                "price_deliverable": "short_video",
                "max_price": d(20_000_000),
                "sort": "-engagement_rate",
            },
        ),
        Search(
            "micro–mid, 25–34 ≥30 & Hà Nội ≥25, post ≤ 10M VND",
            {
                "tiers": ["micro", "mid"],
                "age_buckets": ["25_34"],
                "min_age_share": d(30),
                "audience_region": "VN-HN",
                "min_region_share": d(25),
                "price_deliverable": "post",
                "max_price": d(10_000_000),
            },
        ),
        Search("text 'review' + YouTube", {"q": "review", "platforms": ["youtube"]}),
        Search("text Chinese '美妆' + Xiaohongshu", {"q": "美妆", "platforms": ["xiaohongshu"]}),
        Search(
            "male ≥ 60, short video 1M–5M VND",
            {
                "min_male": d(60),
                "price_deliverable": "short_video",
                "min_price": d(1_000_000),
                "max_price": d(5_000_000),
            },
        ),
    ]


# ---- Django --------------------------------------------------------------------------------


def setup_django(database_url: str) -> None:
    """Configure Django for `database_url` with the application's settings (debug off)."""
    import django

    sys.path.insert(0, str(PROJECT_DIR))
    os.environ["KOLOPS_DATABASE_URL"] = database_url
    os.environ["KOLOPS_DEBUG"] = "0"  # no query log: it would hold a million INSERTs
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kolops.settings.dev")
    django.setup()


def bench_user():
    """A specialist of a fresh group: the person searching."""
    from django.contrib.auth import get_user_model

    from kolops.accounts.choices import OrganizationKind, Role
    from kolops.accounts.models import Organization
    from kolops.accounts.services import membership_grant, organization_create

    group = Organization.objects.filter(name="Bench group", kind=OrganizationKind.GROUP).first()
    if group is None:
        group = organization_create(name="Bench group", kind=OrganizationKind.GROUP)
    user, _created = get_user_model().objects.get_or_create(username="bench-specialist")
    membership_grant(user=user, organization=group, role=Role.SPECIALIST)
    return group, user


# ---- growing the pool ----------------------------------------------------------------------


def _kols_from(start: int) -> list:
    from kolops.kols.seeding.generator import BLOCK, generate_kols

    return list(generate_kols(BLOCK, seed=SEED, start=start, today=TODAY, history=False))


@dataclass
class ChannelPool:
    """The channel pool as it grows; `source` yields the next generated KOLs, in order.

    KOL number i of the generator's sequence is the pool's i-th KOL, so a pool kept from an
    earlier run (`--keep`) grows on exactly as a fresh one would.
    """

    group: object
    channels: int = 0
    next_kol: int = 0
    source: Iterator | None = None

    def _generated(self, workers, blocks: int) -> Iterator:
        from kolops.kols.seeding.generator import BLOCK

        first, self.next_kol = self.next_kol, self.next_kol + blocks * BLOCK
        for kols in workers.imap(_kols_from, range(first, self.next_kol, BLOCK)):
            yield from kols

    def take(self, target: int, workers) -> Iterator:
        """KOLs whose channels bring the pool to `target` (at most two channels more).

        Lazy: the workers generate the next blocks while the writer stores earlier ones.
        """
        from kolops.kols.seeding.generator import BLOCK

        channels = self.channels
        while channels < target:
            kol = next(self.source, None) if self.source is not None else None
            if kol is None:
                self.source = self._generated(workers, max(1, round((target - channels) / (1.7 * BLOCK))))
                continue
            channels += len(kol.channels)
            yield kol


BULK_TABLES = ("kols_kol", "kols_channel", "kols_audienceregionshare", "kols_ratecard")
BULK_STEP = 50_000  # growth steps at least this big load with their indexes dropped


def _prepare_bulk_load(connection) -> None:
    """Bench-only settings for a big load; measurements reconnect with the application's."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")  # 1 GB: index pages stay in memory


def _secondary_indexes(connection) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the non-unique indexes of the tables a seed fills."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN {BULK_TABLES} AND sql NOT LIKE 'CREATE UNIQUE%'"
            )
        else:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                f" AND tablename IN {BULK_TABLES} AND indexdef NOT LIKE 'CREATE UNIQUE%'"
            )
        return cursor.fetchall()


@contextmanager
def indexes_rebuilt_after(connection):
    """Load without the secondary indexes, then build each one in a single sorted pass.

    What bulk loaders do (pg_restore, sqlite3 .import): maintaining a dozen B-trees row by
    row costs several times more than building them once at the end.
    """
    indexes = _secondary_indexes(connection)
    with connection.cursor() as cursor:
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)


def grow(pool: ChannelPool, target: int, workers) -> dict:
    """Add channels up to `target`; returns the seconds and rows it took."""
    from django.db import connection

    from kolops.kols.seeding.writer import refresh_planner_statistics, seed_write

    _prepare_bulk_load(connection)
    started = time.perf_counter()
    bulk = target - pool.channels >= BULK_STEP
    with indexes_rebuilt_after(connection) if bulk else nullcontext():
        result = seed_write(group=pool.group, kols=pool.take(target, workers))
    if bulk:
        refresh_planner_statistics()  # again: the rebuilt indexes have none yet
    pool.channels += result.channels
    if connection.vendor == "postgresql":
        # What autovacuum does after a bulk load: visibility map for index-only scans, statistics.
        connection.close()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) kols_channel, kols_audienceregionshare, kols_ratecard")
    connection.close()
    seconds = time.perf_counter() - started
    rows = sum([result.kols, result.channels, result.region_shares, result.rates])
    return {
        "added_channels": result.channels,
        "added_rows": rows,
        "seconds": round(seconds, 1),
        "rows_per_second": round(rows / seconds),
    }


# ---- measuring -----------------------------------------------------------------------------


def _timed(function):
    started = time.perf_counter()
    value = function()
    return (time.perf_counter() - started) * 1000, value


def measure(user, reps: int, count_cap: int | None = None) -> list[dict]:
    """Time every search: the page and the capped count, `reps` times after one warm-up.

    The count is capped as the list page caps it (KOLOPS_EXACT_COUNT_LIMIT) unless `count_cap`.
    """
    from django.conf import settings

    from kolops.kols.query import ChannelQuery
    from kolops.kols.selectors import channel_count, channel_page

    size, cap = settings.KOLOPS_PAGE_SIZE, count_cap or settings.KOLOPS_EXACT_COUNT_LIMIT
    results = []
    for search in searches():
        query = ChannelQuery(**search.query)
        cursor = None
        for _page in range(search.page - 1):  # walk to the page to time (untimed)
            cursor = channel_page(user=user, query=query, cursor=cursor, size=size).next_cursor

        def page(query=query, cursor=cursor):
            user.__dict__.pop("_kolops_group_cache", None)  # a request starts without it
            return channel_page(user=user, query=query, cursor=cursor, size=size)

        def count(query=query):
            user.__dict__.pop("_kolops_group_cache", None)
            return channel_count(user=user, query=query, cap=cap)

        page(), count()  # warm-up
        page_ms, count_ms = [], []
        for _ in range(reps):
            elapsed, rows = _timed(page)
            page_ms.append(elapsed)
            elapsed, (matches, more) = _timed(count)
            count_ms.append(elapsed)
        results.append(
            {
                "name": search.name,
                "rows": len(rows.rows),
                "matches": f"{matches:,}{'+' if more else ''}",
                "page_ms": [round(v, 2) for v in page_ms],
                "count_ms": [round(v, 2) for v in count_ms],
            }
        )
    return results


def summarize(results: list[dict]) -> dict:
    """Median and p95 (over every timed run of every search) of page, count and both."""

    def stats(values):
        values = sorted(values)
        return {"p50": round(statistics.median(values), 1), "p95": round(_p95(values), 1)}

    page = [v for r in results for v in r["page_ms"]]
    count = [v for r in results for v in r["count_ms"]]
    both = [p + c for r in results for p, c in zip(r["page_ms"], r["count_ms"], strict=True)]
    return {"page": stats(page), "count": stats(count), "total": stats(both)}


def _p95(sorted_values: list[float]) -> float:
    """The 95th percentile, interpolated between the closest ranks."""
    rank = 0.95 * (len(sorted_values) - 1)
    low = int(rank)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (rank - low)


def run(database_url: str, sizes: list[int], reps: int, count_cap: int | None = None, progress=print) -> dict:
    """Grow the pool through `sizes` and measure at each; the results as plain data."""
    setup_django(database_url)
    from django.core.management import call_command
    from django.db import connection

    from kolops.kols.models import Channel, Kol

    call_command("migrate", verbosity=0)
    group, user = bench_user()
    pool = ChannelPool(
        group=group,
        channels=Channel.objects.filter(group=group).count(),
        next_kol=Kol.objects.filter(group=group).count(),
    )
    steps = []
    # Workers only generate (pure Python); spawn, so they inherit no open database connection.
    with multiprocessing.get_context("spawn").Pool(2) as workers:
        for target in sizes:
            seeding = None
            if target > pool.channels:
                progress(f"  {connection.vendor}: growing to {target:,} channels …")
                seeding = grow(pool, target, workers)
                progress(
                    f"  {connection.vendor}: +{seeding['added_channels']:,} channels "
                    f"({seeding['added_rows']:,} rows) in {seeding['seconds']} s"
                )
            progress(
                f"  {connection.vendor}: {pool.channels:,} channels: timing {len(searches())} searches × {reps} …"
            )
            results = measure(user, reps, count_cap)
            steps.append(
                {
                    "channels": pool.channels,
                    "seeding": seeding,
                    "summary": summarize(results),
                    "searches": results,
                }
            )
    from django.conf import settings

    cap = count_cap or settings.KOLOPS_EXACT_COUNT_LIMIT
    return {
        "database": connection.vendor,
        "url": database_url,
        "reps": reps,
        "count_cap": cap,
        "steps": steps,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument(
        "--count-cap", type=int, help="cap the counts here (default: KOLOPS_EXACT_COUNT_LIMIT)"
    )
    parser.add_argument("--out", help="write the results here as JSON (default: print them)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    result = run(
        args.database_url, sizes, args.reps, args.count_cap, progress=functools.partial(print, flush=True)
    )
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text)


if __name__ == "__main__":
    main()
