"""The trigram index over `Channel.search_text` (migration 0003): how to query and bulk-fill it.

PostgreSQL: a pg_trgm GIN index that serves `search_text LIKE '%word%'` by itself.
SQLite: an FTS5 table with the trigram tokenizer, kept in step by triggers on kols_channel.
Both index three-character pieces, so words shorter than `TRIGRAM` characters are matched by
a plain LIKE instead.
"""

from contextlib import contextmanager

TRIGRAM = 3
SQLITE_TABLE = "kols_channel_fts"
SQLITE_INSERT_TRIGGER = "kols_channel_fts_insert"
# A bulk load of more channels than this (and over a fifth of the table) merges the index after.
OPTIMIZE_AFTER = 20_000
# Channel ids whose text holds every phrase of a MATCH expression (see `sqlite_match`).
SQLITE_MATCH_IDS = "SELECT rowid FROM kols_channel_fts WHERE kols_channel_fts MATCH %s"


def indexed_words(words: list[str]) -> list[str]:
    """The words long enough for the trigram index."""
    return [w for w in words if len(w) >= TRIGRAM]


def sqlite_match(words: list[str]) -> str:
    """An FTS5 MATCH expression requiring every word as a substring.

    Each word is a quoted phrase: with the trigram tokenizer a phrase matches exactly where the
    word occurs inside the text, and quoting makes FTS5 syntax in user input (OR, NEAR, *, ")
    plain text.
    """
    return " AND ".join('"{}"'.format(w.replace('"', '""')) for w in words)


@contextmanager
def sqlite_bulk_indexing(connection):
    """Within a write transaction: index channels inserted in the block in one statement.

    The insert trigger updates FTS5 once per INSERT statement, and FTS5 writes (and later
    merges) an index segment each time: per channel that costs ~8× what one INSERT … SELECT
    of all new rows costs. The trigger is dropped for the block and created again from its
    own stored definition; the transaction makes this invisible to other connections (a
    rollback restores it). Does nothing on other databases or without the index.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [SQLITE_INSERT_TRIGGER]
        )
        trigger = cursor.fetchone()
        if trigger is None:
            yield
            return
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM kols_channel")
        last_id = cursor.fetchone()[0]
        cursor.execute(f"DROP TRIGGER {SQLITE_INSERT_TRIGGER}")
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SQLITE_TABLE}(rowid, search_text) SELECT id, search_text FROM kols_channel WHERE id > %s",  # noqa: S608
            [last_id],
        )
        cursor.execute("SELECT COUNT(*) FROM kols_channel WHERE id > %s", [last_id])
        added = cursor.fetchone()[0]
        if added > OPTIMIZE_AFTER and added * 4 > last_id:
            # A big load leaves the index in many segments, and every query reads them all:
            # merge them into one (it rewrites the index, so only when the load was big).
            cursor.execute("INSERT INTO kols_channel_fts(kols_channel_fts) VALUES ('optimize')")
        cursor.execute(trigger[0])
