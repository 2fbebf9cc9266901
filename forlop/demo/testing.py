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

Between processes: the xdist workers of a ``make test`` pass each needed their own real load
(two or three per worker: the migrated and the flushed starting state, and the frozen days of
a few tests). With ``FORLOP_DEMO_SHARED`` naming a directory (scripts/test.sh makes one per
run and removes it), the first worker to load a starting state writes its copy there, under a
file lock, and the others read it instead of loading: a worker that needs a copy another is
still making waits for it (idle, so the CPU serves the other tests). The database's name is not
in that key: each worker's test database is migrated from the same migrations, so the rows,
their primary keys and the sequences are the same in each.

The copy is keyed by the database, the demo's ``today`` and today's date, so a test under a
frozen clock gets a demo loaded under that clock's date, and by the rows the database held before
the load (the state the copy was taken from): a transactional test starts from a flushed
database and gets a copy of its own after its first real load; a test that made rows before
loading the demo loads for real.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import pickle
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
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

# The directory the workers of one test run share their copies in (see above), or None.
SHARED: Path | None = (
    Path(os.environ["FORLOP_DEMO_SHARED"]) if os.environ.get("FORLOP_DEMO_SHARED") else None
)


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
    """``load_demo(today=today)``, from a copy when there is one (see above). Returns what
    the first, real load reported."""
    # No day given is today's (as load_demo reads it): one copy for demo_load() and for
    # demo_load(today=timezone.localdate()).
    local_today = timezone.localdate()
    tables = _tables()
    counts = _counts(tables)
    # One copy per starting state too: a transactional test starts from a flushed database (no
    # rows of the data migrations), the others from the migrated one; each state has its copy.
    shared_key = (
        connection.vendor,
        today or local_today,
        local_today,
        tuple(sorted(counts.items())),
    )
    key = (str(connection.settings_dict["NAME"]), *shared_key)
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is None:
        with _shared_copy(shared_key) as (stored, store):
            snapshot = stored
            if snapshot is None:
                snapshot, result = _load_and_copy(tables, counts, today)
                if snapshot is None:  # the load deleted rows: no copy
                    return result
                store(snapshot)
            _SNAPSHOTS[key] = snapshot
            if stored is None:  # this load made the rows: nothing to restore
                return dict(snapshot.result)
    _restore(snapshot)
    return dict(snapshot.result)


@contextlib.contextmanager
def _shared_copy(
    key: tuple[Any, ...],
) -> Iterator[tuple[_Snapshot | None, Any]]:
    """The copy another worker of this run stored under ``key`` (or None), and a function that
    stores this worker's; other workers wait on the key's lock until this one is done."""
    if SHARED is None:
        yield None, lambda _snapshot: None
        return
    name = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    path = SHARED / f"{name}.pickle"
    with (SHARED / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            stored = pickle.loads(path.read_bytes()) if path.exists() else None  # noqa: S301 - ours

            def store(snapshot: _Snapshot) -> None:
                partial = path.with_suffix(".partial")
                partial.write_bytes(pickle.dumps(snapshot, protocol=pickle.HIGHEST_PROTOCOL))
                partial.rename(path)

            yield stored, store
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _load_and_copy(
    tables: list[tuple[str, str]], counts: dict[str, int], today: date | None
) -> tuple[_Snapshot | None, dict[str, int]]:
    """Load the demo for real, and the copy of what it changed (None if it deleted rows)."""
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
        if len(now_rows) - len(added) != len(old_rows):
            return None, result
        if added:
            rows[table] = (columns, added)
        if updated:
            changed[table] = (pk, columns, updated)
    return _Snapshot(baseline=counts, rows=rows, changed=changed, result=result), result


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
