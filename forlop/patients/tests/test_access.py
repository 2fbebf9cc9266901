"""The access rule (tjenstlig behov) and its audit trail: the thing to test hardest."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from forlop.core.audit import audit_record
from forlop.core.models import AuditEvent, AuditVerb, Role, Unit
from forlop.core.tests.factories import OrganisationFactory, UnitFactory
from forlop.patients import selectors, services
from forlop.patients.models import EmergencyAccess, HospitalStay, Patient
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db


def test_permission_ladder_for_the_patient_page(
    client, patient, district, other_district, other_municipality, make_member
):
    url = reverse("patients:detail", args=[patient.pk])
    other_muni_unit = UnitFactory(
        organisation=other_municipality, kind=Unit.Kind.HOME_CARE, code="andrevik-hjemme"
    )
    stranger = make_member(other_muni_unit, Role.PRIMARY_CONTACT, username="stranger")
    colleague = make_member(other_district, Role.PRIMARY_CONTACT, username="colleague")
    nurse = make_member(district, Role.PRIMARY_CONTACT, username="servingnurse")

    # anonymous: sent to the login page, nothing logged
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert AuditEvent.objects.filter(patient_id=patient.pk).count() == 0

    # another municipality: not found, and the refusal (not a read) is logged (ASVS 7.2.2)
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    refused = AuditEvent.objects.filter(patient_id=patient.pk)
    assert [(e.actor_id, e.verb) for e in refused] == [(stranger.pk, AuditVerb.ACCESS_REFUSED)]

    # another unit of the same municipality: not found either, refusal logged
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    assert (
        AuditEvent.objects.filter(patient_id=patient.pk)
        .exclude(verb=AuditVerb.ACCESS_REFUSED)
        .count()
        == 0
    )

    # the serving unit: the page, and one audit row for the read
    client.force_login(nurse)
    response = client.get(url)
    assert response.status_code == 200
    assert patient.full_name in response.content.decode()
    reads = AuditEvent.objects.filter(patient_id=patient.pk, verb=AuditVerb.PATIENT_VIEWED)
    assert [(e.actor_id, e.emergency) for e in reads] == [(nurse.pk, False)]

    # emergency access with a reason: the colleague may now see the page, flagged in the log
    client.force_login(colleague)
    redirect = client.post(
        reverse("patients:emergency-access"),
        {
            "identity_number": patient.identity_number,
            "reason_category": "call_from_emergency",
            "reason": "Falt i trappen, legevakt ringer nå",
        },
    )
    assert redirect.status_code == 302
    assert redirect["Location"] == url
    # the identity number is never in a URL: not in the redirect, not in the page's address
    assert patient.identity_number not in redirect["Location"]
    response = client.get(url)
    assert response.status_code == 200
    read = AuditEvent.objects.filter(
        patient_id=patient.pk, verb=AuditVerb.PATIENT_VIEWED, actor=colleague
    ).get()
    assert read.emergency is True
    assert read.reason == "Falt i trappen, legevakt ringer nå"


def test_emergency_access_expires(patient, other_district, make_member):
    # given a colleague with emergency access granted now
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    now = timezone.now()
    grant = services.emergency_access_grant(
        actor=colleague,
        patient=patient,
        reason_category="acute_care",
        reason="Akutt forverring, trenger medisinliste",
        now=now,
    )
    # then it works within the limit and not after it
    assert (
        selectors.patient_get_for_user(
            user=colleague, patient_id=patient.pk, now=now + timedelta(hours=1)
        )
        == patient
    )
    with pytest.raises(Http404):
        selectors.patient_get_for_user(
            user=colleague, patient_id=patient.pk, now=grant.expires_at + timedelta(seconds=1)
        )


def test_emergency_access_needs_a_reason_and_changes_nothing_without_one(
    patient, other_district, make_member
):
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.emergency_access_grant(
            actor=colleague, patient=patient, reason_category="acute_care", reason="  kort "
        )
    assert EmergencyAccess.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_gp_sees_own_patients_only(patient, municipality, make_member):
    gp_office = OrganisationFactory(
        kind="gp_office", code="legekontoret", municipality=municipality
    )
    practice = UnitFactory(
        organisation=gp_office, kind=Unit.Kind.GP_PRACTICE, code="legekontoret-praksis"
    )
    gp = make_member(practice, Role.GP)
    other_gp = make_member(practice, Role.GP)
    patient.gp = gp
    patient.save(update_fields=["gp"])
    assert selectors.patient_get_for_user(user=gp, patient_id=patient.pk) == patient
    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=other_gp, patient_id=patient.pk)


def test_hospital_ward_sees_patient_only_during_an_active_stay(patient, make_member):
    hospital = OrganisationFactory(kind="hospital_trust", code="sykehuset")
    ward = UnitFactory(organisation=hospital, kind=Unit.Kind.HOSPITAL_WARD, code="sykehuset-med")
    hospital_nurse = make_member(ward, Role.HOSPITAL_NURSE)
    admitted = timezone.now() - timedelta(days=2)
    stay = HospitalStay.objects.create(patient=patient, ward=ward, admitted_at=admitted)
    assert selectors.patient_get_for_user(user=hospital_nurse, patient_id=patient.pk) == patient
    # after discharge the ward no longer has a service need
    services.hospital_stay_discharge(
        actor=hospital_nurse, stay=stay, discharged_at=admitted + timedelta(days=1)
    )
    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=hospital_nurse, patient_id=patient.pk)


def test_ended_service_ends_access(patient, district, make_member):
    nurse = make_member(district, Role.PRIMARY_CONTACT)
    leader = make_member(district, Role.UNIT_LEADER)
    service = patient.services.get()
    today = timezone.localdate()
    services.patient_service_end(actor=leader, service=service, ended_on=today - timedelta(days=1))
    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=nurse, patient_id=patient.pk)


# 00:30 on 1 January in Oslo, still 31 December in UTC: the service's days are Oslo days.
@pytest.mark.clock("2026-12-31T23:30:00+00:00")
def test_service_days_are_oslo_days_just_after_midnight(
    patient, district, other_district, make_member
):
    nurse = make_member(district, Role.PRIMARY_CONTACT)
    leader = make_member(district, Role.UNIT_LEADER)  # ending a service is the leader's decision
    newcomer = make_member(other_district, Role.PRIMARY_CONTACT)
    assert timezone.localdate() == date(2027, 1, 1)
    services.patient_service_end(
        actor=leader, service=patient.services.get(), ended_on=date(2026, 12, 31)
    )
    PatientServiceFactory(patient=patient, unit=other_district, started_on=date(2027, 1, 1))
    # the service that ended yesterday gives no access; the one that starts today does
    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=nurse, patient_id=patient.pk)
    assert selectors.patient_get_for_user(user=newcomer, patient_id=patient.pk) == patient


def test_non_clinical_roles_in_the_serving_unit_have_no_service_need(
    patient, district, make_member
):
    # an improvement team member works with aggregates, not with patients
    member = make_member(district, Role.IMPROVEMENT_MEMBER)
    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=member, patient_id=patient.pk)


def test_list_shows_only_patients_with_service_need_and_logs_the_list(
    client, patient, municipality, other_district, make_member
):
    # given a patient in another district
    other = PatientFactory(municipality=municipality, given_name="Bjørn", family_name="Annensen")
    PatientServiceFactory(patient=other, unit=other_district)
    nurse = make_member(patient.services.get().unit, Role.PRIMARY_CONTACT)
    client.force_login(nurse)
    # when the nurse opens the list
    response = client.get(reverse("patients:list"))
    # then only their own patient is there
    assert response.status_code == 200
    body = response.content.decode()
    assert "Testesen" in body
    assert "Annensen" not in body
    listed = AuditEvent.objects.get(actor=nurse, verb=AuditVerb.PATIENT_VIEWED)
    assert listed.data == {"list": [patient.pk]}


def test_every_read_writes_one_audit_row(client, patient, district, make_member):
    nurse = make_member(district, Role.PRIMARY_CONTACT)
    client.force_login(nurse)
    for _ in range(3):
        client.get(reverse("patients:detail", args=[patient.pk]))
    client.get(reverse("patients:access-log", args=[patient.pk]))
    verbs = list(
        AuditEvent.objects.filter(patient_id=patient.pk)
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == [AuditVerb.PATIENT_VIEWED] * 3 + [AuditVerb.ACCESS_LOG_VIEWED]


def test_access_log_page_shows_who_has_looked(
    client, patient, district, other_district, make_member
):
    nurse = make_member(district, Role.PRIMARY_CONTACT, first_name="Nora", last_name="Sykepleier")
    colleague = make_member(
        other_district, Role.PRIMARY_CONTACT, first_name="Kim", last_name="Kollega"
    )
    services.emergency_access_grant(
        actor=colleague,
        patient=patient,
        reason_category="call_from_emergency",
        reason="Ringte fra legevakten, akutt",
    )
    selectors.patient_get_for_user(user=colleague, patient_id=patient.pk)
    client.force_login(nurse)
    body = client.get(reverse("patients:access-log", args=[patient.pk])).content.decode()
    assert "Kim Kollega" in body
    assert "Ringte fra legevakten, akutt" in body


def test_identity_number_never_in_urls_or_error_pages(
    client, patient, district, other_district, make_member
):
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    client.force_login(colleague)
    # lookup by number is a POST, and the answer for a patient without service need does not echo it
    response = client.post(reverse("patients:lookup"), {"identity_number": patient.identity_number})
    assert response.status_code == 200
    # the number is only in the hidden field of the emergency form, never in visible text or a URL
    body = response.content.decode()
    assert body.count(patient.identity_number) == 1
    assert f'value="{patient.identity_number}"' in body
    # a search in the URL (an old-style link) is dropped: sent back to the plain list, so the
    # number leaves the address bar, and it is not echoed on the page
    response = client.get(reverse("patients:list"), {"q": patient.identity_number}, follow=True)
    assert response.redirect_chain == [(reverse("patients:list"), 302)]
    body = response.content.decode()
    assert "Du har ingen pasienter med tjenstlig behov akkurat nå." in body
    assert patient.identity_number not in body
    # digits typed into the name search (a POST) are not searched: the page points to the look-up
    response = client.post(reverse("patients:search"), {"q": patient.identity_number})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Søk på fødselsnummer i oppslagsskjemaet, ikke i navnesøket." in body
    assert patient.identity_number not in body


def test_leader_reviews_emergency_access(client, patient, district, other_district, make_member):
    leader = make_member(district, Role.UNIT_LEADER)
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    grant = services.emergency_access_grant(
        actor=colleague,
        patient=patient,
        reason_category="acute_care",
        reason="Akutt hjerteinfarkt mistanke",
    )
    client.force_login(leader)
    body = client.get(reverse("patients:emergency-review-list")).content.decode()
    assert "Akutt hjerteinfarkt mistanke" in body
    client.post(reverse("patients:emergency-review", args=[grant.pk]), {"note": "Riktig bruk"})
    grant.refresh_from_db()
    assert grant.reviewed_by == leader
    assert (
        AuditEvent.objects.filter(
            verb=AuditVerb.EMERGENCY_ACCESS_REVIEWED, patient_id=patient.pk
        ).count()
        == 1
    )


def test_nurse_cannot_open_leader_pages(client, district, make_member):
    nurse = make_member(district, Role.PRIMARY_CONTACT)
    client.force_login(nurse)
    assert client.get(reverse("patients:audit-log")).status_code == 403
    assert client.get(reverse("patients:emergency-review-list")).status_code == 403


def test_leader_audit_log_lists_reads_of_their_patients(client, patient, district, make_member):
    nurse = make_member(district, Role.PRIMARY_CONTACT, first_name="Nora", last_name="Nilsen")
    leader = make_member(district, Role.UNIT_LEADER)
    selectors.patient_get_for_user(user=nurse, patient_id=patient.pk)
    client.force_login(leader)
    response = client.get(reverse("patients:audit-log"), {"patient": patient.pk})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nora Nilsen" in body
    # a leader of an unrelated municipality does not see it
    other = UnitFactory(organisation=OrganisationFactory(code="fjernvik"), code="fjernvik-hjemme")
    other_leader = make_member(other, Role.UNIT_LEADER)
    client.force_login(other_leader)
    response = client.get(reverse("patients:audit-log"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert "Nora Nilsen" not in response.content.decode()


def test_time_travel_keeps_the_rule(patient, district, make_member):
    nurse = make_member(district, Role.PRIMARY_CONTACT)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        assert Patient.objects.visible_to(nurse, now=timezone.now()).get() == patient


def test_audit_log_names_the_patients_the_leader_may_see_and_no_others(
    client, patient, district, make_member
):
    # given a read of the leader's unit's patient, and one by the same nurse of a patient the
    # leader has no service need for (served by another municipality's unit only)
    nurse = make_member(district, Role.PRIMARY_CONTACT, first_name="Nora", last_name="Nilsen")
    leader = make_member(district, Role.UNIT_LEADER)
    elsewhere = UnitFactory(organisation=OrganisationFactory(code="fjernvik"), code="fjernvik-hj")
    stranger = PatientFactory(given_name="Sigrid", family_name="Fremmed")
    PatientServiceFactory(patient=stranger, unit=elsewhere)
    selectors.patient_get_for_user(user=nurse, patient_id=patient.pk)
    AuditEvent.objects.create(actor=nurse, verb=AuditVerb.PATIENT_VIEWED, patient_id=stranger.pk)
    client.force_login(leader)
    # when the leader opens the audit log
    response = client.get(reverse("patients:audit-log"))
    # then her own patient is named (not "#id"), the other is not named at all
    assert response.status_code == 200
    body = response.content.decode()
    assert f">{patient.given_name} {patient.family_name}</a>" in body
    assert f"#{patient.pk}<" not in body
    assert "Fremmed" not in body
    assert "Navn skjult (ikke tjenstlig behov)" in body
    # and showing the name is itself a read, audited with the ids named
    shown = AuditEvent.objects.filter(actor=leader, verb=AuditVerb.PATIENT_VIEWED).get()
    assert shown.data == {"list": [patient.pk], "audit_log": True}


def test_audit_log_queries_do_not_grow_with_the_rows(client, district, make_member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    nurse = make_member(district, Role.PRIMARY_CONTACT)
    leader = make_member(district, Role.UNIT_LEADER)
    client.force_login(leader)

    def read(n: int) -> None:
        for _ in range(n):
            p = PatientFactory()
            PatientServiceFactory(patient=p, unit=district)
            selectors.patient_get_for_user(user=nurse, patient_id=p.pk)

    read(2)
    client.get(reverse("patients:audit-log"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("patients:audit-log"))
    read(20)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("patients:audit-log"))
    assert len(response.context["page"].object_list) > 20
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_audit_log_who_filter_lists_everyone_in_it_and_no_one_else(
    client, patient, district, make_member
):
    # given a hospital nurse (not in the leader's units) who discharged the leader's patient,
    # a colleague in the unit who did nothing, and a nurse of the unit who read the record
    ward = UnitFactory(organisation=OrganisationFactory(code="sykehuset"), code="sykehus-med")
    outsider = make_member(ward, Role.HOSPITAL_NURSE, first_name="Hanne", last_name="Sykehus")
    idle = make_member(district, Role.PRIMARY_CONTACT, first_name="Ida", last_name="Ingenting")
    reader = make_member(district, Role.PRIMARY_CONTACT, first_name="Nora", last_name="Nilsen")
    leader = make_member(district, Role.UNIT_LEADER)
    audit_record(actor=outsider, verb=AuditVerb.STAY_DISCHARGED, patient_id=patient.pk)
    selectors.patient_get_for_user(user=reader, patient_id=patient.pk)
    client.force_login(leader)
    # when the leader opens the audit log
    response = client.get(reverse("patients:audit-log"))
    # then "Who" offers exactly the people in it, the hospital nurse among them
    assert response.status_code == 200
    offered = set(response.context["form"].fields["actor"].queryset)
    in_log = {e.actor for e in selectors.audit_events_for_leader(user=leader)}
    assert offered == in_log
    assert {outsider, reader} <= offered  # (the leader too: reading the names is audited)
    assert idle not in offered
    # and choosing her shows her row only
    response = client.get(reverse("patients:audit-log"), {"actor": outsider.pk})
    assert response.status_code == 200
    assert [e.actor_id for e in response.context["page"].object_list] == [outsider.pk]
