"""Registering patients through the real form: good input, and bad input that changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from forlop.core.models import AuditEvent, Role
from forlop.core.tests.factories import MembershipFactory
from forlop.patients.models import NextOfKin, Patient, PatientService
from forlop.patients.tests.factories import synthetic_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocator(district, make_member):
    return make_member(district, Role.ALLOCATION_OFFICE, username="tildeler")


def form_data(district, **overrides):
    data = {
        "given_name": "Kari",
        "family_name": "Nordmann",
        "identity_number": synthetic_number(date(1944, 5, 17)),
        "address": "Storgata 1",
        "postal_code": "3190",
        "city": "Horten",
        "serving_unit": district.pk,
        "service_start": "2026-11-01",
        "next_of_kin_name": "Ola Nordmann",
        "next_of_kin_relation": "sønn",
    }
    data.update(overrides)
    return data


def snapshot():
    return (
        Patient.objects.count(),
        PatientService.objects.count(),
        NextOfKin.objects.count(),
        AuditEvent.objects.count(),
    )


def test_register_patient(client, allocator, district):
    client.force_login(allocator)
    data = form_data(district)
    response = client.post(reverse("patients:create"), data)
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])
    assert data["identity_number"] not in response["Location"]
    assert patient.birth_date == date(1944, 5, 17)
    assert patient.synthetic is True
    assert patient.services.get().unit == district
    assert patient.next_of_kin.get().name == "Ola Nordmann"
    assert (
        AuditEvent.objects.filter(
            verb="patient.created", patient_id=patient.pk, actor=allocator
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "Fødselsnummeret må ha 11 sifre."),
        ("1234567890a", "Fødselsnummeret må ha 11 sifre, uten bokstaver eller andre tegn."),
        ("31129956714", "Kontrollsifrene stemmer ikke: sjekk om det er en skrivefeil."),
        ("30025010007", "Fødselsdatoen i nummeret er ikke en gyldig dato."),
    ],
)
def test_wrong_identity_number_gets_a_norwegian_message_and_changes_nothing(
    client, allocator, district, number, message
):
    client.force_login(allocator)
    before = snapshot()
    response = client.post(reverse("patients:create"), form_data(district, identity_number=number))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert snapshot() == before


def test_duplicate_patient_is_refused(client, allocator, district):
    client.force_login(allocator)
    data = form_data(district)
    client.post(reverse("patients:create"), data)
    before = snapshot()
    response = client.post(reverse("patients:create"), {**data, "given_name": "Annen"})
    assert response.status_code == 400
    assert (
        "En pasient med dette fødselsnummeret er allerede registrert." in response.content.decode()
    )
    assert snapshot()[:3] == before[:3]
    # the existence check is a look-up of the patient, and it is logged
    lookup = AuditEvent.objects.latest("pk")
    assert (lookup.verb, lookup.patient_id, lookup.data) == (
        "patient.searched",
        Patient.objects.get().pk,
        {"purpose": "duplicate_check", "found": True},
    )


def test_over_long_field_is_refused(client, allocator, district):
    client.force_login(allocator)
    before = snapshot()
    response = client.post(reverse("patients:create"), form_data(district, family_name="x" * 101))
    assert response.status_code == 400
    assert (
        "Sørg for at denne verdien har 100 eller færre tegn (den har nå 101)."
        in response.content.decode()
    )
    assert snapshot() == before


def test_forged_csrf_token_is_refused_in_norwegian(allocator, district):
    client = Client(enforce_csrf_checks=True)
    client.force_login(allocator)
    client.get(reverse("patients:create"))
    before = snapshot()
    response = client.post(
        reverse("patients:create"), {**form_data(district), "csrfmiddlewaretoken": "forged" * 10}
    )
    assert response.status_code == 403
    assert "Skjemaet er utløpt" in response.content.decode()
    assert snapshot() == before


def test_unit_outside_own_memberships_is_refused(client, allocator, other_district):
    client.force_login(allocator)
    before = snapshot()
    response = client.post(reverse("patients:create"), form_data(other_district))
    assert response.status_code == 400
    assert snapshot() == before


def test_english_is_the_second_language(client, allocator, district):
    client.force_login(allocator)
    client.post(reverse("set-language"), {"language": "en", "next": "/"})
    with translation.override("en"):
        response = client.post(
            reverse("patients:create"), form_data(district, identity_number="12345")
        )
    assert "The identity number must be 11 digits." in response.content.decode()


def test_every_page_but_login_needs_a_session(client, patient):
    urls = [
        reverse("home"),
        reverse("patients:list"),
        reverse("patients:create"),
        reverse("patients:detail", args=[patient.pk]),
        reverse("patients:access-log", args=[patient.pk]),
        reverse("patients:audit-log"),
        reverse("patients:emergency-review-list"),
        reverse("password-change"),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url
    assert client.get(reverse("login")).status_code == 200


def test_password_change(client, allocator):
    client.force_login(allocator)
    response = client.post(
        reverse("password-change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "Lang-og-sikker-2026",
            "new_password2": "Lang-og-sikker-2026",
        },
    )
    assert response.status_code == 302
    allocator.refresh_from_db()
    assert allocator.check_password("Lang-og-sikker-2026")


def test_edit_patient_details_is_audited_without_values(client, nurse, patient):
    client.force_login(nurse)
    url = reverse("patients:edit", args=[patient.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "given_name": "Astrid",
            "family_name": "Nyheim",
            "identity_number": patient.identity_number,
            "address": "Ny vei 2",
        },
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.family_name, patient.address) == ("Nyheim", "Ny vei 2")
    event = AuditEvent.objects.get(verb="patient.updated", patient_id=patient.pk)
    assert event.data == {"fields": ["family_name", "address"]}


def test_edit_to_a_taken_identity_number_changes_nothing(client, nurse, patient, municipality):
    from forlop.patients.tests.factories import PatientFactory

    other = PatientFactory(municipality=municipality)
    client.force_login(nurse)
    before = (snapshot()[:3], patient.family_name, patient.identity_number)
    response = client.post(
        reverse("patients:edit", args=[patient.pk]),
        {"given_name": "Astrid", "family_name": "Endret", "identity_number": other.identity_number},
    )
    assert response.status_code == 400
    assert (
        "En pasient med dette fødselsnummeret er allerede registrert." in response.content.decode()
    )
    patient.refresh_from_db()
    assert (snapshot()[:3], patient.family_name, patient.identity_number) == before
    # the page read is audited; no update is
    assert not AuditEvent.objects.filter(verb="patient.updated").exists()


def test_add_and_end_a_serving_unit(client, patient, district, other_district, make_member):
    # a service decision: the leader of both districts makes it
    leader = make_member(district, Role.UNIT_LEADER)
    MembershipFactory(user=leader, unit=other_district, role=Role.UNIT_LEADER)
    client.force_login(leader)
    url = reverse("patients:services", args=[patient.pk])
    response = client.post(url, {"add": "1", "unit": other_district.pk, "started_on": "2026-11-01"})
    assert response.status_code == 302
    added = patient.services.get(unit=other_district)
    response = client.post(url, {"end": "1", "service": added.pk, "ended_on": "2026-10-01"})
    assert response.status_code == 400  # ends before it started: refused
    added.refresh_from_db()
    assert added.ended_on is None
    response = client.post(url, {"end": "1", "service": added.pk, "ended_on": "2026-11-20"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert added.ended_on == date(2026, 11, 20)
    verbs = set(AuditEvent.objects.filter(patient_id=patient.pk).values_list("verb", flat=True))
    assert {"patient.service_added", "patient.service_ended"} <= verbs


def test_add_next_of_kin(client, nurse, patient):
    client.force_login(nurse)
    response = client.post(
        reverse("patients:services", args=[patient.pk]),
        {"kin": "1", "name": "Per Testesen", "relation": "sønn"},
    )
    assert response.status_code == 302
    assert patient.next_of_kin.get().name == "Per Testesen"
