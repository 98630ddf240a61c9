"""The common filter columns ride along in every channel search index (measured at 1M).

Migration 0004 led indexes by the filtered columns; here `verified` joins the trailing filter
columns, the ER sort index and the KOL index (the tag filter's way in) carry them too, so a row
that fails a filter is rejected from the index alone: no table read, which is most of the cost
of a page or a capped count over a million channels. On PostgreSQL the DESC NULLS LAST twins
of migration 0004 INCLUDE the same columns.
"""

from django.db import migrations, models

_TAIL = "followers, platform, tier, kol_type, kol_status, home_region, category_mask, verified"
POSTGRES_FORWARD = [
    "DROP INDEX IF EXISTS ch_er_desc",
    "DROP INDEX IF EXISTS ch_views_desc",
    "CREATE INDEX ch_er_desc ON kols_channel "
    f"(group_id, is_archived, engagement_rate DESC NULLS LAST, id DESC) INCLUDE ({_TAIL})",
    "CREATE INDEX ch_views_desc ON kols_channel "
    f"(group_id, is_archived, avg_views DESC NULLS LAST, id DESC) INCLUDE ({_TAIL})",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS ch_er_desc",
    "DROP INDEX IF EXISTS ch_views_desc",
    "CREATE INDEX ch_er_desc ON kols_channel (group_id, is_archived, engagement_rate DESC NULLS LAST, id DESC)",
    "CREATE INDEX ch_views_desc ON kols_channel (group_id, is_archived, avg_views DESC NULLS LAST, id DESC)",
]


def on_postgresql(statements):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("kols", "0004_channel_search_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="channel",
            name="ch_er",
        ),
        migrations.RemoveIndex(
            model_name="channel",
            name="ch_kol",
        ),
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
            model_name="channel",
            name="ch_type",
        ),
        migrations.RemoveIndex(
            model_name="channel",
            name="ch_region",
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
                    "verified",
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
                    "verified",
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
                    "verified",
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
                    "verified",
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
                    "verified",
                ],
                name="ch_region",
            ),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                fields=[
                    "group",
                    "is_archived",
                    "engagement_rate",
                    "id",
                    "followers",
                    "platform",
                    "tier",
                    "kol_type",
                    "kol_status",
                    "home_region",
                    "category_mask",
                    "verified",
                ],
                name="ch_er",
            ),
        ),
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                fields=[
                    "kol",
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
                    "verified",
                ],
                name="ch_kol",
            ),
        ),
        migrations.RunPython(on_postgresql(POSTGRES_FORWARD), on_postgresql(POSTGRES_BACKWARD)),
    ]
