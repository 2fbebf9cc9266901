"""The patient services' edits: what counts as a change, and one way to make a next of kin."""

from __future__ import annotations

from datetime import date

import pytest

from forlop.core.models import AuditEvent, AuditVerb, Organisation, Unit, User
from forlop.patients.models import NextOfKin, Patient
from forlop.patients.services import next_of_kin_add, patient_create, patient_update
from forlop.patients.tests.factories import synthetic_number

pytestmark = pytest.mark.django_db


def _updates(patient: Patient) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(patient_id=patient.pk, verb=AuditVerb.PATIENT_UPDATED))


def test_a_value_equal_but_for_spaces_is_no_change(patient: Patient, nurse: User) -> None:
    patient_update(actor=nurse, patient=patient, city="Horten")
    before = len(_updates(patient))

    patient_update(actor=nurse, patient=patient, city="  Horten ")

    patient.refresh_from_db()
    assert patient.city == "Horten"
    assert len(_updates(patient)) == before  # nothing changed, nothing audited


def test_the_audit_row_names_only_the_changed_fields(patient: Patient, nurse: User) -> None:
    patient_update(actor=nurse, patient=patient, city="Horten", phone="")
    patient_update(actor=nurse, patient=patient, city=" Tønsberg", phone="", address="")

    patient.refresh_from_db()
    assert patient.city == "Tønsberg"
    assert _updates(patient)[-1].data == {"fields": ["city"]}


def test_next_of_kin_at_registration_and_later_are_made_alike(
    municipality: Organisation, district: Unit, nurse: User
) -> None:
    patient = patient_create(
        actor=nurse,
        municipality=municipality,
        serving_unit=district,
        given_name="Kari",
        family_name="Testesen",
        identity_number=synthetic_number(date(1944, 5, 17)),
        service_start=date(2026, 11, 2),
        next_of_kin_name=" Per Testesen ",
        next_of_kin_relation=" sønn ",
        next_of_kin_phone=" 400 00 000 ",
    )
    later = next_of_kin_add(
        actor=nurse, patient=patient, name=" Ola Testesen ", relation=" bror ", phone=" 400 00 001 "
    )

    rows = list(
        NextOfKin.objects.filter(patient=patient)
        .order_by("pk")
        .values_list("name", "relation", "phone", "is_primary")
    )
    assert rows == [
        ("Per Testesen", "sønn", "400 00 000", True),
        ("Ola Testesen", "bror", "400 00 001", False),
    ]
    assert later.pk == NextOfKin.objects.filter(patient=patient).order_by("pk").last().pk
