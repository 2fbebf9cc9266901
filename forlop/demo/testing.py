"""The demo data for tests, loaded once per test process and copied back in for later tests.

About twenty tests need "the demo" as their world (the URL walk, the landing pages, the counts
that must agree, axe-core on the real pages) without testing the loader itself. Loading it runs
every pathway through the real services (access checks, audit rows, answers one by one): about
12 s of CPU each time on our 2-core machines, and twice per test that way in a `make test` (SQLite
and PostgreSQL). ``demo_load`` loads it for real the first time in a process and keeps a copy
of the rows it added; a later call finds the database as it was before that first load (each
test rolls back or flushes) and inserts the same rows again, which takes a fraction of a second.

Why not a fixture library or Django's serialized rollback: the demo's rows have to come back
with the same primary keys (the audit log's hash chain covers them, and the tests compare ids),
inside the test's own transaction, on both databases. A plain table-by-table copy does that in
a few dozen lines. The tests of the loader itself (idempotency, the counts it reports) still
call ``load_demo``; a test that changes the rows it was given is unaffected, since it changes
its own copy.

The copy is keyed by the database, the demo's ``today`` and today's date, so a test under a
frozen clock gets a demo loaded under that clock's date, and by the rows the database held before
the load (the state the copy was taken from): a transactional test starts from a flushed
database and gets a copy of its own after its first real load; a test that made rows before
loading the demo loads for real.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from forlop.demo.loader import load_demo, statistics_refresh


@dataclass(frozen=True, slots=True)
class _Snapshot:
    baseline: dict[str, int]  # rows per table before the first load
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]]  # table: (columns, rows added)
    changed: dict[str, tuple[str, list[str], list[tuple[Any, ...]]]]  # table: (pk, cols, rows)
    result: dict[str, int]


_SNAPSHOTS: dict[tuple[Any, ...], _Snapshot] = {}


def _tables() -> list[tuple[str, str]]:
    """(table, primary-key column) of every model table, in dependency-free order (the foreign
    keys are deferred inside the transaction the copy runs in)."""
    seen: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in seen:
            seen[meta.db_table] = meta.pk.column
    return sorted(seen.items())


def _counts(tables: list[tuple[str, str]]) -> dict[str, int]:
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*) FROM {quote(table)}"  # noqa: S608 - our own table names
        for table, _pk in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {table: int(count) for table, count in cursor.fetchall()}


def _read(table: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        columns = [c[0] for c in cursor.description]
        return columns, [tuple(r) for r in cursor.fetchall()]


def demo_load(*, today: date | None = None) -> dict[str, int]:
    """``load_demo(today=today)``, from this process's copy when there is one (see above).
    Returns what the first, real load reported."""
    # No day given is today's (as load_demo reads it): one copy for demo_load() and for
    # demo_load(today=timezone.localdate()).
    local_today = timezone.localdate()
    key = (
        connection.vendor,
        str(connection.settings_dict["NAME"]),
        today or local_today,
        local_today,
    )
    tables = _tables()
    counts = _counts(tables)
    # One copy per starting state too: a transactional test starts from a flushed database (no
    # rows of the data migrations), the others from the migrated one; each state has its copy.
    key += (tuple(sorted(counts.items())),)
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is not None and snapshot.baseline == counts:
        _restore(snapshot)
        return dict(snapshot.result)
    before = {table: _read(table) for table, _pk in tables if counts[table]}
    result = load_demo(today=today)
    rows: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}
    changed: dict[str, tuple[str, list[str], list[tuple[Any, ...]]]] = {}
    for table, pk in tables:
        columns, now_rows = _read(table)
        _old_columns, old_rows = before.get(table, (columns, []))
        at = columns.index(pk)
        old = {r[at]: r for r in old_rows}  # a row may hold lists (arrays): compare, not hash
        added = [r for r in now_rows if r[at] not in old]
        updated = [r for r in now_rows if r[at] in old and r != old[r[at]]]
        if len(now_rows) - len(added) != len(old_rows):  # the load deleted rows: no copy
            return result
        if added:
            rows[table] = (columns, added)
        if updated:
            changed[table] = (pk, columns, updated)
    _SNAPSHOTS[key] = _Snapshot(baseline=counts, rows=rows, changed=changed, result=result)
    return result


def _restore(snapshot: _Snapshot) -> None:
    quote = connection.ops.quote_name
    marker = "%s"
    with transaction.atomic(), connection.cursor() as cursor:
        for table, (pk, columns, updated) in snapshot.changed.items():
            sets = ", ".join(f"{quote(c)} = {marker}" for c in columns if c != pk)
            at = columns.index(pk)
            cursor.executemany(
                f"UPDATE {quote(table)} SET {sets} WHERE {quote(pk)} = {marker}",  # noqa: S608
                [(*(v for i, v in enumerate(r) if i != at), r[at]) for r in updated],
            )
        for table, (columns, added) in snapshot.rows.items():
            names = ", ".join(quote(c) for c in columns)
            values = ", ".join([marker] * len(columns))
            cursor.executemany(
                f"INSERT INTO {quote(table)} ({names}) VALUES ({values})",  # noqa: S608
                added,
            )
        # PostgreSQL's identity sequences do not move for rows inserted with their ids.
        for statement in connection.ops.sequence_reset_sql(
            no_style(), list(apps.get_models(include_auto_created=True))
        ):
            cursor.execute(statement)
    # As the real load does: the first load's statistics went with its rolled-back transaction,
    # and without them PostgreSQL planned the bell's count over the copy in nested loops, 5 s
    # a page (the URL walk on PostgreSQL ran past 15 minutes).
    statistics_refresh()
