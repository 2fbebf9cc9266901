"""The official HL7 R4 examples of the types Forløp accepts: each is stored or refused with a
clear OperationOutcome, none gets a 500 (files in payloads/hl7-r4-examples)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine

from forlop.interop.models import SystemClient
from forlop.interop.tests.conftest import Fhir, World
from forlop.interop.tests.scenario import NOW, running_pathway
from forlop.interop.tests.test_fhir_write import snapshot

pytestmark = pytest.mark.django_db
EXAMPLES = sorted((Path(__file__).parent / "payloads" / "hl7-r4-examples").glob("*.json"))


def test_all_examples_are_there() -> None:
    names = [p.stem.split("-", 1)[0] for p in EXAMPLES]
    assert {n: names.count(n) for n in sorted(set(names))} == {
        "Bundle": 1,
        "Encounter": 10,
        "Patient": 22,
        "QuestionnaireResponse": 5,
        "Task": 12,
    }


@time_machine.travel(NOW, tick=False)
def test_every_example_is_stored_or_refused_with_an_operation_outcome(
    world: World,
    home_care_client: SystemClient,
    hospital_client: SystemClient,
    fhir_as: Callable[..., Fhir],
) -> None:
    running_pathway(world)
    clients = {"Encounter": fhir_as(hospital_client)}
    home = fhir_as(home_care_client)
    outcomes: dict[str, int] = {}
    for path in EXAMPLES:
        resource = json.loads(path.read_text(encoding="utf-8"))
        resource_type = resource["resourceType"]
        fhir = clients.get(resource_type, home)
        before = snapshot()
        if resource_type == "Bundle":
            response = fhir.post("", resource)
        elif resource_type == "Task":
            response = fhir.put(f"Task/{resource['id']}", resource)
        elif resource_type == "QuestionnaireResponse":
            response = fhir.post("QuestionnaireResponse", resource)
        else:
            bundle = {
                "resourceType": "Bundle",
                "type": "transaction",
                "entry": [
                    {"resource": resource, "request": {"method": "POST", "url": resource_type}}
                ],
            }
            response = fhir.post("", bundle)
        assert response.status_code < 500, path.name
        body = response.json()
        if response.status_code >= 400:
            assert body["resourceType"] == "OperationOutcome", path.name
            issue = body["issue"][0]
            assert issue["severity"] == "error", path.name
            assert issue["details"]["text"], path.name
            assert issue["diagnostics"], path.name
            assert snapshot() == before, path.name  # refused: nothing written
        outcomes[path.name] = response.status_code
    # None of them names a Norwegian patient Forløp knows, so all are refused, for a reason.
    assert all(400 <= status < 500 for status in outcomes.values()), outcomes
