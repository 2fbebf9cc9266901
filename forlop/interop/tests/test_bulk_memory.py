"""The bulk export's memory does not grow with the patients it covers (issue 16): the rows are
read in chunks (``iterate_all``), the patients to audit are kept as bits (``PatientsSeen``), and
the audit rows are handed to ``audit_record_many`` as a generator it reads batch by batch.
Memory itself is measured in bench/bench_export_memory.py, not here."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sized
from pathlib import Path

import pytest
import time_machine

from forlop.core.models import AuditEvent
from forlop.interop.fhir import bulk
from forlop.interop.fhir.resources import Caller, PatientsSeen
from forlop.interop.tests.conftest import World
from forlop.interop.tests.scenario import NOW, running_pathway
from forlop.patients.models import Patient


def test_patients_seen_gives_each_patient_its_types_sorted_in_patient_order() -> None:
    # given resource types recorded for patients in no order, some twice
    rng = random.Random(16)
    names = ["Task", "Patient", "CarePlan", "Goal", "Observation", "EpisodeOfCare"]
    seen, expected = PatientsSeen(), {}
    for _ in range(3000):
        pid, name = rng.randrange(1, 5000), rng.choice(names)
        seen.add(pid, name)
        expected.setdefault(pid, set()).add(name)
    # when / then: what the dict of sets it replaces gave, in patient-id order
    assert list(seen) == [(pid, sorted(expected[pid])) for pid in sorted(expected)]
    assert list(PatientsSeen()) == []


def test_patients_seen_keeps_a_bit_per_patient_and_type() -> None:
    seen = PatientsSeen()
    for pid in range(1, 80_001):
        seen.add(pid, "Patient")
        seen.add(pid, "Task")
    assert sum(len(bits) for bits in seen._bits.values()) <= 2 * 2 * 80_001 // 8 + 2


@pytest.mark.django_db
def test_the_export_hands_its_audit_rows_over_as_a_stream(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    with time_machine.travel(NOW, tick=False):
        running_pathway(world)
    handed: list[Iterable[AuditEvent]] = []
    real = bulk.audit_record_many

    def spy(events: Iterable[AuditEvent], **kwargs: int) -> int:
        handed.append(events)
        return real(events, **kwargs)

    monkeypatch.setattr(bulk, "audit_record_many", spy)
    caller = Caller(user=None, now=NOW, patients=Patient.objects.all(), client_id="cli:export_fhir")
    # when
    bulk.export_ndjson(caller=caller, directory=tmp_path, types=["Patient", "Task"])
    # then: a generator (not a list of every patient's row), and the rows are as before
    [events] = handed
    assert not isinstance(events, Sized)
    row = AuditEvent.objects.filter(patient_id=world.patient.pk).order_by("-pk").first()
    assert row is not None
    assert row.data == {
        "client": "cli:export_fhir",
        "interaction": "export",
        "fhir": ["Patient", "Task"],
    }
