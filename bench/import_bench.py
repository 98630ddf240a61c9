"""Import benchmark: generate a 100k-row KOL CSV and import it, printing rows per second.

    .venv/bin/python bench/import_bench.py [--rows N] [--database-url URL]

`run(database_url)` is what `bench/run.py` calls. It configures Django for `database_url` when
Django is not set up yet (None: a throwaway SQLite file), migrates, imports the file into a
fresh organization group as a system import, imports it a second time (everything unchanged),
and deletes everything it created, history included, so it can run against any database.
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
PLATFORMS = ["tiktok", "facebook", "youtube", "instagram", "douyin", "xiaohongshu"]
CATEGORIES = ["beauty", "lifestyle", "family", "travel", "food", "fashion", "tech", "gaming"]
REGIONS = ["VN-SG", "VN-HN", "VN-DN", "VN-HP", "CN-GD", "CN-SH", "CN-BJ"]
FIRST = ["Mai", "Lan", "Hùng", "Minh", "Trang", "Ngọc", "Tuấn", "Linh", "Wei", "Fang", "Jing", "Hao"]
LAST = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Zhang", "Wang", "Li", "Liu"]


def generate_csv(rows: int, seed: int = 7) -> bytes:
    """A KOL file of `rows` channels: about 1.4 channels per KOL, most columns filled."""
    rng = random.Random(seed)
    header = [
        "kol_name",
        "real_name",
        "kol_type",
        "categories",
        "home_region",
        "languages",
        "phone",
        "email",
        "tags",
        "notes",
        "status",
        "platform",
        "handle",
        "url",
        "followers",
        "avg_views",
        "engagement_rate",
        "er_basis",
        "verified",
        "age_18_24",
        "age_25_34",
        "female",
        "male",
        "audience_regions",
        "price_post",
        "price_short_video",
        "price_currency",
    ]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    written = kol = 0
    while written < rows:
        kol += 1
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {kol}"
        region = rng.choice(REGIONS)
        kol_values = [
            name,
            name,
            rng.choice(["kol", "koc", "celebrity", "expert"]),
            ";".join(rng.sample(CATEGORIES, rng.randint(1, 3))),
            region,
            "vi;en" if region.startswith("VN") else "zh",
            f"+84 9{rng.randint(10_000_000, 99_999_999)}",
            f"kol{kol}@example.com",
            ";".join(rng.sample(["skincare", "tet", "review", "unbox", "vlog"], 2)),
            "Bench KOL",
            "active",
        ]
        for platform in rng.sample(PLATFORMS, 1 if rng.random() < 0.65 else 2):
            if written >= rows:
                break
            followers = int(rng.lognormvariate(10, 1.6))
            handle = f"bench_{kol}_{platform}"
            writer.writerow(
                [
                    *kol_values,
                    platform,
                    handle,
                    f"https://example.com/{handle}",
                    f"{followers:,}",
                    int(followers * rng.uniform(0.05, 0.4)),
                    f"{rng.uniform(0.5, 9):.2f}",
                    "followers",
                    "yes" if followers > 500_000 else "no",
                    "45",
                    "30",
                    "62",
                    "38",
                    f"{region}:40;VN:70" if region.startswith("VN") else f"{region}:35;CN:80",
                    rng.randint(1, 200) * 100_000,
                    rng.randint(1, 300) * 100_000,
                    "VND",
                ]
            )
            written += 1
    return buffer.getvalue().encode("utf-8-sig")


def _setup_django(database_url: str | None) -> str | None:
    """Configure Django for `database_url`; returns a temporary SQLite file to delete, if any."""
    import django
    from django.conf import settings

    sys.path.insert(0, str(PROJECT_DIR))
    temp_file = None
    if not settings.configured:
        if database_url is None:
            handle, temp_file = tempfile.mkstemp(suffix=".sqlite3", prefix="kolops-bench-")
            os.close(handle)
            database_url = f"sqlite:///{temp_file}"
        os.environ["KOLOPS_DATABASE_URL"] = database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kolops.settings.dev")
        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return temp_file


def _cleanup(group) -> None:
    """Delete the bench group's records, their history and the group.

    Plain DELETE statements: the ORM's delete() would load every channel to write a history
    row for it (django-simple-history listens to deletions).
    """
    from django.db import connection, transaction

    from kolops.kols.models import AudienceRegionShare, Channel, FollowerSnapshot, Kol, RateCard, Tag

    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    channels = f"SELECT id FROM {table(Channel)} WHERE group_id = %s"
    kols = f"SELECT id FROM {table(Kol)} WHERE group_id = %s"
    statements = [
        f"DELETE FROM {table(RateCard.history.model)} WHERE channel_id IN ({channels})",
        *(
            f"DELETE FROM {table(model)} WHERE channel_id IN ({channels})"
            for model in (FollowerSnapshot, AudienceRegionShare, RateCard)
        ),
        f"DELETE FROM {table(Kol.categories.through)} WHERE kol_id IN ({kols})",
        f"DELETE FROM {table(Kol.tags.through)} WHERE kol_id IN ({kols})",
        f"DELETE FROM {table(Channel)} WHERE group_id = %s",
        f"DELETE FROM {table(Channel.history.model)} WHERE group_id = %s",
        f"DELETE FROM {table(Kol)} WHERE group_id = %s",
        f"DELETE FROM {table(Kol.history.model)} WHERE group_id = %s",
        f"DELETE FROM {table(Tag)} WHERE group_id = %s",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement, [group.pk])
        # A group is its own `group`; unlink it before deleting (the key protects it).
        type(group).objects.filter(pk=group.pk).update(group=None)
        type(group).objects.filter(pk=group.pk).delete()


def run(database_url: str | None = None, rows: int = 100_000) -> dict:
    """Import a generated `rows`-row CSV; {"rows", "seconds", "rows_per_second", …}."""
    temp_file = _setup_django(database_url)
    from django.db import connection

    from kolops.accounts.choices import OrganizationKind
    from kolops.accounts.services import organization_create
    from kolops.kols.imports import kols_import

    data = generate_csv(rows)
    group = organization_create(name=f"Import bench {time.time_ns()}", kind=OrganizationKind.GROUP)
    try:
        started = time.perf_counter()
        first = kols_import(by=None, group=group, file_name="bench.csv", data=data, dry_run=False)
        seconds = time.perf_counter() - started
        if first.errors:
            raise RuntimeError(f"bench import failed: {first.errors[:3]}")
        started = time.perf_counter()
        second = kols_import(by=None, group=group, file_name="bench.csv", data=data, dry_run=False)
        again = time.perf_counter() - started
    finally:
        _cleanup(group)
        if temp_file:
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(temp_file + suffix).unlink(missing_ok=True)
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds),
        "database": connection.vendor,
        "megabytes": round(len(data) / 1024 / 1024, 1),
        "created": first.created,
        "reimport_seconds": round(again, 2),
        "reimport_unchanged": second.unchanged,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=os.environ.get("KOLOPS_DATABASE_URL"))
    args = parser.parse_args()
    result = run(args.database_url, rows=args.rows)
    print(
        f"import: {result['rows']:,} rows ({result['megabytes']} MB CSV) on {result['database']} in "
        f"{result['seconds']} s = {result['rows_per_second']:,} rows/s; "
        f"re-import (all unchanged) {result['reimport_seconds']} s"
    )


if __name__ == "__main__":
    main()
