"""Writes over HTTP: the hospital scenario end to end, idempotency, atomicity and bad input."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from string import Template
from typing import Any

import pytest
import time_machine

from forlop.core.models import AuditEvent, AuditVerb
from forlop.goals.models import Scoring
from forlop.interop.models import SystemClient
from forlop.interop.tests.conftest import Fhir, World, aware
from forlop.interop.tests.scenario import NOW, running_pathway
from forlop.pathways import models as pm
from forlop.pathways import selectors, services
from forlop.patients.models import HospitalStay, Patient, PatientService

pytestmark = pytest.mark.django_db

PAYLOADS = Path(__file__).parent / "payloads"
ADMITTED = aware(2026, 11, 20, 8, 0)
READY = aware(2026, 11, 23, 9, 0)
PLANNED = aware(2026, 11, 24, 11, 0)
DISCHARGED = aware(2026, 11, 24, 11, 0)
VISITED = aware(2026, 11, 27, 10, 0)


def payload(name: str, **values: Any) -> dict[str, Any]:
    text = Template((PAYLOADS / f"{name}.json").read_text(encoding="utf-8")).substitute(
        {k: v.isoformat() if hasattr(v, "isoformat") else str(v) for k, v in values.items()}
    )
    return json.loads(text)


def snapshot() -> dict[str, int]:
    """Counts of everything a write could change (audit rows of reads and calls excluded)."""
    return {
        "stays": HospitalStay.objects.count(),
        "pathways": pm.Pathway.objects.count(),
        "stop_points": pm.StopPoint.objects.count(),
        "completed": pm.StopPoint.objects.filter(completed_at__isnull=False).count(),
        "answers": pm.ChecklistAnswer.objects.count(),
        "events": pm.PathwayEvent.objects.count(),
        "writes": AuditEvent.objects.exclude(
            verb__in=[
                AuditVerb.SYSTEM_CALL,
                AuditVerb.PATIENT_VIEWED,
                AuditVerb.PATIENT_SEARCHED,  # a look-up reads; a refused bundle still looked
                AuditVerb.TOKEN_ISSUED,
                AuditVerb.WORKLIST_VIEWED,
            ]
        ).count(),
    }


def test_hospital_scenario_end_to_end(
    world: World,
    hospital_client: SystemClient,
    gp_client: SystemClient,
    fhir_as: Callable[..., Fhir],
) -> None:
    fnr = world.patient.identity_number
    ready_bundle = payload(
        "hospital_ready_for_discharge", fnr=fnr, ready=READY, planned=PLANNED, admitted=ADMITTED
    )

    # 1. ready for discharge: the admission is recorded and the pathway starts
    with time_machine.travel(aware(2026, 11, 23, 10, 0), tick=False):
        hospital = fhir_as(hospital_client)
        response = hospital.post("", ready_bundle)
        assert response.status_code == 200, response.content
        result = response.json()
        assert result["type"] == "transaction-response"
        assert [e["response"]["status"] for e in result["entry"]] == ["200 OK", "200 OK"]
        assert "outcome" not in result["entry"][1]["response"]  # nothing ignored, no warning
        stay = HospitalStay.objects.get(patient=world.patient)
        assert (stay.ward, stay.admitted_at, stay.discharged_at) == (world.ward, ADMITTED, None)
        pathway = pm.Pathway.objects.get(patient=world.patient)
        assert (pathway.version, pathway.unit, pathway.started_at, pathway.discharged_at) == (
            world.hph,
            world.district,
            READY,
            None,
        )
        # the pathway's own timeline holds the report and the planned discharge
        assert (pathway.ready_for_discharge_at, pathway.planned_discharge_at) == (READY, PLANNED)
        assert pathway.started_by == hospital_client.service_user
        # The same bundle again changes nothing and gets the same answer.
        before = snapshot()
        again = hospital.post("", ready_bundle)
        assert again.status_code == 200
        assert again.json() == result
        assert snapshot() == before

    # 2. discharged: the stop points waiting for the discharge are planned from it
    with time_machine.travel(aware(2026, 11, 24, 12, 0), tick=False):
        hospital = fhir_as(hospital_client)
        response = hospital.post(
            "",
            payload(
                "hospital_discharged",
                fnr=fnr,
                ready=READY,
                admitted=ADMITTED,
                discharged=DISCHARGED,
            ),
        )
        assert response.status_code == 200, response.content
        pathway.refresh_from_db()
        stay.refresh_from_db()
        assert pathway.discharged_at == DISCHARGED
        assert stay.discharged_at == DISCHARGED
        due = {
            sp.definition.code: sp.due_at.astimezone(aware(2026, 1, 1).tzinfo).date()
            for sp in pathway.stop_points.select_related("definition")
        }
        assert due == {
            "HPH0": date(2026, 11, 24),
            "HPH1": date(2026, 11, 24),
            "HPH3": date(2026, 12, 8),
        }
        allocation_list = selectors.worklist(user=world.allocator, now=aware(2026, 11, 24, 12, 0))
        # The allocation office owns HPH0 (the discharge call) and HPH1.
        assert sorted(i.code for i in allocation_list.due_today + allocation_list.overdue) == [
            "HPH0",
            "HPH1",
        ]

    # 3. home care books the GP visit and sends the summary: its part of HPH3
    hph3 = pathway.stop_points.get(definition__code="HPH3")
    booked = aware(2026, 11, 25, 9, 0)
    for key, value in (("time-bestilt", "2026-12-01"), ("info-til-lege", True)):
        hph3.refresh_from_db()
        services.checklist_answer_save(
            actor=world.nurse,
            stop_point=hph3,
            item_id=hph3.definition.items.get(key=key).pk,
            value=value,
            expected_revision=hph3.revision,
            now=booked,
        )
    hph3.refresh_from_db()
    services.stop_point_complete(
        actor=world.nurse, stop_point=hph3, expected_revision=hph3.revision, now=booked
    )

    # 4. the GP's system completes its part: the visit with the medication review
    with time_machine.travel(VISITED, tick=False):
        gp = fhir_as(gp_client)
        gp_bundle = payload(
            "gp_hph3_completed", task=hph3.pk, patient=world.patient.pk, visited=VISITED
        )
        response = gp.post("", gp_bundle)
        assert response.status_code == 200, response.content
        hph3.refresh_from_db()
        assert (hph3.completed_at, hph3.completed_by) == (VISITED, gp_client.service_user)
        answers = {
            a.item.key: a.value for a in hph3.answers.select_related("item") if a.item.part == "gp"
        }
        assert answers == {
            "legemiddelgjennomgang": True,
            "felles-plan": "Seponert Sobril. Kontroll om fire uker; hjemmetjenesten måler blodtrykk ukentlig.",
            "info-tilbake": True,
        }
        gp_list = selectors.worklist(user=world.gp, now=VISITED)
        assert "HPH3" not in [
            i.code for i in gp_list.overdue + gp_list.due_today + gp_list.due_this_week
        ]
        adherence = {
            r.key: r
            for r in selectors.adherence(
                units=[world.district],
                date_from=date(2026, 11, 1),
                date_to=date(2026, 12, 31),
                now=VISITED,
            )
        }
        assert (adherence["HPH3"].n_due, adherence["HPH3"].n_on_time) == (1, 1)
        task = gp.get(f"Task/{hph3.pk}").json()
        assert task["status"] == "completed"
        assert task["meta"]["versionId"] == str(hph3.revision)
        before = snapshot()
        assert gp.post("", gp_bundle).status_code == 200
        assert snapshot() == before

    # 5. the audit log names each client (and the nurse who booked the visit)
    writes = AuditEvent.objects.filter(patient_id=world.patient.pk).exclude(
        verb__in=[AuditVerb.PATIENT_VIEWED, AuditVerb.SYSTEM_CALL]
    )
    by_verb = {(e.verb, e.actor.username) for e in writes.select_related("actor")}
    assert by_verb == {
        # the hospital's look-up of the patient by identity number is logged too
        (AuditVerb.PATIENT_SEARCHED, "system-stf-epic"),
        (AuditVerb.STAY_ADMITTED, "system-stf-epic"),
        (AuditVerb.EVENT_RECORDED, "system-stf-epic"),
        (AuditVerb.PATHWAY_STARTED, "system-stf-epic"),
        (AuditVerb.STAY_DISCHARGED, "system-stf-epic"),
        (AuditVerb.PATHWAY_TIME_REGISTERED, "system-stf-epic"),
        (AuditVerb.CHECKLIST_ANSWERED, "system-testvik-legesenter"),
        (AuditVerb.CHECKLIST_COMPLETED, "system-testvik-legesenter"),
        (AuditVerb.CHECKLIST_ANSWERED, world.nurse.username),
        (AuditVerb.CHECKLIST_PART_SIGNED, world.nurse.username),
    }


@time_machine.travel(NOW, tick=False)
def test_home_care_may_not_complete_the_gps_stop_point(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    # given
    pathway = running_pathway(world)
    hph3 = pathway.stop_points.get(definition__code="HPH3")
    before = snapshot()
    # when
    response = fhir_as(home_care_client).post(
        "", payload("gp_hph3_completed", task=hph3.pk, patient=world.patient.pk, visited=NOW)
    )
    # then
    assert response.status_code == 403
    assert response.json()["issue"][0]["expression"] == ["Bundle.entry[0].resource"]
    assert snapshot() == before


@time_machine.travel(NOW, tick=False)
def test_home_care_completes_its_stop_point_with_a_questionnaire_response(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    # given
    pathway = running_pathway(world)
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    required = list(hph2.definition.items.filter(required=True).order_by("order"))
    scoring = Scoring.objects.get(patient=world.patient)
    items = []
    for item in required:
        value = {
            "yes_no": {"valueBoolean": True},
            "text": {"valueString": "Kartlagt"},
            "date": {"valueDate": "2026-11-18"},
            "number": {"valueDecimal": 3},
            "single_choice": {
                "valueCoding": {"code": str(item.choices[0]) if item.choices else ""}
            },
            "what_matters": {
                "valueReference": {"reference": f"QuestionnaireResponse/scoring-{scoring.pk}"}
            },
        }[item.kind]
        items.append({"linkId": item.key, "answer": [value]})
    response = fhir_as(home_care_client).post(
        "QuestionnaireResponse",
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": f"https://fhir.forlop.no/Questionnaire/hph-HPH2|{world.hph.number}",
            "subject": {"reference": f"Patient/{world.patient.pk}"},
            "item": items,
        },
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["id"] == f"sp-{hph2.pk}"
    assert response.json()["status"] == "completed"
    hph2.refresh_from_db()
    assert hph2.completed_by == home_care_client.service_user


# --- bad input: the right 4xx and nothing written --------------------------------------------


@time_machine.travel(aware(2026, 11, 23, 10, 0), tick=False)
def test_bad_input_gets_4xx_and_writes_nothing(
    world: World,
    hospital_client: SystemClient,
    gp_client: SystemClient,
    register: Callable[..., SystemClient],
    fhir_as: Callable[..., Fhir],
) -> None:
    hospital = fhir_as(hospital_client)
    good = payload(
        "hospital_ready_for_discharge",
        fnr=world.patient.identity_number,
        ready=READY,
        planned=PLANNED,
        admitted=ADMITTED,
    )
    before = snapshot()

    # malformed JSON
    response = hospital.post("", b'{"resourceType": "Bundle", "type": ')
    assert response.status_code == 400
    assert response.json()["issue"][0]["code"] == "structure"

    # a wrong identity number (check digits)
    wrong = json.loads(json.dumps(good))
    number = world.patient.identity_number
    wrong["entry"][0]["resource"]["identifier"][0]["value"] = number[:10] + str(
        (int(number[10]) + 1) % 10
    )
    response = hospital.post("", wrong)
    assert response.status_code == 422
    issue = response.json()["issue"][0]
    assert issue["expression"] == ["Bundle.entry[0].resource.identifier[0].value"]
    assert issue["diagnostics"] == "The check digits do not match: check for typing errors."
    assert (
        issue["details"]["text"] == "Kontrollsifrene stemmer ikke: sjekk om det er en skrivefeil."
    )
    assert number[:10] not in response.content.decode()

    # a bundle with one broken entry: the good entry is not kept either
    broken = json.loads(json.dumps(good))
    broken["entry"][1]["resource"]["period"]["start"] = "2026-11-20"
    response = hospital.post("", broken)
    assert response.status_code == 422
    assert response.json()["issue"][0]["expression"] == ["Bundle.entry[1].resource.period.start"]
    broken["entry"][1]["resource"]["status"] = "bogus"
    broken["entry"][1]["resource"]["period"]["start"] = ADMITTED.isoformat()
    response = hospital.post("", broken)
    assert response.status_code == 422
    assert response.json()["issue"][0]["expression"] == ["Bundle.entry[1].resource.status"]

    # a token without the scope
    reader = fhir_as(hospital_client, scope="system/*.read")
    response = reader.post("", good)
    assert response.status_code == 403
    assert response.json()["issue"][0]["expression"] == ["Bundle.entry[1].resource"]

    # a 10 MB body
    response = hospital.post(
        "",
        b'{"resourceType":"Bundle","type":"transaction","entry":['
        + b" " * (10 * 1024 * 1024)
        + b"]}",
    )
    assert response.status_code == 413

    # a Task for another organisation's patient
    other = Patient.objects.create(
        given_name="Ola",
        family_name="Annensen",
        identity_number=_other_number(),
        id_kind=Patient.IdKind.FNR,
        synthetic=True,
        municipality=world.municipality,
    )
    PatientService.objects.create(patient=other, unit=world.district, started_on=date(2025, 1, 1))
    with time_machine.travel(NOW, tick=False):
        from forlop.pathways import services

        other_pathway = services.pathway_start(
            actor=world.nurse,
            patient=other,
            version=world.hph,
            unit=world.district,
            start_reason="discharge",
            started_at=aware(2026, 11, 16, 10, 0),
            discharged_at=aware(2026, 11, 16, 10, 0),
            now=NOW,
        )
        hph3 = other_pathway.stop_points.get(definition__code="HPH3")
        mid = snapshot()
        gp = fhir_as(gp_client)
        response = gp.put(
            f"Task/{hph3.pk}",
            {"resourceType": "Task", "id": str(hph3.pk), "status": "completed", "intent": "plan"},
        )
        assert response.status_code == 404
        assert gp.get(f"Task/{hph3.pk}").status_code == 404
        assert snapshot() == mid
    assert {k: v for k, v in mid.items() if k not in ("pathways", "stop_points", "writes")} == {
        k: v for k, v in before.items() if k not in ("pathways", "stop_points", "writes")
    }


def _other_number() -> str:
    import random

    from forlop.core.identifiers import generate_synthetic

    return generate_synthetic(date(1950, 5, 5), rng=random.Random(99))
