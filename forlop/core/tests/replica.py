"""A read replica for one test: a second connection to the test database, read-only.

What ``config/settings_test.py`` makes of ``DATABASE_REPLICA_URL`` (a test mirror of default),
for a run where the variable is unset (CI). The connection refuses writes (PostgreSQL's
``default_transaction_read_only``, SQLite's ``query_only``), so a write routed to it fails the
test, as it would on a real standby. It sees committed rows only: use it in a transactional
test (``django_db(transaction=True, databases="__all__")``).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from forlop.core.dbrouter import REPLICA


def _settings_of(alias: str, *, read_only: bool = True) -> dict[str, Any]:
    settings_dict = copy.deepcopy(connections[alias].settings_dict)
    options = settings_dict.setdefault("OPTIONS", {})
    if read_only and settings_dict["ENGINE"].endswith("postgresql"):
        options["options"] = f"{options.get('options', '')} -c default_transaction_read_only=on"
    elif read_only:
        options.pop("transaction_mode", None)
        options["init_command"] = f"{options.get('init_command', '')}; PRAGMA query_only=ON"
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "MIRROR": DEFAULT_DB_ALIAS}
    return settings_dict


@contextmanager
def replica_alias(settings_dict: dict[str, Any] | None = None) -> Iterator[None]:
    """``DATABASES["replica"]`` for the block: by default a read-only mirror of default."""
    if REPLICA in connections.settings:  # the run has DATABASE_REPLICA_URL: already a mirror
        yield
        return
    connections.settings[REPLICA] = settings_dict or _settings_of(DEFAULT_DB_ALIAS)
    try:
        yield
    finally:
        connections[REPLICA].close()  # a no-op if it never connected
        del connections[REPLICA]
        del connections.settings[REPLICA]


def unreachable_replica() -> dict[str, Any]:
    """Settings of a replica no one can connect to (an SQLite file in a missing directory)."""
    settings_dict = copy.deepcopy(connections[DEFAULT_DB_ALIAS].settings_dict)
    settings_dict.update(
        ENGINE="django.db.backends.sqlite3",
        NAME="/nonexistent-forlop-replica/db.sqlite3",
        OPTIONS={},
        TEST={"MIRROR": DEFAULT_DB_ALIAS},
    )
    return settings_dict
