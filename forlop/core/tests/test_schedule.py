"""The xdist start order (schedule.py): every test once, the long ones at the front of the
workers' shares, a fixture's group on one worker, rolled-back tests before transactional ones in
each share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from forlop.core.tests import schedule


@dataclass
class FakeItem:
    nodeid: str
    transactional: bool = False
    db: bool = True
    fixturenames: list[str] = field(default_factory=list)

    def get_closest_marker(self, name: str) -> Any:
        if not self.db:
            return None
        return pytest.mark.django_db(transaction=self.transactional).mark


@pytest.fixture
def long_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        schedule,
        "LONG",
        {
            "t.py::walk": ("walk", 300, 200),
            "t.py::browser": ("axe", 100, 150),
            "t.py::backup": ("cluster", 50, 80),
            "t.py::faults": ("cluster", 0, 30),
            "t.py::threads": ("threads", 120, 0),
        },
    )


def collection() -> list[FakeItem]:
    quick = [FakeItem(f"t.py::quick{i}") for i in range(20)]
    quick_tx = [FakeItem(f"t.py::tx{i}", transactional=True) for i in range(5)]
    no_db = [FakeItem(f"t.py::pure{i}", db=False) for i in range(15)]
    return [
        *quick[:10],
        FakeItem("t.py::walk"),
        *quick[10:],
        *quick_tx,
        FakeItem("t.py::browser[chromium]", transactional=True),
        FakeItem("t.py::backup", db=False),
        *no_db,
        FakeItem("t.py::faults", db=False),
        FakeItem("t.py::threads", db=False),
    ]


def shares(items: list[Any], workers: int) -> list[list[str]]:
    out, at = [], 0
    for size in schedule.share_sizes(len(items), workers):
        out.append([i.nodeid for i in items[at : at + size]])
        at += size
    return out


def test_share_sizes_are_those_of_worksteal() -> None:
    assert schedule.share_sizes(10, 3) == [3, 3, 4]
    assert schedule.share_sizes(1478, 3) == [492, 493, 493]
    assert sum(schedule.share_sizes(7, 4)) == 7


def test_long_tests_lead_the_shares_and_every_test_runs_once(long_tests: None) -> None:
    items = collection()
    result = schedule.ordered(items, 3, postgresql=False)
    assert sorted(i.nodeid for i in result) == sorted(i.nodeid for i in items)
    first, second, third = shares(result, 3)
    # SQLite weights: walk 300 alone, threads 120 next, then axe 100 and the cluster 50; the
    # transactional browser test in the share with the fewest rolled-back tests (the last)
    assert third[:3] == ["t.py::backup", "t.py::faults", "t.py::browser[chromium]"]
    # the other two lead the other shares (the one without a database first of all)
    assert sorted([first[0], second[0]]) == ["t.py::threads", "t.py::walk"]


def test_each_share_keeps_pytest_djangos_order(long_tests: None) -> None:
    result = schedule.ordered(collection(), 2, postgresql=True)
    for share in shares(result, 2):
        kinds = [schedule.kind(next(i for i in result if i.nodeid == n)) for n in share]
        # rolled-back tests before transactional ones; those without a database anywhere
        with_db = [k for k in kinds if k != 2]
        assert with_db == sorted(with_db)


def test_without_long_tests_the_order_is_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schedule, "LONG", {})
    items = collection()
    assert schedule.ordered(items, 3, postgresql=False) == items
