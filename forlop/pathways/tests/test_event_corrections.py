"""Events are safe to record: any event can be corrected with a reason (audited), and one
recorded in error is withdrawn with what it did undone."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError

from forlop.core.models import AuditEvent, AuditVerb, User
from forlop.pathways import services
from forlop.pathways.models import Pathway, PathwayEvent
from forlop.pathways.tests.factories import oslo
from forlop.pathways.tests.helpers import snapshot, stop
from forlop.patients.models import Patient

pytestmark = pytest.mark.django_db

LATER = oslo(2026, 3, 12, 15)


def _fall(patient: Patient, nurse: User, at) -> PathwayEvent:
    return services.event_record(
        actor=nurse, patient=patient, kind="fall", occurred_at=at, now=LATER
    )


def test_a_correction_needs_a_reason_and_changes_nothing_without(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    start()
    fall = _fall(patient, nurse, oslo(2026, 3, 11, 20))
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.event_correct(
            actor=nurse, event=fall, occurred_at=oslo(2026, 3, 11, 8), reason=" ", now=LATER
        )
    assert exc.value.code == "reason"
    assert snapshot() == before


def test_correcting_a_falls_time_moves_its_hph4_and_is_audited(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given a fall recorded at 20:00 the day before; HPH4 is due 24 hours later
    pathway = start()
    fall = _fall(patient, nurse, oslo(2026, 3, 11, 20))
    hph4 = stop(pathway, "HPH4")
    old_due = hph4.due_at

    # when the nurse corrects the time: it happened at 08:00
    services.event_correct(
        actor=nurse,
        event=fall,
        occurred_at=oslo(2026, 3, 11, 8),
        note="Falt på badet",
        reason="Feil klokkeslett",
        now=LATER,
    )

    # then the event, its stop point and the audit say so
    fall.refresh_from_db()
    hph4.refresh_from_db()
    assert (fall.occurred_at, fall.note, fall.correction_reason) == (
        oslo(2026, 3, 11, 8),
        "Falt på badet",
        "Feil klokkeslett",
    )
    assert fall.corrected_at == LATER
    assert hph4.due_at == old_due - (oslo(2026, 3, 11, 20) - oslo(2026, 3, 11, 8))
    audit = AuditEvent.objects.get(verb=AuditVerb.EVENT_CORRECTED)
    assert (audit.actor, audit.patient_id, audit.target_id) == (nurse, patient.pk, fall.pk)
    assert audit.data["changed"] == ["occurred_at", "note"]
    assert audit.data["withdrawn"] is False


def test_a_death_recorded_in_error_is_withdrawn_and_the_pathway_runs_again(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    # given a death recorded by mistake: the pathway ended, the stop points not yet due
    # interrupted (HPH0 and HPH1, overdue by then, stay missed: an event hides no missed work)
    pathway = start()
    open_before = set(pathway.stop_points.open().values_list("pk", flat=True))
    death = services.event_record(
        actor=nurse, patient=patient, kind="death", occurred_at=oslo(2026, 3, 11, 10), now=LATER
    )
    pathway.refresh_from_db()
    assert pathway.ended_at is not None
    assert sorted(pathway.stop_points.open().values_list("definition__code", flat=True)) == [
        "HPH0",
        "HPH1",
    ]
    assert pathway.stop_points.filter(interrupted_at__isnull=False).exists()

    # when it is withdrawn with a reason
    services.event_correct(
        actor=nurse, event=death, withdraw=True, reason="Feil pasient", now=LATER
    )

    # then the pathway runs again with the same open stop points, and the event shows why
    pathway.refresh_from_db()
    death.refresh_from_db()
    assert (pathway.ended_at, pathway.end_reason) == (None, "")
    assert set(pathway.stop_points.open().values_list("pk", flat=True)) == open_before
    assert (death.withdrawn_at, death.correction_reason) == (LATER, "Feil pasient")
    assert AuditEvent.objects.get(verb=AuditVerb.EVENT_CORRECTED).data["withdrawn"] is True


def test_a_fall_recorded_in_error_closes_its_hph4_as_not_relevant(
    start: Callable[..., Pathway], patient: Patient, nurse: User
) -> None:
    pathway = start()
    fall = _fall(patient, nurse, oslo(2026, 3, 11, 20))
    services.event_correct(actor=nurse, event=fall, withdraw=True, reason="Feil pasient", now=LATER)
    hph4 = stop(pathway, "HPH4")
    assert hph4.not_relevant_at == LATER
    assert "Feil pasient" in hph4.not_relevant_reason


def test_a_death_needs_a_confirmation_on_the_form(client, patient, district, nurse, start_hph):
    from django.urls import reverse

    pathway = start_hph(patient, district, nurse)
    client.force_login(nurse)
    url = reverse("pathways:event-record", args=[patient.pk])
    data = {"kind": "death", "occurred_at": "2026-03-10T10:00", "note": ""}
    before = snapshot()
    del before["audit"]  # the page's read is audited
    # when "Døde" is sent without the confirmation, nothing is recorded and the form says why
    response = client.post(url, data)
    assert response.status_code == 400
    assert "bekreft det først" in response.content.decode()
    after = snapshot()
    del after["audit"]
    assert after == before
    # when confirmed, the pathway ends
    response = client.post(url, {**data, "occurred_at": _now_input(), "confirm_end": "on"})
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.end_reason == "death"


def _now_input() -> str:
    from django.utils import timezone

    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def test_the_patient_overview_shows_recent_events_and_one_link_per_pathway(
    client, patient, district, nurse, start_hph
):
    from django.urls import reverse
    from django.utils import timezone

    first = start_hph(patient, district, nurse, days_ago=40)
    services.event_record(
        actor=nurse,
        patient=patient,
        kind="services_ended",
        occurred_at=timezone.now() - timezone.timedelta(days=35),
    )
    start_hph(patient, district, nurse, days_ago=5)
    fall = services.event_record(
        actor=nurse, patient=patient, kind="fall", occurred_at=timezone.now()
    )
    client.force_login(nurse)
    html = client.get(
        reverse("pathways:patient-pathways", args=[patient.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    links = [
        " ".join(text.split())
        for text in __import__("re").findall(r'data-testid="pathway-link">(.*?)</a>', html, 16)
    ]
    started = timezone.localtime(first.started_at).strftime("%d.%m.%Y")
    assert len(links) == 2
    assert len(set(links)) == 2  # each link says which pathway: its dates
    assert any(started in link for link in links)
    assert 'data-testid="recent-event" data-kind="fall"' in html
    assert reverse("pathways:event-correct", args=[fall.pk]) in html
