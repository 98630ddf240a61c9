"""Free-text search over `Channel.search_text` through a trigram index, on either database.

A `LIKE '%word%'` cannot use a B-tree index, so over a million channels a rare word means
reading every row. A trigram index finds the rows holding every three-letter piece of the word
instead (words shorter than three letters still fall back to LIKE, see kols.selectors):

- PostgreSQL: the pg_trgm extension (trusted, so the database owner may create it) and a GIN
  index with `gin_trgm_ops`, which the planner uses for `search_text LIKE '%word%'` directly;
- SQLite: an FTS5 table with the trigram tokenizer (SQLite ≥ 3.34) over the channel table
  (external content: the text is stored once), kept in step by triggers and queried as
  `id IN (SELECT rowid FROM kols_channel_fts WHERE kols_channel_fts MATCH '"word"')`.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE kols_channel_fts USING fts5(
        search_text, content='kols_channel', content_rowid='id', tokenize='trigram'
    )""",
    "INSERT INTO kols_channel_fts(kols_channel_fts) VALUES ('rebuild')",
    """CREATE TRIGGER kols_channel_fts_insert AFTER INSERT ON kols_channel BEGIN
        INSERT INTO kols_channel_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER kols_channel_fts_delete AFTER DELETE ON kols_channel BEGIN
        INSERT INTO kols_channel_fts(kols_channel_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    # Only a changed text is re-indexed: saving a channel's stats leaves the index alone.
    """CREATE TRIGGER kols_channel_fts_update AFTER UPDATE OF search_text ON kols_channel
    WHEN old.search_text IS NOT new.search_text BEGIN
        INSERT INTO kols_channel_fts(kols_channel_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO kols_channel_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS kols_channel_fts_update",
    "DROP TRIGGER IF EXISTS kols_channel_fts_delete",
    "DROP TRIGGER IF EXISTS kols_channel_fts_insert",
    "DROP TABLE IF EXISTS kols_channel_fts",
]
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ch_search_trgm ON kols_channel USING gin (search_text gin_trgm_ops)",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS ch_search_trgm"]


def run(statements_by_vendor):
    def operation(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return operation


class Migration(migrations.Migration):
    dependencies = [("kols", "0002_categories")]
    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
