"""The PLO adapter calls the same services as the FHIR writes, and the admission report travels."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from fhir.resources.R4B import get_fhir_model_class

from forlop.interop.models import SystemClient
from forlop.interop.plo import (
    HospitalMessage,
    helseopplysninger_til_lege_content,
    hospital_message_receive,
    innleggelsesrapport_content,
)
from forlop.interop.tests.conftest import Fhir, World, aware
from forlop.interop.tests.scenario import NOW, running_pathway
from forlop.pathways import models as pm
from forlop.pathways import services
from forlop.patients.models import HospitalStay

pytestmark = pytest.mark.django_db
ADMITTED = aware(2026, 11, 20, 8, 0)


def message(world: World, kind: str, at: object) -> HospitalMessage:
    return HospitalMessage(
        kind=kind,
        identity_number=world.patient.identity_number,
        ward_code=world.ward.code,
        admitted_at=ADMITTED,
        at=at,
    )  # type: ignore[arg-type]


def test_ready_for_discharge_then_discharge_report_start_and_anchor_the_pathway(
    world: World, hospital_client: SystemClient
) -> None:
    actor = hospital_client.service_user
    with time_machine.travel(aware(2026, 11, 23, 10, 0), tick=False):
        first = hospital_message_receive(
            actor=actor, message=message(world, "utskrivningsklar", aware(2026, 11, 23, 9, 0))
        )
        again = hospital_message_receive(
            actor=actor, message=message(world, "utskrivningsklar", aware(2026, 11, 23, 9, 0))
        )
    assert (first.changed, again.changed) == (True, False)
    pathway = pm.Pathway.objects.get(patient=world.patient)
    assert pathway.started_at == aware(2026, 11, 23, 9, 0)
    with time_machine.travel(aware(2026, 11, 24, 12, 0), tick=False):
        hospital_message_receive(
            actor=actor, message=message(world, "utskrivningsrapport", aware(2026, 11, 24, 11, 0))
        )
        repeat = hospital_message_receive(
            actor=actor, message=message(world, "utskrevet", aware(2026, 11, 24, 11, 0))
        )
    assert repeat.changed is False
    pathway.refresh_from_db()
    assert pathway.discharged_at == aware(2026, 11, 24, 11, 0)
    assert sorted(pathway.stop_points.values_list("definition__code", flat=True)) == [
        "HPH0",
        "HPH1",
        "HPH3",
    ]
    assert HospitalStay.objects.get(patient=world.patient).discharged_at == aware(
        2026, 11, 24, 11, 0
    )


def test_refusals_change_nothing(
    world: World, hospital_client: SystemClient, gp_client: SystemClient
) -> None:
    actor = hospital_client.service_user
    with time_machine.travel(aware(2026, 11, 23, 10, 0), tick=False):
        wrong = HospitalMessage(
            kind="innlagt",
            identity_number="12345678901",
            ward_code=world.ward.code,
            admitted_at=ADMITTED,
            at=ADMITTED,
        )
        with pytest.raises(ValidationError):
            hospital_message_receive(actor=actor, message=wrong)
        with pytest.raises(PermissionDenied):  # the GP office acts for no ward
            hospital_message_receive(
                actor=gp_client.service_user, message=message(world, "innlagt", ADMITTED)
            )
        with pytest.raises(ValidationError):
            hospital_message_receive(actor=actor, message=message(world, "tidligmelding", ADMITTED))
    assert HospitalStay.objects.count() == 0
    assert pm.PathwayEvent.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_outgoing_reports_carry_the_selectors_content(world: World) -> None:
    pathway = running_pathway(world)
    services.event_record(
        actor=world.nurse,
        patient=world.patient,
        kind="admission",
        occurred_at=aware(2026, 11, 25, 8, 0),
        now=NOW,
    )
    report = innleggelsesrapport_content(pathway=pathway)
    assert datetime.fromisoformat(report["admitted_at"]) == aware(2026, 11, 25, 8, 0)
    assert [m["text"] for m in report["medication"]] == ["Legemiddelliste mottatt"]
    summary = helseopplysninger_til_lege_content(pathway=pathway, now=NOW)
    assert "HPH3" not in [
        s["code"] for s in summary["open_stop_points"]
    ]  # interrupted by the admission


@time_machine.travel(NOW, tick=False)
def test_admission_report_as_a_fhir_document(
    world: World, home_care_client: SystemClient, fhir_as: Callable[..., Fhir]
) -> None:
    pathway = running_pathway(world)
    response = fhir_as(home_care_client).get(f"CarePlan/{pathway.pk}/$admission-report")
    assert response.status_code == 200
    bundle = response.json()
    get_fhir_model_class("Bundle").model_validate(bundle)
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert [s["title"] for s in composition["section"]] == [
        "Legemidler",
        "Funksjon og IPLOS",
        "Hva er viktig for deg?",
        "Pårørende",
    ]
    assert "Legemiddelliste mottatt: Ja" in composition["section"][0]["text"]["div"]
    assert "Gå til postkassen selv" in composition["section"][2]["text"]["div"]
    assert {e["resource"]["resourceType"] for e in bundle["entry"]} == {
        "Composition",
        "Patient",
        "Organization",
        "Goal",
    }
