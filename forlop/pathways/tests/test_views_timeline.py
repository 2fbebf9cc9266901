"""The timeline page: registering, moving and correcting a pathway's times when they happen."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from forlop.core.models import AuditEvent
from forlop.core.tz import OSLO
from forlop.pathways.models import Pathway, PathwayTimeChange, StopPoint

pytestmark = pytest.mark.django_db

# Wednesday 11 March 2026, 10:00 in Oslo.
NOW = datetime(2026, 3, 11, 10, tzinfo=OSLO)
DISCHARGED = datetime(2026, 3, 10, 11, tzinfo=OSLO)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def not_home_yet(frozen, start_hph, patient, district, nurse):
    """Discharged yesterday, not home yet: HPH2 (three days from the arrival) is not planned."""
    return start_hph(patient, district, nurse, at=DISCHARGED, arrived_home_at=None)


@pytest.fixture
def in_hospital(frozen, start_hph, patient, district, nurse, allocation_officer):
    """Reported ready for discharge this morning, planned to leave tomorrow at 12:00."""
    return start_hph(
        patient,
        district,
        allocation_officer,
        at=datetime(2026, 3, 11, 8, tzinfo=OSLO),
        discharged_at=None,
        arrived_home_at=None,
        planned_discharge_at=datetime(2026, 3, 12, 12, tzinfo=OSLO),
        primary_contact=nurse,
    )


def written(pathway: Pathway) -> tuple[object, ...]:
    """What a refused post must leave alone."""
    return (
        list(Pathway.objects.filter(pk=pathway.pk).values()),
        list(StopPoint.objects.order_by("pk").values_list("pk", "due_at", "opens_at")),
        PathwayTimeChange.objects.count(),
        AuditEvent.objects.filter(verb__startswith="pathway.time").count(),
    )


def test_the_chain_offers_the_next_time_to_register(client, nurse, not_home_yet):
    client.force_login(nurse)
    page = client.get(reverse("pathways:pathway-detail", args=[not_home_yet.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="register-anchors"' in html
    assert "Registrer hjemkomsten" in html
    assert 'data-testid="time-discharged" data-set="true"' in html
    assert 'data-testid="time-arrived_home" data-set="false"' in html


def test_registering_the_arrival_plans_hph2_three_days_later(client, nurse, not_home_yet):
    # given
    assert not not_home_yet.stop_points.filter(definition__code="HPH2").exists()
    client.force_login(nurse)

    # when
    response = client.post(
        reverse("pathways:pathway-time", args=[not_home_yet.pk, "arrival"]),
        {"arrival-at": "2026-03-11T09:30"},
    )

    # then
    assert response.status_code == 302
    not_home_yet.refresh_from_db()
    assert not_home_yet.arrived_home_at == datetime(2026, 3, 11, 9, 30, tzinfo=OSLO)
    hph2 = StopPoint.objects.get(pathway=not_home_yet, definition__code="HPH2")
    assert hph2.due_at.astimezone(OSLO).date().isoformat() == "2026-03-14"
    row = AuditEvent.objects.get(verb="pathway.time_registered", target_id=not_home_yet.pk)
    assert row.data["times"] == {"arrived_home": [None, "2026-03-11T09:30:00+01:00"]}
    assert "HPH2" in row.data["stop_points"]
    page = client.get(reverse("pathways:pathway-detail", args=[not_home_yet.pk]))
    assert 'data-testid="register-anchors"' not in page.content.decode()
    assert "Lagret. Nye stoppunkter: HPH2, HPH5, Daglig tiltaksplan." in page.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-10T08:00", "Pasienten kan ikke komme hjem før utskrivningen."),
        ("2026-03-12T08:00", "Tidspunktet kan ikke ligge fram i tid (kom hjem)."),
        ("", "Feltet er påkrevet."),
        ("i går", "Skriv dato og klokkeslett som dd.mm.åååå tt:mm"),
    ],
)
def test_bad_times_are_refused_in_norwegian_and_change_nothing(
    client, nurse, not_home_yet, value, message
):
    client.force_login(nurse)
    before = written(not_home_yet)

    response = client.post(
        reverse("pathways:pathway-time", args=[not_home_yet.pk, "arrival"]), {"arrival-at": value}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert written(not_home_yet) == before


def test_the_hospital_moves_the_planned_discharge_and_the_deadlines_move(
    client, hospital_nurse, in_hospital, ward, patient
):
    # given: the patient is on the hospital nurse's ward
    from forlop.patients.models import HospitalStay

    HospitalStay.objects.create(
        patient=patient, ward=ward, admitted_at=datetime(2026, 3, 5, 9, tzinfo=OSLO)
    )
    client.force_login(hospital_nurse)
    page = client.get(reverse("pathways:pathway-times", args=[in_hospital.pk]))
    assert 'data-testid="time-action-planned"' in page.content.decode()

    # when
    response = client.post(
        reverse("pathways:pathway-time", args=[in_hospital.pk, "planned"]),
        {"planned-planned_discharge_at": "2026-03-13T10:00", "planned-reason": "Venter på CT"},
    )

    # then
    assert response.status_code == 302
    hph0 = StopPoint.objects.get(pathway=in_hospital, definition__code="HPH0")
    assert hph0.due_at == datetime(2026, 3, 13, 10, tzinfo=OSLO)
    page = client.get(reverse("pathways:pathway-times", args=[in_hospital.pk]))
    html = page.content.decode()
    assert (
        "Frister flyttet: HPH0 12.03.2026 12:00 → 13.03.2026 10:00; HPH1 12.03.2026 → 13.03.2026"
        in html
    )
    assert "«Venter på CT»" in html


def test_a_correction_needs_a_reason_and_a_role_with_the_right(
    client, nurse, gp, allocation_officer, in_hospital
):
    url = reverse("pathways:pathway-time", args=[in_hospital.pk, "correct"])
    data = {"correct-kind": "ready_for_discharge", "correct-at": "2026-03-11T07:30"}
    before = written(in_hospital)

    # a correction without a reason
    client.force_login(allocation_officer)
    response = client.post(url, {**data, "correct-reason": ""})
    assert response.status_code == 400
    assert "Skriv hvorfor tidspunktet rettes." in response.content.decode()
    assert written(in_hospital) == before

    # the home nurse may not correct the hospital's report
    client.force_login(nurse)
    response = client.post(url, {**data, "correct-reason": "Feil klokkeslett"})
    assert response.status_code == 403
    assert "Din rolle kan ikke registrere dette tidspunktet" in response.content.decode()
    assert written(in_hospital) == before

    # the allocation office may, with a reason: the change is kept and shown
    client.force_login(allocation_officer)
    response = client.post(url, {**data, "correct-reason": "Meldingen kom 07:30"})
    assert response.status_code == 302
    change = PathwayTimeChange.objects.get(pathway=in_hospital, action="corrected")
    assert change.reason == "Meldingen kom 07:30"
    assert change.old_value == datetime(2026, 3, 11, 8, tzinfo=OSLO)


def test_the_gp_sees_the_times_but_registers_none(client, gp, not_home_yet):
    client.force_login(gp)
    page = client.get(reverse("pathways:pathway-times", args=[not_home_yet.pk]))
    assert page.status_code == 200
    assert 'data-testid="no-time-actions"' in page.content.decode()
    response = client.post(
        reverse("pathways:pathway-time", args=[not_home_yet.pk, "arrival"]),
        {"arrival-at": "2026-03-11T09:30"},
    )
    assert response.status_code == 403
    not_home_yet.refresh_from_db()
    assert not_home_yet.arrived_home_at is None


def test_another_municipality_cannot_reach_the_page(client, other_nurse, not_home_yet):
    client.force_login(other_nurse)
    assert client.get(reverse("pathways:pathway-times", args=[not_home_yet.pk])).status_code == 404
    url = reverse("pathways:pathway-time", args=[not_home_yet.pk, "arrival"])
    assert client.post(url, {"arrival-at": "2026-03-11T09:30"}).status_code == 404
    not_home_yet.refresh_from_db()
    assert not_home_yet.arrived_home_at is None


def test_an_unknown_action_is_not_found(client, nurse, not_home_yet):
    client.force_login(nurse)
    url = reverse("pathways:pathway-time", args=[not_home_yet.pk, "teleport"])
    assert client.post(url, {}).status_code == 404
