"""The work list logs the patients it shows, not only how many (issue 11, defect 5): the user's
own list and a unit's, with the patients of other units left out."""

from __future__ import annotations

import pytest

from forlop.core.models import AuditEvent, AuditVerb, Unit, User
from forlop.pathways import selectors
from forlop.pathways.tests.factories import PathwayFactory, StopPointFactory, oslo
from forlop.patients.models import Patient
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db

NOW = oslo(2026, 3, 10, 9)


def test_the_work_list_logs_the_ids_of_the_patients_it_shows(
    patient: Patient, district: Unit, other_district: Unit, nurse: User, municipality
) -> None:
    # given two patients with stop points on the nurse's unit, and one on another unit
    second = PatientFactory(municipality=municipality, given_name="Berit", family_name="Dahl")
    PatientServiceFactory(patient=second, unit=district)
    elsewhere = PatientFactory(municipality=municipality, given_name="Ola", family_name="Nord")
    PatientServiceFactory(patient=elsewhere, unit=other_district)
    for who, unit in ((patient, district), (second, district), (elsewhere, other_district)):
        StopPointFactory(pathway=PathwayFactory(patient=who, unit=unit), due_at=oslo(2026, 3, 9))
    # when she opens her work list, and then the unit's
    result = selectors.worklist(user=nurse, now=NOW)
    selectors.worklist(user=nurse, now=NOW, unit=district)
    # then each read names exactly the patients shown
    rows = list(
        AuditEvent.objects.filter(verb=AuditVerb.WORKLIST_VIEWED, actor=nurse)
        .order_by("pk")
        .values_list("data", flat=True)
    )
    assert len(result.overdue) == 2
    assert [(r["unit"], r["items"], sorted(r["patients"])) for r in rows] == [
        (None, 2, sorted([patient.pk, second.pk])),
        (district.code, 2, sorted([patient.pk, second.pk])),
    ]
