"""Acceptance: every resource type in $everything of a demo patient validates (the demo data
through ``forlop demo``, a home-care client acting in the patient's serving unit)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fhir.resources.R4B import get_fhir_model_class

from forlop.core.models import Role
from forlop.demo.testing import demo_load
from forlop.interop.fhir.validate import validate_resource
from forlop.interop.models import SystemClient
from forlop.interop.tests.conftest import Fhir
from forlop.pathways.models import Pathway

pytestmark = pytest.mark.django_db


def test_everything_of_the_richest_demo_patient_validates(
    register: Callable[..., SystemClient], fhir_as: Callable[..., Fhir]
) -> None:
    # given: the demo, and the patient with the most history
    demo_load()
    pathway = (
        Pathway.objects.filter(patient__goals__isnull=False, patient__stays__isnull=False)
        .order_by("-started_at")
        .select_related("unit__organisation", "patient")
        .first()
    ) or Pathway.objects.select_related("unit__organisation", "patient").order_by(
        "-started_at"
    ).first()
    assert pathway is not None
    client = register("demo-epj", pathway.unit.organisation, [(pathway.unit, Role.PRIMARY_CONTACT)])
    # when
    response = fhir_as(client).get(f"Patient/{pathway.patient_id}/$everything")
    # then
    assert response.status_code == 200
    bundle = response.json()
    get_fhir_model_class("Bundle").model_validate(bundle)
    types = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {
        "Patient",
        "Organization",
        "PlanDefinition",
        "Questionnaire",
        "CarePlan",
        "EpisodeOfCare",
        "Task",
    } <= types
    for entry in bundle["entry"]:
        assert validate_resource(entry["resource"]) == entry["resource"]["resourceType"]
