"""Search indexes for a million channels (measured with `make bench`, see bench/README.md).

Channel: indexes led by each column a search narrows by (platform, tier, KOL type, home region)
and by each sort key, with the common filter columns trailing so rows are rejected from the
index alone; rate cards: indexes that hold everything the price filter reads.

PostgreSQL reads a plain index backwards as DESC NULLS FIRST, but lists sort nullable columns
DESC NULLS LAST (unknown values last), so the two nullable sort keys get DESC NULLS LAST twins
there. SQLite already orders NULLs lowest, so its backward scan is DESC NULLS LAST.
"""

from django.db import migrations, models

POSTGRES_FORWARD = [
    "CREATE INDEX IF NOT EXISTS ch_er_desc ON kols_channel "
    "(group_id, is_archived, engagement_rate DESC NULLS LAST, id DESC)",
    "CREATE INDEX IF NOT EXISTS ch_views_desc ON kols_channel "
    "(group_id, is_archived, avg_views DESC NULLS LAST, id DESC)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS ch_er_desc", "DROP INDEX IF EXISTS ch_views_desc"]


def on_postgresql(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("kols", "0003_channel_text_search"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="channel",
            name="ch_followers",
        ),
        migrations.RemoveIndex(
            model_name="channel",
            name="ch_platform",
        ),
        migrations.RemoveIndex(
            model_name="channel",
            name="ch_tier",
        ),
        migrations.RemoveIndex(
            model_name="ratecard",
            name="rate_channel",
        ),
        migrations.RemoveIndex(
            model_name="ratecard",
            name="rate_price",
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                fields=[
                    "group",
                    "is_archived",
                    "followers",
                    "id",
                    "platform",
                    "tier",
                    "kol_type",
                    "kol_status",
                    "home_region",
                    "category_mask",
                    "engagement_rate",
                ],
                name="ch_followers",
            ),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                fields=[
                    "group",
                    "is_archived",
                    "platform",
                    "followers",
                    "id",
                    "tier",
                    "kol_type",
                    "kol_status",
                    "home_region",
                    "category_mask",
                    "engagement_rate",
                ],
                name="ch_platform",
            ),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                fields=[
                    "group",
                    "is_archived",
                    "tier",
                    "followers",
                    "id",
                    "platform",
                    "kol_type",
                    "kol_status",
                    "home_region",
                    "category_mask",
                    "engagement_rate",
                ],
                name="ch_tier",
            ),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                fields=[
                    "group",
                    "is_archived",
                    "kol_type",
                    "followers",
                    "id",
                    "platform",
                    "tier",
                    "kol_status",
                    "home_region",
                    "category_mask",
                    "engagement_rate",
                ],
                name="ch_type",
            ),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                fields=[
                    "group",
                    "is_archived",
                    "home_region",
                    "followers",
                    "id",
                    "platform",
                    "tier",
                    "kol_type",
                    "kol_status",
                    "category_mask",
                    "engagement_rate",
                ],
                name="ch_region",
            ),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(fields=["group", "is_archived", "avg_views", "id"], name="ch_views"),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(fields=["group", "is_archived", "kol_name", "id"], name="ch_name"),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(fields=["group", "is_archived", "updated_at", "id"], name="ch_updated"),
        ),
        migrations.AddIndex(
            model_name="ratecard",
            index=models.Index(
                fields=["channel", "deliverable_type", "currency", "price", "valid_from", "valid_until"],
                name="rate_channel",
            ),
        ),
        migrations.AddIndex(
            model_name="ratecard",
            index=models.Index(
                fields=["deliverable_type", "currency", "price", "valid_from", "valid_until", "channel"],
                name="rate_price",
            ),
        ),
        migrations.RunPython(on_postgresql(POSTGRES_FORWARD), on_postgresql(POSTGRES_BACKWARD)),
    ]
