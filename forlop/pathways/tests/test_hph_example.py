"""The issue's end-to-end example on the national HPH template, in one test."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from forlop.core.models import AuditEvent, AuditVerb, Unit, User
from forlop.pathways import mappers, rules, selectors, services
from forlop.pathways.models import ChecklistItem, Pathway, StopPoint, TemplateVersion
from forlop.pathways.tests.factories import oslo
from forlop.patients.models import Patient

S = rules.StopPointStatus


def answer_for(item: ChecklistItem) -> Any:
    kinds = ChecklistItem.Kind
    return {
        kinds.YES_NO: True,
        kinds.NUMBER: 1,
        kinds.DATE: "2026-03-10",
        kinds.SINGLE_CHOICE: item.choices[0] if item.choices else None,
        kinds.MULTIPLE_CHOICE: item.choices[:1],
    }.get(item.kind, "Skrevet svar")


def sign(stop_point: StopPoint, actor: User, at: Any) -> None:
    for item in stop_point.definition.items.filter(required=True):
        services.checklist_answer_save(
            actor=actor,
            stop_point=stop_point,
            item_id=item.pk,
            value=answer_for(item),
            expected_revision=stop_point.revision,
            now=at,
        )
    services.stop_point_complete(
        actor=actor, stop_point=stop_point, expected_revision=stop_point.revision, now=at
    )


def by_code(pathway: Pathway) -> dict[str, list[StopPoint]]:
    result: dict[str, list[StopPoint]] = {}
    for sp in pathway.stop_points.select_related("definition").order_by("occurrence"):
        result.setdefault(sp.definition.code, []).append(sp)
    return result


@pytest.mark.django_db
def test_discharge_fall_admission_and_readmission(
    hph_version: TemplateVersion, patient: Patient, district: Unit, nurse: User
) -> None:
    # given: discharge on D at 11:00 and home the same day at 14:00
    day_d = date(2026, 3, 10)
    discharged, home = oslo(2026, 3, 10, 11), oslo(2026, 3, 10, 14)

    # when
    pathway = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=hph_version,
        unit=district,
        start_reason=Pathway.StartReason.DISCHARGE,
        started_at=oslo(2026, 3, 10, 9),
        discharged_at=discharged,
        arrived_home_at=home,
        primary_contact=nurse,
        now=oslo(2026, 3, 10, 15),
    )

    # then: HPH2 D+3, HPH3 D+14, HPH5 D+28 (whole days), HPH0 at the discharge itself
    stops = by_code(pathway)
    assert set(stops) == {"HPH0", "HPH1", "HPH2", "HPH3", "HPH5", "DAILY"}
    due = {code: mappers.stop_point_deadline(sps[0]) for code, sps in stops.items()}
    assert due["HPH2"] == rules.Deadline.on_date(day_d + timedelta(days=3))
    assert due["HPH3"] == rules.Deadline.on_date(day_d + timedelta(days=14))
    assert due["HPH5"] == rules.Deadline.on_date(day_d + timedelta(days=28))
    assert due["HPH0"] == rules.Deadline.at(discharged)
    assert (
        AuditEvent.objects.filter(verb=AuditVerb.PATHWAY_STARTED, target_id=pathway.pk).count() == 1
    )

    # when: HPH2 is signed on D+2, then the patient falls on D+5
    sign(stops["HPH2"][0], nurse, oslo(2026, 3, 12, 13))
    fall = services.event_record(
        actor=nurse,
        patient=patient,
        kind="fall",
        occurred_at=oslo(2026, 3, 15, 8),
        note="Falt på badet",
        now=oslo(2026, 3, 15, 9),
    )

    # then: one HPH4, due immediately, linked to the fall
    hph4 = by_code(pathway)["HPH4"]
    assert [(sp.event_id, sp.due_at, sp.due_all_day) for sp in hph4] == [
        (fall.pk, oslo(2026, 3, 15, 8), False)
    ]
    assert mappers.stop_point_status(hph4[0], now=oslo(2026, 3, 15, 9)) is S.OVERDUE

    # when: the patient is admitted on D+7 at 10:00
    admitted = oslo(2026, 3, 17, 10)
    services.event_record(
        actor=nurse, patient=patient, kind="admission", occurred_at=admitted, now=admitted
    )

    # then: HPH6 is due 3 hours later; every open stop point is interrupted, not missed
    stops = by_code(pathway)
    assert [(sp.due_at, sp.due_all_day) for sp in stops["HPH6"]] == [(oslo(2026, 3, 17, 13), False)]
    after = oslo(2026, 3, 17, 11)
    statuses = {
        code: [mappers.stop_point_status(sp, now=after) for sp in sps]
        for code, sps in stops.items()
    }
    assert statuses == {
        "HPH0": [S.INTERRUPTED],
        "HPH1": [S.INTERRUPTED],
        "HPH2": [S.DONE],
        "HPH3": [S.INTERRUPTED],
        "HPH4": [S.INTERRUPTED],
        "HPH5": [S.INTERRUPTED],
        "DAILY": [S.INTERRUPTED],
        "HPH6": [S.DUE],
    }
    assert all(
        sp.interrupted_at == admitted
        for sps in stops.values()
        for sp in sps
        if sp.definition.code not in ("HPH2", "HPH6")
    )

    # when: the admission report is sent in time and the patient is discharged again on D+10
    sign(stops["HPH6"][0], nurse, oslo(2026, 3, 17, 12))
    back = oslo(2026, 3, 20, 12)
    services.event_record(
        actor=nurse, patient=patient, kind="return_home", occurred_at=back, now=back
    )

    # then: a new pathway on the same version follows the first one (a readmission link)
    pathway.refresh_from_db()
    following = Pathway.objects.get(previous=pathway)
    assert (pathway.ended_at, pathway.end_reason) == (back, services.END_REASON_READMITTED)
    assert following.version == hph_version
    assert (following.discharged_at, following.arrived_home_at) == (back, back)
    assert following.primary_contact == nurse
    new = by_code(following)
    assert mappers.stop_point_deadline(new["HPH2"][0]) == rules.Deadline.on_date(date(2026, 3, 23))
    assert mappers.stop_point_deadline(new["HPH3"][0]) == rules.Deadline.on_date(date(2026, 4, 3))
    assert mappers.stop_point_deadline(new["HPH5"][0]) == rules.Deadline.on_date(date(2026, 4, 17))
    assert list(
        Patient.objects.filter(pk=patient.pk)
        .values_list("pathways__pk", flat=True)
        .order_by("pathways__started_at")
    ) == [pathway.pk, following.pk]
    chain = selectors.pathway_chain(pathway=following, now=back)
    assert chain.previous == pathway
    assert selectors.pathway_chain(pathway=pathway, now=back).next == following
