"""Emergency access (nødtilgang): who may take it, within which data controller, how it is
reviewed and escalated, and that it never turns into permanent access (issue 11, defects 1-3)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from forlop.core.models import AuditEvent, AuditVerb, Organisation, Role, Unit
from forlop.core.tests.factories import MembershipFactory, OrganisationFactory, UnitFactory
from forlop.patients import selectors, services
from forlop.patients.models import EmergencyAccess, HospitalStay, PatientService
from forlop.patients.tests.factories import synthetic_number

pytestmark = pytest.mark.django_db

REASON = "Legevakten ringer, pasienten har falt og trenger medisinlisten"


def grant_for(actor, patient, **kwargs):
    return services.emergency_access_grant(
        actor=actor,
        patient=patient,
        reason_category=kwargs.pop("reason_category", EmergencyAccess.Category.ACUTE_CARE),
        reason=kwargs.pop("reason", REASON),
        **kwargs,
    )


def state():
    return (EmergencyAccess.objects.count(), AuditEvent.objects.count())


@pytest.fixture
def admin_unit(municipality):
    return UnitFactory(
        organisation=municipality, kind=Unit.Kind.ADMINISTRATION, code="testvik-stab"
    )


@pytest.fixture
def allocation_unit(municipality):
    return UnitFactory(
        organisation=municipality, kind=Unit.Kind.ALLOCATION_OFFICE, code="testvik-tildeling"
    )


@pytest.fixture
def other_muni_unit(other_municipality):
    return UnitFactory(
        organisation=other_municipality, kind=Unit.Kind.HOME_CARE, code="andrevik-hjemme"
    )


# Defect 1: emergency access for clinical roles only, within the data controller.


@pytest.mark.parametrize(
    ("role", "unit_fixture"),
    [
        (Role.IMPROVEMENT_MEMBER, "admin_unit"),
        (Role.NETWORK_COORDINATOR, "admin_unit"),
        (Role.ADMINISTRATOR, "admin_unit"),
        (Role.ALLOCATION_OFFICE, "allocation_unit"),
        (Role.UNIT_LEADER, "other_district"),
    ],
)
def test_non_clinical_roles_cannot_take_emergency_access(
    request, patient, make_member, role, unit_fixture
):
    # given a member of the patient's own municipality in a role without direct patient care
    user = make_member(request.getfixturevalue(unit_fixture), role)
    before = state()
    # when they try to take emergency access
    with pytest.raises(PermissionDenied):
        grant_for(user, patient)
    # then nothing is granted and they still cannot read the record
    assert state() == before
    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=user, patient_id=patient.pk)


def test_a_nurse_of_another_municipality_cannot_take_emergency_access(
    patient, other_muni_unit, make_member
):
    stranger = make_member(other_muni_unit, Role.PRIMARY_CONTACT)
    before = state()
    with pytest.raises(PermissionDenied):
        grant_for(stranger, patient)
    assert state() == before


def test_a_gp_of_another_municipality_cannot_but_a_gp_of_this_one_can(
    patient, municipality, other_municipality, make_member
):
    far_office = OrganisationFactory(
        kind=Organisation.Kind.GP_OFFICE, code="andrevik-lege", municipality=other_municipality
    )
    near_office = OrganisationFactory(
        kind=Organisation.Kind.GP_OFFICE, code="testvik-lege", municipality=municipality
    )
    far_gp = make_member(
        UnitFactory(organisation=far_office, kind=Unit.Kind.GP_PRACTICE, code="far"), Role.GP
    )
    near_gp = make_member(
        UnitFactory(organisation=near_office, kind=Unit.Kind.GP_PRACTICE, code="near"), Role.GP
    )
    before = state()
    with pytest.raises(PermissionDenied):
        grant_for(far_gp, patient)
    assert state() == before
    grant = grant_for(near_gp, patient)
    assert grant.data_controller == municipality


def test_a_hospital_nurse_reaches_only_patients_with_records_at_their_trust(patient, make_member):
    trust = OrganisationFactory(kind=Organisation.Kind.HOSPITAL_TRUST, code="sykehuset")
    ward = UnitFactory(organisation=trust, kind=Unit.Kind.HOSPITAL_WARD, code="sykehuset-med")
    other_ward = UnitFactory(organisation=trust, kind=Unit.Kind.HOSPITAL_WARD, code="sykehuset-ort")
    hospital_nurse = make_member(other_ward, Role.HOSPITAL_NURSE)
    # no stay at the trust: the trust holds no record of the patient
    with pytest.raises(PermissionDenied):
        grant_for(hospital_nurse, patient)
    # a past stay on another ward of the trust: the trust's record
    admitted = timezone.now() - timedelta(days=20)
    HospitalStay.objects.create(
        patient=patient, ward=ward, admitted_at=admitted, discharged_at=admitted + timedelta(days=3)
    )
    grant = grant_for(hospital_nurse, patient)
    assert grant.data_controller == trust


def test_emergency_access_needs_a_category_and_a_text(patient, other_district, make_member):
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    before = state()
    with pytest.raises(ValidationError) as exc:
        grant_for(colleague, patient, reason_category="")
    assert "reason_category" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        grant_for(colleague, patient, reason_category="made_up")
    assert "reason_category" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        grant_for(colleague, patient, reason="kort")
    assert "reason" in exc.value.message_dict
    assert state() == before
    # with both, the grant and its audit row carry the category and the text
    grant = grant_for(
        colleague, patient, reason_category=EmergencyAccess.Category.CALL_FROM_EMERGENCY
    )
    event = AuditEvent.objects.get(verb=AuditVerb.EMERGENCY_ACCESS_GRANTED)
    assert (grant.reason_category, grant.reason) == ("call_from_emergency", REASON)
    assert (event.reason, event.data["category"]) == (REASON, "call_from_emergency")


def test_the_form_asks_for_a_category(client, patient, other_district, make_member):
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    client.force_login(colleague)
    url = reverse("patients:emergency-access")
    response = client.post(url, {"identity_number": patient.identity_number, "reason": REASON})
    assert response.status_code == 400
    assert EmergencyAccess.objects.count() == 0
    response = client.post(
        url,
        {
            "identity_number": patient.identity_number,
            "reason_category": "acute_care",
            "reason": REASON,
        },
    )
    assert response.status_code == 302
    assert EmergencyAccess.objects.get().reason_category == "acute_care"


def test_the_emergency_form_does_not_tell_another_municipality_the_patient_exists(
    client, patient, other_muni_unit, make_member
):
    stranger = make_member(other_muni_unit, Role.PRIMARY_CONTACT)
    client.force_login(stranger)
    data = {"reason_category": "acute_care", "reason": REASON}
    known_answer = client.post(
        reverse("patients:emergency-access"),
        {**data, "identity_number": patient.identity_number},
        follow=True,
    )
    assert EmergencyAccess.objects.count() == 0
    unknown = synthetic_number()  # registered nowhere
    unknown_answer = client.post(
        reverse("patients:emergency-access"), {**data, "identity_number": unknown}, follow=True
    )
    assert known_answer.status_code == unknown_answer.status_code
    assert [str(m) for m in known_answer.context["messages"]] == [
        str(m) for m in unknown_answer.context["messages"]
    ]


# Defect 2: review by someone other than the taker, from the data controller's side.


def test_the_taker_cannot_review_their_own_grant(patient, other_district, make_member):
    # given a nurse who is also leader of her unit, and takes emergency access
    nurse_leader = make_member(other_district, Role.PRIMARY_CONTACT)
    MembershipFactory(user=nurse_leader, unit=other_district, role=Role.UNIT_LEADER)
    grant = grant_for(nurse_leader, patient)
    before = AuditEvent.objects.count()
    # when she tries to review it
    with pytest.raises(PermissionDenied):
        services.emergency_access_review(actor=nurse_leader, access=grant, note="ok")
    # then it is still unreviewed
    grant.refresh_from_db()
    assert (grant.reviewed_by, grant.reviewed_at) == (None, None)
    assert AuditEvent.objects.count() == before


def test_the_review_page_offers_no_review_of_ones_own_grant(
    client, patient, other_district, make_member
):
    nurse_leader = make_member(other_district, Role.PRIMARY_CONTACT)
    MembershipFactory(user=nurse_leader, unit=other_district, role=Role.UNIT_LEADER)
    grant = grant_for(nurse_leader, patient)
    client.force_login(nurse_leader)
    body = client.get(reverse("patients:emergency-review-list")).content.decode()
    assert reverse("patients:emergency-review", args=[grant.pk]) not in body
    response = client.post(reverse("patients:emergency-review", args=[grant.pk]), {"note": "x"})
    grant.refresh_from_db()
    assert grant.reviewed_at is None
    assert response.status_code in (302, 403, 404)


def test_a_grant_with_no_leader_above_the_taker_still_reaches_a_reviewer(
    client, patient, municipality, make_member
):
    # given a nurse in a unit with no leader, to a patient whose serving unit has no leader,
    # and a leader of an unrelated unit of the same municipality
    lonely = UnitFactory(organisation=municipality, kind=Unit.Kind.OUT_OF_HOURS, code="legevakt")
    nurse = make_member(lonely, Role.PRIMARY_CONTACT)
    elsewhere = UnitFactory(organisation=municipality, kind=Unit.Kind.NURSING_HOME, code="hjem")
    leader = make_member(elsewhere, Role.UNIT_LEADER)
    grant = grant_for(nurse, patient)
    # then the data controller's leader finds it on the review page and can review it
    client.force_login(leader)
    body = client.get(reverse("patients:emergency-review-list")).content.decode()
    assert reverse("patients:emergency-review", args=[grant.pk]) in body
    client.post(reverse("patients:emergency-review", args=[grant.pk]), {"note": "Riktig"})
    grant.refresh_from_db()
    assert grant.reviewed_by == leader


def test_a_leader_of_another_data_controller_cannot_review(
    patient, other_district, other_muni_unit, make_member
):
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    grant = grant_for(colleague, patient)
    far_leader = make_member(other_muni_unit, Role.UNIT_LEADER)
    assert grant not in selectors.emergency_accesses_for_leader(user=far_leader)
    with pytest.raises(PermissionDenied):
        services.emergency_access_review(actor=far_leader, access=grant, note="")
    grant.refresh_from_db()
    assert grant.reviewed_at is None


def test_unreviewed_grants_older_than_the_limit_are_escalated(
    client, patient, municipality, district, other_district, make_member, settings
):
    settings.FORLOP_EMERGENCY_REVIEW_HOURS = 72
    # given two grants, one three days and one hour old, with a leader for the taker's unit
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    make_member(other_district, Role.UNIT_LEADER)
    now = timezone.now()
    old = grant_for(colleague, patient, now=now - timedelta(hours=73))
    fresh = grant_for(colleague, patient, now=now - timedelta(hours=1))
    # when escalation runs
    escalated = services.emergency_access_escalate_overdue(now=now)
    # then only the old one is escalated, once, with an audit row
    assert [g.pk for g in escalated] == [old.pk]
    assert services.emergency_access_escalate_overdue(now=now) == []
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert (old.escalated_at, fresh.escalated_at) == (now, None)
    assert list(
        AuditEvent.objects.filter(verb=AuditVerb.EMERGENCY_ACCESS_ESCALATED).values_list(
            "target_id", flat=True
        )
    ) == [old.pk]
    # and every leader of the data controller sees it, marked as escalated
    unrelated_leader = make_member(
        UnitFactory(organisation=municipality, kind=Unit.Kind.NURSING_HOME, code="hjem2"),
        Role.UNIT_LEADER,
    )
    client.force_login(unrelated_leader)
    body = client.get(reverse("patients:emergency-review-list")).content.decode()
    assert reverse("patients:emergency-review", args=[old.pk]) in body
    assert reverse("patients:emergency-review", args=[fresh.pk]) not in body
    assert "Eskalert" in body


# Defect 3: adding a serving unit is a service decision, never made under emergency access.


def test_a_nurse_under_emergency_access_cannot_add_her_own_unit(
    client, patient, other_district, make_member
):
    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    grant_for(colleague, patient)
    before = (PatientService.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PermissionDenied):
        services.patient_service_add(
            actor=colleague, patient=patient, unit=other_district, started_on=timezone.localdate()
        )
    assert (PatientService.objects.count(), AuditEvent.objects.count()) == before
    # nor through the page
    client.force_login(colleague)
    response = client.post(
        reverse("patients:services", args=[patient.pk]),
        {"add": "1", "unit": other_district.pk, "started_on": timezone.localdate().isoformat()},
    )
    assert response.status_code in (400, 403)
    assert not patient.services.filter(unit=other_district).exists()
    # her reads are still flagged as emergency
    selectors.patient_get_for_user(user=colleague, patient_id=patient.pk)
    reads = AuditEvent.objects.filter(actor=colleague, verb=AuditVerb.PATIENT_VIEWED)
    assert [e.emergency for e in reads] == [True, True]  # the services page, then this read


def test_a_unit_leader_under_emergency_access_cannot_add_their_unit(
    patient, other_district, make_member
):
    nurse_leader = make_member(other_district, Role.PRIMARY_CONTACT)
    MembershipFactory(user=nurse_leader, unit=other_district, role=Role.UNIT_LEADER)
    grant_for(nurse_leader, patient)
    with pytest.raises(PermissionDenied):
        services.patient_service_add(
            actor=nurse_leader,
            patient=patient,
            unit=other_district,
            started_on=timezone.localdate(),
        )
    assert not patient.services.filter(unit=other_district).exists()


def test_a_serving_nurse_is_not_the_one_to_decide_services(patient, nurse, other_district):
    before = PatientService.objects.count()
    with pytest.raises(PermissionDenied):
        services.patient_service_add(
            actor=nurse, patient=patient, unit=other_district, started_on=timezone.localdate()
        )
    assert PatientService.objects.count() == before


def test_the_allocation_office_decides_and_it_is_audited_as_a_decision(
    patient, allocation_unit, other_district, make_member
):
    allocator = make_member(allocation_unit, Role.ALLOCATION_OFFICE)
    PatientService.objects.create(
        patient=patient, unit=allocation_unit, started_on=timezone.localdate()
    )
    service = services.patient_service_add(
        actor=allocator, patient=patient, unit=other_district, started_on=timezone.localdate()
    )
    event = AuditEvent.objects.get(verb=AuditVerb.PATIENT_SERVICE_ADDED)
    assert (event.actor, event.target_id) == (allocator, service.pk)
    assert event.data == {
        "unit": other_district.code,
        "service_decision": True,
        "decided_as": Role.ALLOCATION_OFFICE,
    }


def test_the_leader_of_the_unit_decides(patient, district, other_district, make_member):
    leader = make_member(district, Role.UNIT_LEADER)
    MembershipFactory(user=leader, unit=other_district, role=Role.UNIT_LEADER)
    services.patient_service_add(
        actor=leader, patient=patient, unit=other_district, started_on=timezone.localdate()
    )
    event = AuditEvent.objects.get(verb=AuditVerb.PATIENT_SERVICE_ADDED)
    assert event.data["decided_as"] == Role.UNIT_LEADER


def test_escalation_runs_from_the_command_and_the_task(patient, other_district, make_member):
    from io import StringIO

    from django.core.management import call_command

    from forlop.patients.tasks import emergency_access_escalate

    colleague = make_member(other_district, Role.PRIMARY_CONTACT)
    old = grant_for(colleague, patient, now=timezone.now() - timedelta(days=4))
    out = StringIO()
    call_command("emergency_escalate", stdout=out)
    assert out.getvalue().strip() == f"escalated 1 grant(s): [{old.pk}]"
    # the task finds nothing more to do: escalation happens once
    assert emergency_access_escalate.enqueue().return_value == []
