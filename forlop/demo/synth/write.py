"""Writing one chunk of rows (plain tuples, ``tables.py``): PostgreSQL ``COPY``, elsewhere one
``executemany`` per table; and primary keys taken from the tables' sequences in blocks, so a
builder knows a row's key before it is written (no round trip per row, no read-back)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from forlop.demo.synth.tables import TABLES, Table

ID_BLOCK = 5000  # keys taken from a sequence at a time


class Ids:
    """Primary keys of one table for one process, taken ``ID_BLOCK`` at a time: on PostgreSQL
    from the table's sequence (``nextval``, so processes writing at once never share a key;
    the unused rest of the last block is a gap, as a rolled-back insert leaves one), elsewhere
    (SQLite, one process) after the table's largest key."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._block: Iterator[int] = iter(())
        self._high = 0

    def take(self) -> int:
        for key in self._block:
            return key
        self._block = iter(self._reserve())
        return next(self._block)

    def _reserve(self) -> list[int]:
        name = self.table.name
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [name, ID_BLOCK],
                )
                return [key for (key,) in cursor.fetchall()]
            # The table name comes from the model, never from input.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(name)}")  # noqa: S608
            first = max(cursor.fetchone()[0], self._high) + 1
        self._high = first + ID_BLOCK - 1
        return list(range(first, self._high + 1))


@dataclass
class Chunk:
    """The rows of one batch of patients, one list of tuples per table (``tables.TABLES``)."""

    rows: dict[Table, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {table: [] for table in TABLES}
    )

    def count(self, table: Table) -> int:
        return len(self.rows[table])


def write_chunk(chunk: Chunk, *, organisation_id: int) -> None:
    """Insert every table's rows, in ``TABLES`` order (inside the caller's transaction)."""
    for table in TABLES:
        rows = chunk.rows[table]
        if rows:
            _insert(table, rows, table.tail(organisation_id))


def _insert(table: Table, rows: list[tuple[Any, ...]], tail: tuple[Any, ...]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in table.all_columns)
    name = connection.ops.quote_name(table.name)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Binary: no text formatting of each timestamp (most of a text COPY's client time).
            types = _column_types(cursor, table)
            with cursor.cursor.copy(f"COPY {name} ({quoted}) FROM STDIN (FORMAT BINARY)") as copy:
                copy.set_types(types)
                write = copy.write_row
                if tail:
                    for row in rows:
                        write(row + tail)
                else:
                    for row in rows:
                        write(row)
            return
        # Elsewhere (SQLite, the tests' small sizes): values adapted as the ORM would.
        adapt = _adapters(table)
        values = [[a(v) for a, v in zip(adapt, row + tail, strict=True)] for row in rows]
        marks = ", ".join(["%s"] * len(table.all_columns))
        # Table and column names come from the model, never from input.
        cursor.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({marks})", values)  # noqa: S608


_TYPES: dict[str, list[int]] = {}


def _column_types(cursor: Any, table: Table) -> list[int]:
    """The PostgreSQL type of each of the table's columns, in its layout's order (read once)."""
    if table.name not in _TYPES:
        cursor.execute(
            "SELECT attname, atttypid FROM pg_attribute WHERE attrelid = %s::regclass",
            [table.name],
        )
        oids = dict(cursor.fetchall())
        _TYPES[table.name] = [oids[column] for column in table.all_columns]
    return _TYPES[table.name]


def _adapters(table: Table) -> list[Callable[[Any], Any]]:
    by_column = {f.column: f for f in table.model._meta.concrete_fields}

    def adapter(f: Any) -> Callable[[Any], Any]:
        return lambda v: f.get_db_prep_value(v, connection, prepared=False)

    return [adapter(by_column[c]) for c in table.all_columns]
