"""The demo copy for tests (forlop.demo.testing) gives the same database as a real load."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from forlop.core.models import AuditEvent
from forlop.demo import testing
from forlop.patients.models import Patient
from forlop.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)


def _everything() -> dict[str, list[str]]:
    return {table: sorted(map(repr, testing._read(table)[1])) for table, _pk in testing._tables()}


@pytest.fixture
def real_loads(monkeypatch: pytest.MonkeyPatch) -> list[date | None]:
    """An empty copy store (none shared with other workers), and the list of real loads made."""
    monkeypatch.setattr(testing, "_SNAPSHOTS", {})
    monkeypatch.setattr(testing, "SHARED", None)
    loads: list[date | None] = []
    real = testing.load_demo

    def counted(*, today: date | None = None) -> dict[str, int]:
        loads.append(today)
        return real(today=today)

    monkeypatch.setattr(testing, "load_demo", counted)
    return loads


@pytest.fixture
def small_loads(monkeypatch: pytest.MonkeyPatch) -> list[date | None]:
    """As ``real_loads``, with a loader that adds two patients instead of the whole demo: the
    tests of when a copy is taken need rows to copy, not the demo's 12 s of CPU per load."""
    monkeypatch.setattr(testing, "_SNAPSHOTS", {})
    monkeypatch.setattr(testing, "SHARED", None)
    loads: list[date | None] = []

    def small(*, today: date | None = None) -> dict[str, int]:
        loads.append(today)
        PatientFactory.create_batch(2)
        return {"patients": 2}

    monkeypatch.setattr(testing, "load_demo", small)
    return loads


def test_the_copy_gives_the_rows_of_a_real_load(real_loads, monkeypatch, tmp_path):
    monkeypatch.setattr(testing, "SHARED", tmp_path)
    with transaction.atomic():
        first = testing.demo_load(today=TODAY)
        loaded = _everything()
        transaction.set_rollback(True)
    assert Patient.objects.count() == 0  # rolled back: the database is at its baseline again
    # The copy as another worker reads it: through the shared directory (every value the
    # database returned survives pickling).
    monkeypatch.setattr(testing, "_SNAPSHOTS", {})

    second = testing.demo_load(today=TODAY)

    assert real_loads == [TODAY]  # the second came from the copy
    assert second == first
    assert _everything() == loaded
    assert sum(len(rows) for rows in loaded.values()) > 5000  # the whole demo, not a part
    # Rows made after the copy get ids after the copied ones (sequences moved on).
    newest_patient = Patient.objects.order_by("-pk").values_list("pk", flat=True)[0]
    newest_audit = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0]
    assert PatientFactory().pk > newest_patient
    assert AuditEvent.objects.order_by("-pk").values_list("pk", flat=True)[0] >= newest_audit


def test_a_small_load_is_copied_too(small_loads):
    with transaction.atomic():
        first = testing.demo_load(today=TODAY)
        names = sorted(Patient.objects.values_list("family_name", flat=True))
        transaction.set_rollback(True)

    assert testing.demo_load(today=TODAY) == first
    assert small_loads == [TODAY]
    assert sorted(Patient.objects.values_list("family_name", flat=True)) == names


def test_a_database_not_at_its_baseline_gets_a_real_load(small_loads):
    with transaction.atomic():
        testing.demo_load(today=TODAY)
        transaction.set_rollback(True)
    PatientFactory()  # a row the copy was not taken over

    testing.demo_load(today=TODAY)

    assert small_loads == [TODAY, TODAY]


def test_another_day_is_another_copy(small_loads):
    with transaction.atomic():
        testing.demo_load(today=TODAY)
        transaction.set_rollback(True)

    testing.demo_load(today=date(2026, 3, 12))

    assert small_loads == [TODAY, date(2026, 3, 12)]


def test_each_starting_state_has_its_copy(small_loads):
    """A flushed database (a transactional test) and a migrated one each get a copy."""
    with transaction.atomic():
        testing.demo_load(today=TODAY)  # from the database as migrated
        transaction.set_rollback(True)
    with transaction.atomic():
        extra = PatientFactory()  # another starting state
        testing.demo_load(today=TODAY)
        transaction.set_rollback(True)
    with transaction.atomic():
        PatientFactory(pk=extra.pk, identity_number=extra.identity_number)
        testing.demo_load(today=TODAY)  # that state again: its copy
        transaction.set_rollback(True)
    testing.demo_load(today=TODAY)  # the first state again: its copy

    assert small_loads == [TODAY, TODAY]


def test_another_worker_takes_the_copy_from_the_shared_directory(
    small_loads, monkeypatch, tmp_path
):
    monkeypatch.setattr(testing, "SHARED", tmp_path)
    with transaction.atomic():
        first = testing.demo_load(today=TODAY)
        names = sorted(Patient.objects.values_list("family_name", flat=True))
        transaction.set_rollback(True)
    assert len(list(tmp_path.glob("*.pickle"))) == 1
    # another worker: its own (empty) store in memory, another test database's name
    monkeypatch.setattr(testing, "_SNAPSHOTS", {})
    monkeypatch.setitem(testing.connection.settings_dict, "NAME", "test_forlop_gw9")

    assert testing.demo_load(today=TODAY) == first

    assert small_loads == [TODAY]  # read from the directory, not loaded again
    assert sorted(Patient.objects.values_list("family_name", flat=True)) == names


def test_a_shared_copy_is_kept_per_starting_state(small_loads, monkeypatch, tmp_path):
    monkeypatch.setattr(testing, "SHARED", tmp_path)
    with transaction.atomic():
        testing.demo_load(today=TODAY)
        transaction.set_rollback(True)
    monkeypatch.setattr(testing, "_SNAPSHOTS", {})
    PatientFactory()  # another worker's database, not at the state the copy was taken from

    testing.demo_load(today=TODAY)

    assert small_loads == [TODAY, TODAY]
    assert len(list(tmp_path.glob("*.pickle"))) == 2
