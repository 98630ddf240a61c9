"""Concurrent writers for tests: threads with database connections of their own.

Each thread opens its own connection, as each gunicorn worker does. PostgreSQL and a SQLite
file need nothing more. The in-memory SQLite database the test suite runs on cannot serve
threads (they share one cache that locks whole tables and never waits: "database table is
locked"), so `separate_connections` moves the test to a file copy of it while it runs, which is
how SQLite is deployed.
"""

import contextlib
import importlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from django.apps import apps
from django.db import connection, connections


@contextlib.contextmanager
def separate_connections(directory: Path) -> Iterator[None]:
    """Run the block on a database that threads can share through connections of their own.

    Use inside a transactional test (`transactional_db`): the block's writes are committed.
    """
    # The categories the data migration installs: a transactional test before may have flushed them.
    importlib.import_module("kolops.kols.migrations.0002_categories").add_categories(apps, None)
    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        yield
        return
    memory = connections["default"]
    settings = memory.settings_dict  # shared with every connection the threads will open
    in_memory_name = settings["NAME"]
    path = directory / "writers.sqlite3"
    memory.ensure_connection()
    with contextlib.closing(sqlite3.connect(path)) as copy:
        memory.connection.backup(copy)
    settings["NAME"] = str(path)
    connections["default"] = memory.__class__(settings, "default")
    try:
        yield
    finally:
        connections["default"].close()
        settings["NAME"] = in_memory_name
        connections["default"] = memory


def run_at_once(work: list[Callable[[], None]]) -> list[str]:
    """Run each callable in a thread of its own, all released together; the errors they raised.

    Each thread closes its connection when done.
    """
    errors: list[str] = []
    start = threading.Barrier(len(work))

    def runner(job):
        try:
            start.wait()
            job()
        except Exception as error:  # every failure counts, a deadlock first of all
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(job,)) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer is still waiting"
    return errors
