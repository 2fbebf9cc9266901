"""The tables' secondary indexes set aside while a run fills empty tables (PostgreSQL).

PostgreSQL's advice for a bulk load ("Populating a Database" in its manual): fill a fresh
table first and build its indexes afterwards, since one sorted build is cheaper than keeping
every index up to date row by row. The stop-point table alone has ten secondary indexes (one
per foreign key, and the work list's partial ones); at 16k patients their upkeep was about a
quarter of the server's time during the load.

Set aside: the indexes that enforce nothing (not a primary key, not unique, not behind a
constraint), so every row is still checked as it is written; the definitions are read from
the catalogue (``pg_get_indexdef``) and the same statements rebuild them, whatever a later
migration makes of them. Only when every table to be written is empty (a fresh database):
with rows already there, rebuilding would cost in proportion to them, not to the run.

A run stopped hard (the process killed) leaves the indexes out; the database is then a
partial benchmark database, to be made again (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection

SECONDARY = """
SELECT index.relname, pg_get_indexdef(entry.indexrelid)
FROM pg_index entry
JOIN pg_class index ON index.oid = entry.indexrelid
JOIN pg_class tbl ON tbl.oid = entry.indrelid
WHERE tbl.relname = ANY(%s) AND tbl.relnamespace = to_regnamespace(current_schema())
  AND NOT entry.indisprimary AND NOT entry.indisunique
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = entry.indexrelid)
ORDER BY tbl.relname, index.relname
"""


def _all_empty(tables: Sequence[str]) -> bool:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")  # noqa: S608 - a model's table
            if cursor.fetchone()[0]:
                return False
    return True


@contextmanager
def indexes_set_aside(tables: Sequence[str]) -> Iterator[list[str]]:
    """Drop the secondary indexes of ``tables`` for the block, and build them again after it
    (also when it fails). Yields the names of the indexes set aside: none when the database
    is not PostgreSQL, when a transaction is open (the rebuild must not wait for its end), or
    when a table already has rows."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or not _all_empty(tables):
        yield []
        return
    with connection.cursor() as cursor:
        cursor.execute(SECONDARY, [list(tables)])
        found: list[tuple[str, str]] = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield [name for name, _definition in found]
    finally:
        # The parent's connection may have been closed for forked workers: a new cursor opens
        # a new one.
        with connection.cursor() as cursor:
            for _name, definition in found:
                cursor.execute(definition)
