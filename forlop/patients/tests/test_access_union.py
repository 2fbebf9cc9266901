"""``visible_to`` as ``pk IN (UNION of the allowed ids)`` gives the rows of the annotated rule
(``accessible_to``) for every reason and boundary, in one query (issue 16)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forlop.core.models import Membership, Role, Unit
from forlop.core.tests.factories import UnitFactory
from forlop.patients.models import EmergencyAccess, HospitalStay, Patient
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 10, tzinfo=UTC)
TODAY = date(2026, 6, 15)


@pytest.fixture
def world(municipality, district, other_district, make_member):
    ward = UnitFactory(organisation=municipality, kind=Unit.Kind.HOSPITAL_WARD, code="testvik-med")
    nurse = make_member(district, Role.PRIMARY_CONTACT, username="nurse")
    make_member(ward, Role.HOSPITAL_NURSE, username="nurse")  # also on the ward
    Membership.objects.create(user=nurse, unit=other_district, role=Role.IMPROVEMENT_MEMBER)
    gone = make_member(other_district, Role.PRIMARY_CONTACT, username="gone")
    Membership.objects.filter(user=gone).update(active=False)

    def patient(name):
        return PatientFactory(municipality=municipality, given_name=name, family_name="Test")

    expected = {"service": set(), "emergency": set()}
    for name, started, ended in [
        ("served", date(2026, 1, 1), None),
        ("served-until-today", date(2026, 1, 1), TODAY),
        ("served-from-today", TODAY, None),
    ]:
        p = patient(name)
        PatientServiceFactory(patient=p, unit=district, started_on=started, ended_on=ended)
        expected["service"].add(p.pk)
    for name, started, ended in [
        ("ended-yesterday", date(2026, 1, 1), TODAY - timedelta(days=1)),
        ("starts-tomorrow", TODAY + timedelta(days=1), None),
    ]:
        PatientServiceFactory(
            patient=patient(name), unit=district, started_on=started, ended_on=ended
        )
    # served by the other district, where the nurse is only an improvement member
    PatientServiceFactory(patient=patient("non-clinical"), unit=other_district)
    gp_patient = patient("gp")
    gp_patient.gp = nurse
    gp_patient.save()
    expected["service"].add(gp_patient.pk)
    for name, admitted, discharged, visible in [
        ("in-stay", NOW - timedelta(days=2), None, True),
        ("discharged-later", NOW - timedelta(days=2), NOW + timedelta(hours=1), True),
        ("discharged-now", NOW - timedelta(days=2), NOW, False),
        ("admitted-later", NOW + timedelta(hours=1), None, False),
    ]:
        p = patient(name)
        HospitalStay.objects.create(
            patient=p, ward=ward, admitted_at=admitted, discharged_at=discharged
        )
        if visible:
            expected["service"].add(p.pk)
    for name, granted, expires, visible in [
        ("emergency", NOW - timedelta(hours=1), NOW + timedelta(hours=1), True),
        ("emergency-expired", NOW - timedelta(hours=2), NOW, False),
    ]:
        p = patient(name)
        EmergencyAccess.objects.create(
            user=nurse, patient=p, reason="Akutt", granted_at=granted, expires_at=expires
        )
        if visible:
            expected["emergency"].add(p.pk)
    # both a service and emergency access: listed once
    both = Patient.objects.get(given_name="served")
    EmergencyAccess.objects.create(
        user=nurse, patient=both, reason="Akutt", granted_at=NOW, expires_at=NOW + timedelta(1)
    )
    patient("stranger")
    return nurse, gone, expected


@pytest.mark.parametrize("include_emergency", [True, False])
def test_union_gives_the_rows_of_the_annotated_rule(world, include_emergency):
    nurse, _gone, expected = world
    want = expected["service"] | (expected["emergency"] if include_emergency else set())
    listed = list(
        Patient.objects.visible_to(nurse, now=NOW, include_emergency=include_emergency).values_list(
            "pk", flat=True
        )
    )
    annotated = set(
        Patient.objects.accessible_to(
            nurse, now=NOW, include_emergency=include_emergency
        ).values_list("pk", flat=True)
    )
    assert sorted(listed) == sorted(want)  # no duplicates either
    assert annotated == want
    assert len(want) == (7 if include_emergency else 6)


def test_inactive_membership_and_inactive_user_see_nobody(world):
    nurse, gone, _expected = world
    assert list(Patient.objects.visible_to(gone, now=NOW)) == []
    nurse.is_active = False
    assert list(Patient.objects.visible_to(nurse, now=NOW)) == []
    assert list(Patient.objects.accessible_to(nurse, now=NOW)) == []


def test_the_list_is_one_query_that_starts_from_the_user(world):
    nurse, _gone, _expected = world
    with CaptureQueriesContext(connection) as queries:
        rows = list(Patient.objects.visible_to(nurse, now=NOW))
    assert len(rows) == 7
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"].upper()
    assert "UNION ALL" in sql
    assert "EXISTS" not in sql


# 00:30 on 16 June in Oslo (22:30 UTC on the 15th): the service's days are Oslo days in the UNION
# rule too. It took ``now.date()`` of the UTC time, so for an hour or two after every midnight a
# service starting today gave no access and one that ended yesterday still did (seen at 00:12).
AFTER_MIDNIGHT = datetime(2026, 6, 15, 22, 30, tzinfo=UTC)


def test_the_union_counts_oslo_days_just_after_midnight(municipality, district, make_member):
    nurse = make_member(district, Role.PRIMARY_CONTACT, username="nurse")
    starts = PatientFactory(municipality=municipality, given_name="starts", family_name="Test")
    ended = PatientFactory(municipality=municipality, given_name="ended", family_name="Test")
    PatientServiceFactory(patient=starts, unit=district, started_on=date(2026, 6, 16))
    PatientServiceFactory(patient=ended, unit=district, started_on=date(2026, 1, 1), ended_on=TODAY)
    for rule in (Patient.objects.visible_to, Patient.objects.accessible_to):
        seen = set(rule(nurse, now=AFTER_MIDNIGHT).values_list("pk", flat=True))
        assert seen == {starts.pk}, rule.__name__
