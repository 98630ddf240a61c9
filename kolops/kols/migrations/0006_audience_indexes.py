"""Audience filters at a million channels: `ch_audience` lets a search on the audience shares
kept on the channel row (female %, age buckets) read the index instead of the table.

SQLite plans with the statistics ANALYZE leaves in sqlite_stat1, and an index without them
looks like a bargain to its planner: the channel table is analysed again after the change
(PostgreSQL needs no statistics for a plain B-tree index).
"""

from django.db import migrations, models


def analyze_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE kols_channel")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_without_language"),
        ("kols", "0005_channel_search_covering"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="channel",
            index=models.Index(
                fields=[
                    "group",
                    "is_archived",
                    "aud_female",
                    "id",
                    "aud_age_13_17",
                    "aud_age_18_24",
                    "aud_age_25_34",
                    "aud_age_35_44",
                    "aud_age_45_54",
                    "aud_age_55_plus",
                    "aud_male",
                ],
                name="ch_audience",
            ),
        ),
        migrations.RunPython(analyze_on_sqlite, migrations.RunPython.noop),
    ]
