"""A test helper for migrations that move models between apps: every row must survive.

``check_move_keeps_rows`` takes the migration targets just before and just after a move. On a
database at the latest migrations it loads data (the demo), migrates back to ``after`` (a later
migration's tables are not part of the move), takes the row count and a content hash of every
table, migrates back across the move to ``before`` and compares (table names through
``renames``), migrates forward to ``after`` again and compares once more, now exactly. It
leaves the database at the latest migrations.

The content hash does not depend on row order or column order: each row is written as its
sorted (column, value) pairs, the rows are sorted, and the lot goes through SHA-256.

Use it in a ``django_db(transaction=True)`` test (migrations cannot run inside the test's
transaction), marked ``slow``: it loads the whole demo.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

Target = tuple[str, str | None]

# Django's own bookkeeping: changes with every migration by design.
IGNORED_TABLES = frozenset({"django_migrations"})


@dataclass(frozen=True, slots=True)
class TableState:
    rows: int
    digest: str


@dataclass(frozen=True, slots=True)
class MoveReport:
    """What the check saw: the tables after the move, before it, and after it again."""

    after: dict[str, TableState]
    before: dict[str, TableState]
    after_again: dict[str, TableState]

    @property
    def total_rows(self) -> int:
        return sum(state.rows for state in self.after.values())


class RowsChangedError(AssertionError):
    """A table lost, gained or changed rows across the move."""


def _canonical(value: Any) -> str:
    if value is None:
        return "∅"
    if isinstance(value, bool):
        return "b:1" if value else "b:0"
    if isinstance(value, datetime):
        return "t:" + (value.isoformat() if value.tzinfo is None else value.timestamp().hex())
    if isinstance(value, (date, time)):
        return "d:" + value.isoformat()
    if isinstance(value, timedelta):
        return f"td:{value.total_seconds()!r}"
    if isinstance(value, float):
        return "f:" + value.hex()
    if isinstance(value, Decimal):
        return "n:" + format(value.normalize(), "f")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "x:" + bytes(value).hex()
    return f"{type(value).__name__}:{value}"


def table_state(table: str) -> TableState:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 - a table name from introspection
        columns = [column[0] for column in cursor.description]
        order = sorted(range(len(columns)), key=lambda index: columns[index])
        rows = sorted(
            "\x1f".join(f"{columns[i]}={_canonical(row[i])}" for i in order)
            for row in cursor.fetchall()
        )
    digest = hashlib.sha256("\x1e".join(rows).encode()).hexdigest()
    return TableState(rows=len(rows), digest=digest)


def database_state(*, ignore: Iterable[str] = IGNORED_TABLES) -> dict[str, TableState]:
    """Row count and content hash of every table (views left out)."""
    skipped = set(ignore)
    return {
        table: table_state(table)
        for table in sorted(connection.introspection.table_names())
        if table not in skipped
    }


def migrate_to(targets: Iterable[Target]) -> None:
    executor = MigrationExecutor(connection)
    target_list = list(targets)
    executor.migrate(target_list, plan=executor.migration_plan(target_list))


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    migrate_to(executor.loader.graph.leaf_nodes())


def _differences(
    expected: Mapping[str, TableState],
    found: Mapping[str, TableState],
    *,
    renames: Mapping[str, str],
    count_only: Iterable[str],
) -> list[str]:
    loose = set(count_only)
    problems: list[str] = []
    mapped = {renames.get(table, table): state for table, state in expected.items()}
    for table in sorted(set(mapped) | set(found)):
        want, got = mapped.get(table), found.get(table)
        if want is None or got is None:
            problems.append(f"{table}: {'missing' if got is None else 'unexpected'} table")
        elif want.rows != got.rows:
            problems.append(f"{table}: {want.rows} rows expected, {got.rows} found")
        elif want.digest != got.digest and table not in loose:
            problems.append(f"{table}: same row count, different content")
    return problems


def check_move_keeps_rows(
    *,
    before: Iterable[Target],
    after: Iterable[Target],
    load: Callable[[], object],
    renames: Mapping[str, str] | None = None,
    changed_in_between: Iterable[str] = (),
) -> MoveReport:
    """Raise ``RowsChangedError`` unless every table keeps its rows back and forth across the move.

    ``renames`` maps a table's name after the move to its name before it. Tables named in
    ``changed_in_between`` (content types, whose app label moves) are compared by row count
    only in the state before the move; after migrating forward again they must be identical.
    """
    before, after = list(before), list(after)
    renames = dict(renames or {})
    try:
        migrate_to_latest()
        load()
        migrate_to(after)
        state_after = database_state()
        migrate_to(before)
        state_before = database_state()
        problems = _differences(
            state_after, state_before, renames=renames, count_only=changed_in_between
        )
        migrate_to(after)
        state_again = database_state()
        problems += [
            f"after again: {problem}"
            for problem in _differences(state_after, state_again, renames={}, count_only=())
        ]
    finally:
        migrate_to_latest()
    if problems:
        raise RowsChangedError("\n".join(problems))
    return MoveReport(after=state_after, before=state_before, after_again=state_again)
