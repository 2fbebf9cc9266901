"""The order in which xdist's workers start the suite: the longest tests first, one bin each.

``--dist worksteal`` hands each worker one contiguous share of the collected tests and later
steals from the end of the longest queue. A long test collected in the middle of a share starts
late; when it starts last it becomes the run's tail (the URL walk once ran alone for its last
four minutes). So the tests known to be long are packed into one bin per worker, the longest
first into the lightest bin (LPT scheduling), and each bin is put at the front of its worker's
share. Tests that share a costly per-process fixture (a demo PostgreSQL cluster, a demo SQLite
file) go into the same bin, so only one worker builds it.

The weights are seconds measured with ``--durations`` in a ``make test`` on the standard
2-core machine (2026-12-01, 3 workers), per pass. They only order the tests: a wrong or missing
weight makes a run slower, never wrong. Every worker reorders the same collection the same
way, as xdist requires.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import pytest

# test id (without parameters): (group, SQLite seconds, PostgreSQL seconds)
LONG: dict[str, tuple[str, float, float]] = {
    "forlop/demo/tests/test_url_walk.py::test_no_input_gives_a_500_and_junk_posts_change_nothing": (
        "walk",
        280,
        232,
    ),
    "forlop/core/tests/test_accessibility.py::test_main_pages_are_clean_on_a_tablet_and_a_phone": (
        "axe-core",
        57,
        143,
    ),
    "forlop/improvement/tests/test_accessibility.py::test_learning_network_pages_have_no_axe_violations": (
        "axe-improvement",
        112,
        117,
    ),
    "forlop/demo/tests/test_migration_moves.py::test_the_moves_keep_every_row_of_the_demo": (
        "moves",
        110,
        100,
    ),
    "forlop/improvement/tests/test_coordinator_privacy.py::test_no_coordinator_page_shows_a_patient": (
        "coordinator",
        95,
        90,
    ),
    "forlop/core/tests/test_sqlite_concurrency.py::test_eight_users_at_once_on_sqlite_get_no_errors": (
        "demo-sqlite",
        126,
        0,
    ),
    "forlop/core/tests/test_backup.py::test_sqlite_backup_and_restore_round_trip": (
        "demo-sqlite",
        47,
        0,
    ),
    "forlop/core/tests/test_backup.py::test_postgresql_backup_and_restore_round_trip": (
        "demo-postgres",
        0,
        147,
    ),
    "forlop/core/tests/test_faults.py::test_postgresql_stops_and_starts_under_a_running_server": (
        "demo-postgres",
        0,
        22,
    ),
    "forlop/patients/tests/test_task_retry.py::test_a_crashed_task_is_retried_and_does_its_work_once": (
        "task-retry",
        71,
        0,
    ),
    "forlop/interop/tests/test_bulk.py::test_export_then_import_into_an_empty_database_gives_the_same_data": (
        "bulk",
        54,
        57,
    ),
    "forlop/pathways/tests/test_browser_print.py::test_the_demo_nurses_day_prints_on_one_a4_page": (
        "print",
        45,
        43,
    ),
    "forlop/demo/tests/test_counts_agree.py::test_badge_list_print_and_leaders_agree_for_every_demo_user": (
        "counts",
        26,
        102,
    ),
    "forlop/demo/tests/test_measures_demo.py::test_demo_history_shows_a_shift_and_is_idempotent": (
        "measures-demo",
        45,
        100,
    ),
    "forlop/demo/tests/test_demo.py::test_demo_is_idempotent": ("demo", 39, 40),
    "forlop/interop/tests/test_demo_everything.py::test_everything_of_the_richest_demo_patient_validates": (
        "demo-everything",
        33,
        44,
    ),
    "forlop/core/tests/test_admin.py::test_the_demo_administrator_is_not_a_superuser": (
        "admin",
        20,
        36,
    ),
    "forlop/notifications/tests/test_workers.py::test_two_workers_send_each_notification_once": (
        "workers",
        10,
        26,
    ),
}


def _base_id(item: pytest.Item) -> str:
    return item.nodeid.split("[", 1)[0]


def share_sizes(n: int, workers: int) -> list[int]:
    """The sizes of the shares worksteal's first distribution gives (``check_schedule``: each
    idle node in turn takes ``len(pending) // nodes_remaining``)."""
    sizes = []
    for i in range(workers):
        size = n // (workers - i)
        sizes.append(size)
        n -= size
    return sizes


def ordered(items: Sequence[pytest.Item], workers: int, *, postgresql: bool) -> list[pytest.Item]:
    """``items`` with the long tests at the front of the workers' shares (see above)."""
    groups: dict[str, list[pytest.Item]] = {}
    weight: dict[str, float] = {}
    rest: list[pytest.Item] = []
    for item in items:
        known = LONG.get(_base_id(item))
        if known is None:
            rest.append(item)
            continue
        group, sqlite_s, pg_s = known
        groups.setdefault(group, []).append(item)
        weight[group] = weight.get(group, 0) + (pg_s if postgresql else sqlite_s)
    if not groups:
        return list(items)
    # Rolled-back tests must run before transactional ones on a worker, so a long
    # transactional test goes to the share with the fewest rolled-back tests, where it starts
    # soon; every other long test to the lightest share (LPT). A long test without a database
    # may run first of all.
    sizes = share_sizes(len(items), workers)
    rolled_back, at = [], 0
    for size in sizes:
        rolled_back.append(sum(1 for item in rest[at : at + size] if kind(item) == 0))
        at += size
    roomiest = [i for i in range(workers) if rolled_back[i] == min(rolled_back)]
    bins: list[list[pytest.Item]] = [[] for _ in range(workers)]
    loads = [0.0] * workers
    for group in sorted(groups, key=lambda g: (-weight[g], g)):
        candidates = roomiest if any(kind(i) == 1 for i in groups[group]) else range(workers)
        lightest = min(candidates, key=lambda i: (loads[i], i))
        bins[lightest].extend(groups[group])
        loads[lightest] += weight[group]
    position = {id(item): at for at, item in enumerate(items)}
    result: list[pytest.Item] = []
    at = 0
    for size, front in zip(sizes, bins, strict=True):
        take = max(0, size - len(front))
        share = [(_start_kind(item), 0, n, item) for n, item in enumerate(front)]
        share += [(kind(item), 1, position[id(item)], item) for item in rest[at : at + take]]
        at += take
        result.extend(item for *_key, item in sorted(share, key=lambda row: row[:3]))
    result.extend(rest[at:])
    return result


def _start_kind(item: pytest.Item) -> int:
    """The sort key of a long test: one without a database before everything (-1)."""
    found = kind(item)
    return -1 if found == 2 else found


def kind(item: pytest.Item) -> int:
    """pytest-django's order: 0 in a rolled-back transaction, 1 transactional, 2 no database."""
    fixtures = getattr(item, "fixturenames", [])
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in fixtures or "live_server" in fixtures
    if marker is not None:
        transactional = transactional or bool(
            marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")
        )
    if transactional:
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


def xdist_workers() -> int:
    """How many workers this run has (xdist sets the variable in each worker), else 0."""
    try:
        return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    except ValueError:
        return 0
