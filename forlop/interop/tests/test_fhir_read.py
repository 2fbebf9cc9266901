"""The read side of /fhir/r4/: metadata, reads, searches, paging, $everything and access."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
import time_machine
from fhir.resources.R4B import get_fhir_model_class

from forlop.core.models import AuditEvent, AuditVerb
from forlop.interop.fhir.resources import REGISTRY
from forlop.interop.fhir.validate import validate_resource
from forlop.interop.models import SystemClient
from forlop.interop.services import system_client_revoke
from forlop.interop.tests.conftest import Fhir, World
from forlop.interop.tests.scenario import NOW, running_pathway

pytestmark = pytest.mark.django_db


def test_metadata_lists_exactly_the_registry(client) -> None:
    # when
    response = client.get("/fhir/r4/metadata", secure=True)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    statement = response.json()
    get_fhir_model_class("CapabilityStatement").model_validate(statement)
    resources = statement["rest"][0]["resource"]
    assert [r["type"] for r in resources] == list(REGISTRY)
    task = next(r for r in resources if r["type"] == "Task")
    assert [i["code"] for i in task["interaction"]] == ["read", "search-type", "update"]
    assert [p["name"] for p in task["searchParam"]] == [
        "_id",
        "_lastUpdated",
        "patient",
        "status",
        "owner",
        "due",
        "code",
        "based-on",
    ]
    assert statement["fhirVersion"] == "4.0.1"
    assert [i["code"] for i in statement["rest"][0]["interaction"]] == ["transaction"]


@time_machine.travel(NOW, tick=False)
def test_everything_of_a_patient_validates_every_type(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    # given
    running_pathway(world)
    fhir = fhir_as(home_care_client)
    # when
    response = fhir.get(f"Patient/{world.patient.pk}/$everything")
    # then
    assert response.status_code == 200
    bundle = response.json()
    get_fhir_model_class("Bundle").model_validate(bundle)
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert types == set(REGISTRY)
    for entry in bundle["entry"]:
        assert validate_resource(entry["resource"]) == entry["resource"]["resourceType"]
    tasks = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Task"]
    hph0 = next(t for t in tasks if t["code"]["coding"][0]["code"] == "HPH0")
    assert hph0["status"] == "completed"
    assert hph0["businessStatus"]["coding"][0]["code"] == "done_late"  # due at the discharge, 10:00
    assert hph0["executionPeriod"]["end"].startswith("2026-11-16T10:30:00")
    assert hph0["output"][0]["valueReference"]["reference"].startswith("QuestionnaireResponse/sp-")
    hph3 = next(t for t in tasks if t["code"]["coding"][0]["code"] == "HPH3")
    assert hph3["status"] == "ready"
    # home care owns HPH3 (it books the visit); the GP completes a part of it
    assert hph3["owner"]["reference"] == f"Practitioner/{world.patient.primary_contact_id}"
    assert hph3["restriction"]["period"]["end"] == "2026-11-30"
    episode = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "EpisodeOfCare"
    )
    milestones = [
        [
            x["valueCoding"]["code"] if "valueCoding" in x else x["valueDateTime"]
            for x in ext["extension"]
        ]
        for ext in episode["extension"]
        if ext["url"].endswith("pathway-milestone")
    ]
    assert [m[0] for m in milestones] == ["started", "discharged", "arrived-home"]
    goal = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Goal")
    assert goal["expressedBy"] == {"reference": f"Patient/{world.patient.pk}"}
    observation = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Observation"
    )
    assert observation["valueInteger"] == 3
    patient = bundle["entry"][0]["resource"]
    assert patient["identifier"] == [
        {
            "use": "official",
            "system": "urn:oid:2.16.578.1.12.4.1.4.1",
            "value": world.patient.identity_number,
        }
    ]


@time_machine.travel(NOW, tick=False)
def test_access_ladder_no_token_other_organisation_right_organisation_revoked(
    client,
    world: World,
    hospital_client: SystemClient,
    gp_client: SystemClient,
    fhir_as: Callable[..., Fhir],
) -> None:
    path = f"Patient/{world.patient.pk}"
    # anonymous
    anonymous = client.get(f"/fhir/r4/{path}", secure=True)
    assert anonymous.status_code == 401
    assert anonymous.json()["issue"][0]["code"] == "login"
    # a hospital with no stay for the patient: no service need
    hospital = fhir_as(hospital_client).get(path)
    assert hospital.status_code == 404
    assert hospital.json()["resourceType"] == "OperationOutcome"
    # the GP office whose practice serves the patient
    gp = fhir_as(gp_client)
    assert gp.get(path).status_code == 200
    # revoked: the same token stops working at once
    system_client_revoke(actor=None, client=gp_client, reason="Avtalen er sagt opp")
    revoked = gp.get(path)
    assert revoked.status_code == 401
    assert revoked.json()["issue"][0]["code"] == "expired"


@time_machine.travel(NOW, tick=False)
def test_task_search_by_owner_status_and_due_with_paging(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    # given
    pathway = running_pathway(world)
    fhir = fhir_as(home_care_client)
    # when: the GP's open stop points due in November (HPH3, whose GP part is the GP's)
    response = fhir.get(
        f"Task?owner=Practitioner/{world.gp.pk}&status=ready&due=ge2026-11-01&due=le2026-11-30"
    )
    # then
    assert response.status_code == 200
    bundle = response.json()
    assert [e["resource"]["code"]["coding"][0]["code"] for e in bundle["entry"]] == ["HPH3"]
    # paging: one at a time over the pathway's stop points
    all_tasks = pathway.stop_points.count()
    first = fhir.get(f"Task?patient=Patient/{world.patient.pk}&_count=1").json()
    assert first["total"] == all_tasks
    assert len(first["entry"]) == 1
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    parts = urlsplit(next_url)
    second = fhir.get(f"Task?{parts.query}").json()
    assert second["entry"][0]["resource"]["id"] != first["entry"][0]["resource"]["id"]
    assert {link["relation"] for link in second["link"]} == {"self", "next", "previous"}
    # the unit as owner
    by_unit = fhir.get(f"Task?owner=Organization/unit-{world.district.pk}&status=completed").json()
    assert [e["resource"]["code"]["coding"][0]["code"] for e in by_unit["entry"]] == ["HPH0"]


@time_machine.travel(NOW, tick=False)
def test_identity_number_is_searched_only_in_a_post_body(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    fhir = fhir_as(home_care_client)
    number = world.patient.identity_number
    # when: in the URL
    refused = fhir.get(f"Patient?identifier=urn:oid:2.16.578.1.12.4.1.4.1|{number}")
    # then
    assert refused.status_code == 400
    assert refused.json()["issue"][0]["expression"] == ["identifier"]
    assert not any(number in str(e.data) for e in AuditEvent.objects.all())
    # when: in a POST body
    found = fhir.search_post("Patient", {"identifier": f"urn:oid:2.16.578.1.12.4.1.4.1|{number}"})
    # then
    assert found.status_code == 200
    bundle = found.json()
    assert [e["resource"]["id"] for e in bundle["entry"]] == [str(world.patient.pk)]
    assert number not in str(bundle["link"])


@time_machine.travel(NOW, tick=False)
def test_unsupported_things_get_4xx_operation_outcomes(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    fhir = fhir_as(home_care_client)
    cases = {
        "Medication": 404,
        "Patient?family=Testesen": 400,
        "Patient/abc": 404,
        "Task/999999": 404,
        "Patient?_count=x": 400,
        "Task?due=soon": 400,
        "Patient/1/_history": 404,
        "Patient?_format=xml": 406,
    }
    for path, status in cases.items():
        response = fhir.get(path)
        assert response.status_code == status, path
        assert response.json()["resourceType"] == "OperationOutcome", path
        issue = response.json()["issue"][0]
        assert issue["details"]["text"], path
        assert issue["diagnostics"], path
    deleted = fhir.http.delete(
        f"/fhir/r4/Patient/{world.patient.pk}", headers=fhir.headers, secure=True
    )
    assert deleted.status_code == 405


@time_machine.travel(NOW, tick=False)
def test_every_call_and_every_patient_read_names_the_client(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    # given
    running_pathway(world)
    fhir = fhir_as(home_care_client)
    before = AuditEvent.objects.count()
    # when
    fhir.get(f"Task?patient=Patient/{world.patient.pk}")
    # then
    rows = list(AuditEvent.objects.order_by("pk")[before:])
    assert [(r.verb, r.actor_id, r.patient_id) for r in rows] == [
        (AuditVerb.PATIENT_VIEWED, home_care_client.service_user_id, world.patient.pk),
        (AuditVerb.SYSTEM_CALL, home_care_client.service_user_id, None),
    ]
    assert rows[0].data == {
        "client": "testvik-gerica",
        "fhir": "Task",
        "interaction": "search-type",
    }
    # the read's rows join the tamper-evident chain (they once went in unchained)
    from forlop.core.audit import audit_chain_verify

    assert audit_chain_verify().first_broken_id is None
    assert rows[1].data == {
        "client": "testvik-gerica",
        "method": "GET",
        "path": "/fhir/r4/Task",
        "params": ["patient"],
        "status": 200,
    }


@time_machine.travel(NOW, tick=False)
def test_scope_limits_the_types(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    running_pathway(world)
    fhir = fhir_as(home_care_client, scope="system/Patient.read system/Task.read")
    assert fhir.get("Goal").status_code == 403
    assert fhir.get("Task").status_code == 200
    types = {
        e["resource"]["resourceType"]
        for e in fhir.get(f"Patient/{world.patient.pk}/$everything").json()["entry"]
    }
    assert types == {"Patient", "Task"}
