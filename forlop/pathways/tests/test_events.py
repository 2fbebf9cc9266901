"""Events: falls, admissions, the return home and the end of a pathway."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from forlop.authoring.defaults import install_national_defaults
from forlop.core.models import AuditEvent, AuditVerb, Unit, User
from forlop.core.tests.factories import UnitFactory
from forlop.pathways import services
from forlop.pathways.models import (
    Pathway,
    PathwayEvent,
    StopPoint,
)
from forlop.pathways.tests.factories import (
    oslo,
)
from forlop.pathways.tests.helpers import NOW, snapshot, stop
from forlop.patients.models import HospitalStay, Patient

# --- events -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_event_in_the_future_is_refused(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given
    start()
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        services.event_record(
            actor=nurse, patient=patient, kind="fall", occurred_at=oslo(2026, 3, 10, 15, 6), now=NOW
        )

    # then
    assert exc.value.code == "future"
    assert snapshot() == before


@pytest.mark.django_db
def test_return_home_without_admission_is_refused(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given
    start()
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        services.event_record(
            actor=nurse, patient=patient, kind="return_home", occurred_at=NOW, now=NOW
        )

    # then
    assert exc.value.code == "not_admitted"
    assert snapshot() == before


@pytest.mark.django_db
def test_admission_to_a_ward_and_back_home(
    start: Callable[..., Pathway], patient: Patient, nurse: User, municipality: Any
) -> None:
    # given
    first = start()
    ward = UnitFactory(kind=Unit.Kind.HOSPITAL_WARD, code="ward")
    admitted, back = oslo(2026, 3, 12, 8), oslo(2026, 3, 14, 10)

    # when: admitted, the report is not sent in time, then home again
    services.event_record(
        actor=nurse,
        patient=patient,
        kind="admission",
        occurred_at=admitted,
        ward=ward,
        now=admitted,
    )
    with pytest.raises(ValidationError) as exc:  # already admitted: nothing half-saved
        services.event_record(
            actor=nurse,
            patient=patient,
            kind="admission",
            occurred_at=admitted,
            ward=ward,
            now=admitted,
        )
    services.event_record(
        actor=nurse, patient=patient, kind="return_home", occurred_at=back, now=back
    )

    # then
    assert exc.value.code == "already_admitted"
    assert PathwayEvent.objects.filter(kind="admission").count() == 1
    stay = HospitalStay.objects.get(patient=patient)
    assert (stay.ward, stay.admitted_at, stay.discharged_at) == (ward, admitted, back)
    hph6 = stop(first, "HPH6")
    assert hph6.interrupted_at is None  # missed, and stays counted as missed
    second = Pathway.objects.get(previous=first)
    assert second.ended_at is None


@pytest.mark.django_db
def test_death_ends_the_pathway(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given
    pathway = start()
    died = oslo(2026, 3, 11, 3)

    # when
    services.event_record(
        actor=nurse, patient=patient, kind="death", occurred_at=died, now=NOW.replace(day=11)
    )

    # then
    # then: what was not yet due is interrupted; HPH0 and HPH1 (due on the discharge day) were
    # overdue already and stay missed
    pathway.refresh_from_db()
    assert (pathway.ended_at, pathway.end_reason) == (died, "death")
    assert sorted(
        pathway.stop_points.filter(
            completed_at__isnull=True, interrupted_at__isnull=True, not_relevant_at__isnull=True
        ).values_list("definition__code", flat=True)
    ) == ["HPH0", "HPH1"]
    assert sorted(
        pathway.stop_points.filter(interrupted_at=died).values_list("definition__code", flat=True)
    ) == ["DAILY", "HPH2", "HPH3", "HPH5"]
    assert (
        AuditEvent.objects.filter(verb=AuditVerb.EVENT_RECORDED, patient_id=patient.pk).count() == 1
    )


@pytest.mark.django_db
def test_repeated_falls_open_several_hph4(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given
    pathway = start()

    # when
    for hour in (10, 12):
        services.event_record(
            actor=nurse,
            patient=patient,
            kind="decline",
            occurred_at=oslo(2026, 3, 10, hour),
            now=NOW,
        )

    # then: each due within the same shift (8 hours, a local default)
    assert list(
        pathway.stop_points.filter(definition__code="HPH4")
        .order_by("occurrence")
        .values_list("occurrence", "due_at")
    ) == [(1, oslo(2026, 3, 10, 18)), (2, oslo(2026, 3, 10, 20))]


@pytest.mark.django_db
def test_admission_interrupts_every_running_pathway_and_opens_hph6_once(
    start: Callable[..., Pathway], patient: Patient, district: Unit, nurse: User
) -> None:
    # given: an HPH pathway and, started later, a decline-at-home pathway (also with HPH6)
    hph = start()
    decline_version = install_national_defaults()["decline-at-home"].versions.get(number=1)
    decline = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=decline_version,
        unit=district,
        start_reason=Pathway.StartReason.DECLINE,
        started_at=oslo(2026, 3, 10, 12),
        now=NOW,
    )
    admitted = oslo(2026, 3, 11, 9)

    # when
    event = services.event_record(
        actor=nurse, patient=patient, kind="admission", occurred_at=admitted, now=admitted
    )

    # then: one HPH6, in the newest pathway; everything not yet due is interrupted; HPH0 and
    # HPH1, overdue since the discharge day, stay open and count as missed
    open_points = StopPoint.objects.filter(
        pathway__patient=patient,
        completed_at__isnull=True,
        not_relevant_at__isnull=True,
        interrupted_at__isnull=True,
    ).order_by("pathway", "definition__code")
    assert list(open_points.values_list("pathway", "definition__code")) == [
        (hph.pk, "HPH0"),
        (hph.pk, "HPH1"),
        (decline.pk, "HPH6"),
    ]
    assert event.pathway == decline
    assert sorted(
        hph.stop_points.filter(interrupted_at=admitted).values_list("definition__code", flat=True)
    ) == ["DAILY", "HPH2", "HPH3", "HPH5"]
    row = AuditEvent.objects.get(verb=AuditVerb.EVENT_RECORDED)
    assert row.data["opened"] == ["HPH6"]
    assert sorted(row.data["pathways"]) == sorted([hph.pk, decline.pk])
