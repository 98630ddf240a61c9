"""Audience shares in the search indexes searches combine most (measured at 1M, see bench/README.md).

A search that joins audience filters to a platform or a tier (TikTok micro and mid tiers, ≥ 40 %
aged 18–24, ≥ 60 % female, …) read every channel of that platform and tier from the table to
check the shares, once for the page and once for the count. The followers, platform and tier
indexes now end in the audience-share columns, and a new index leads with platform and tier
together, so those filters are checked in the index and only the channels that pass are read or
reach the region-share and price subqueries.

SQLite plans with the statistics in sqlite_stat1: the channel table is analysed again.
"""

from django.db import migrations, models


def analyze_on_sqlite(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE kols_channel")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_without_language"),
        ("kols", "0006_audience_indexes"),
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
                    "aud_female",
                    "aud_male",
                    "aud_age_13_17",
                    "aud_age_18_24",
                    "aud_age_25_34",
                    "aud_age_35_44",
                    "aud_age_45_54",
                    "aud_age_55_plus",
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
                    "aud_female",
                    "aud_male",
                    "aud_age_13_17",
                    "aud_age_18_24",
                    "aud_age_25_34",
                    "aud_age_35_44",
                    "aud_age_45_54",
                    "aud_age_55_plus",
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
                    "aud_female",
                    "aud_male",
                    "aud_age_13_17",
                    "aud_age_18_24",
                    "aud_age_25_34",
                    "aud_age_35_44",
                    "aud_age_45_54",
                    "aud_age_55_plus",
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
                    "platform",
                    "tier",
                    "followers",
                    "id",
                    "kol_type",
                    "kol_status",
                    "home_region",
                    "category_mask",
                    "engagement_rate",
                    "verified",
                    "aud_female",
                    "aud_male",
                    "aud_age_13_17",
                    "aud_age_18_24",
                    "aud_age_25_34",
                    "aud_age_35_44",
                    "aud_age_45_54",
                    "aud_age_55_plus",
                ],
                name="ch_platform_tier",
            ),
        ),
        migrations.RunPython(analyze_on_sqlite, migrations.RunPython.noop),
    ]
