"""Reads of dashboards and measures on a PostgreSQL read replica (issue 16, item 5).

With ``DATABASE_REPLICA_URL`` set, ``DATABASES`` has a second alias, ``replica``: a streaming
standby of the primary (``default``). The router sends a read there only when all of these hold:

- the code doing the read is inside ``replica_reads()``: the measures' pages, exports and CLI,
  the leaders' figures, and the run charts enter it around their computation, *after* the access
  check (which reads memberships on the primary, so a role taken away counts at once);
- the model is not one whose reads belong to a write protocol or to access control
  (``PRIMARY_ONLY``: the audit chain's head, sessions, login lock-outs, tasks, second factors);
- the primary connection is not inside a transaction (``atomic``): a read there may decide a
  write (a service, the audit chain), and must see that transaction's own rows.

Everything else goes to ``default``: every write (``db_for_write`` never answers ``replica``),
every read outside ``replica_reads()``, and so every patient page, whose access check writes an
audit row. Migrations run on ``default`` only (a standby cannot be written; it gets the schema by
replication). Without a replica alias every method answers ``None``, which is Django's own
behaviour with no router: one database, exactly as before.

Why a context variable and not a router by app: the measures app's models (``Measure``,
``MeasureSnapshot``) are a small part of what a measure reads: its queries start from pathways,
stop points, events and scorings, which patient pages read too and must read on the primary.
Routing by app would move either too little (the measures app) or too much (the pathways app,
with its audited reads). The context says "this is a read-only aggregate view" where that is
known: at the view or command, not in the models. A thread or task starts outside it.

Lag: a standby is some milliseconds to seconds behind (``pg_last_xact_replay_timestamp()``).
A dashboard read there may miss a stop point completed that moment; the next load shows it.
Closing a period (``services.period_close``) computes its snapshot on the primary, outside
``replica_reads()``. docs/scaling.md and docs/operations.md say more.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.models import Model

logger = logging.getLogger(__name__)

REPLICA = "replica"

# Reads of these never go to the replica, inside replica_reads() or not: the audit chain reads
# its head before it appends (a stale head would fork the chain), sessions and lock-outs decide
# who is logged in, tasks are claimed by their readers, and second factors are checked at login.
PRIMARY_ONLY_APPS = frozenset({"sessions", "axes", "django_tasks_db", "otp_totp", "otp_static"})
PRIMARY_ONLY_MODELS = frozenset({"core.auditevent"})

_replica_reads: ContextVar[bool] = ContextVar("forlop_replica_reads", default=False)


def replica_configured() -> bool:
    """True when settings.DATABASES has the replica alias (``DATABASE_REPLICA_URL``)."""
    return REPLICA in connections.settings


def _primary_in_transaction() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


@contextmanager
def replica_reads() -> Iterator[bool]:
    """Reads inside go to the replica, when one is configured (see the module's docstring).

    Yields whether they do. When the replica cannot be reached (down, or refusing
    connections), the reads stay on the primary and a warning is logged: a dashboard is slower
    for a while, not broken. Usable as a decorator too."""
    use = replica_configured() and not _primary_in_transaction()
    if use:
        replica = connections[REPLICA]
        try:
            # A persistent connection (DATABASE_CONN_MAX_AGE) to a standby that went away is
            # found here, once per request (CONN_HEALTH_CHECKS), and a new one tried.
            replica.close_if_health_check_failed()
            replica.ensure_connection()
        except DatabaseError:
            # No connection details in the message: only that the replica was not reached.
            logger.warning("read replica unreachable; measures read on the primary")
            use = False
    token = _replica_reads.set(use)
    try:
        yield use
    finally:
        _replica_reads.reset(token)


def _primary_only(model: type[Model]) -> bool:
    meta = model._meta
    return meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS


class ReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads inside ``replica_reads()`` on ``replica``, the rest on
    ``default``. Answers ``None`` (Django's default: ``default``) when no replica is set."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not _replica_reads.get() or not replica_configured():
            return None
        if _primary_only(model) or _primary_in_transaction():
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        # Never the replica: a standby refuses writes, and an audit row must be on the primary.
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: a row read there may be related to one read here.
        dbs = {obj1._state.db, obj2._state.db}
        if dbs <= {DEFAULT_DB_ALIAS, REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The standby gets the schema through replication; it cannot be migrated.
        if db == REPLICA:
            return False
        return None
