"""Templates travel: a template version as PlanDefinition + Questionnaires, and back, gives the
same stop points (owners, deadlines, windows, triggers) and checklist items."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from fhir.resources.R4B import get_fhir_model_class

from forlop.authoring.defaults import install_national_defaults
from forlop.authoring.fields import DEFINITION_FIELDS, ITEM_FIELDS
from forlop.interop.fhir.templates import template_bundle, template_version_from_fhir
from forlop.interop.fhir.validate import validate_resource
from forlop.pathways import models as pm

pytestmark = pytest.mark.django_db

# Every field a version carries (the lists copying, drafts and comparison use): the round
# trip must keep them all, also one added later.


def _content(version: pm.TemplateVersion) -> list[Any]:
    return [
        (
            [getattr(d, f) for f in DEFINITION_FIELDS],
            [[getattr(i, f) for f in ITEM_FIELDS] for i in d.items.order_by("order", "pk")],
        )
        for d in version.definitions.order_by("order", "pk")
    ]


@pytest.mark.parametrize("code", ["hph", "general", "annual-review", "decline-at-home"])
def test_round_trip_gives_the_same_template(code: str) -> None:
    # given
    source = install_national_defaults()[code].versions.get(number=1)
    # when
    bundle = template_bundle(version=source, base="https://forlop.example/fhir/r4")
    get_fhir_model_class("Bundle").model_validate(bundle)
    for entry in bundle["entry"]:
        validate_resource(entry["resource"])
    plan = bundle["entry"][0]["resource"]
    questionnaires = {
        f"{e['resource']['url']}|{e['resource']['version']}": e["resource"]
        for e in bundle["entry"][1:]
    }
    copy = template_version_from_fhir(
        plan=plan, questionnaires=questionnaires, template_code=f"{code}-fra-nabokommunen"
    )
    # then
    assert copy.template.code == f"{code}-fra-nabokommunen"
    assert (copy.number, copy.status) == (source.number, pm.TemplateVersion.Status.PUBLISHED)
    assert _content(copy) == _content(source)
    assert copy.definitions.count() == source.definitions.count() > 0


def test_stop_point_timing_is_in_the_plan_definition() -> None:
    source = install_national_defaults()["hph"].versions.get(number=1)
    plan = template_bundle(version=source, base="https://x")["entry"][0]["resource"]
    actions = {a["id"]: a for a in plan["action"]}
    assert actions["HPH3"]["timingDuration"] == {
        "value": 14,
        "unit": "calendar days",
        "system": "http://unitsofmeasure.org",
        "code": "d",
    }
    # home care owns HPH3 (books the visit); the GP completes a part of it
    assert [p["role"]["coding"][0]["code"] for p in actions["HPH3"]["participant"]] == [
        "primary_contact",
        "gp",
    ]
    assert actions["HPH0"]["timingDuration"]["code"] == "h"


def test_a_municipality_imports_a_template_through_the_authoring_services(world: object) -> None:
    from forlop.core.models import Role
    from forlop.core.tests.factories import MembershipFactory, UserFactory
    from forlop.interop.fhir.templates import template_import

    source = install_national_defaults()["hph"].versions.get(number=1)
    bundle = template_bundle(version=source, base="https://nabokommunen.example/fhir/r4")
    plan = bundle["entry"][0]["resource"]
    questionnaires = {
        f"{e['resource']['url']}|{e['resource']['version']}": e["resource"]
        for e in bundle["entry"][1:]
    }
    leader = UserFactory(username="lederen")
    MembershipFactory(user=leader, unit=world.district, role=Role.UNIT_LEADER)  # type: ignore[attr-defined]
    # a nurse may not
    with pytest.raises(PermissionDenied):
        template_import(
            actor=world.nurse,
            organisation=world.municipality,
            plan=plan,
            questionnaires=questionnaires,
            code="testvik-hph",
        )  # type: ignore[attr-defined]
    # when
    template = template_import(
        actor=leader,
        organisation=world.municipality,
        plan=plan,
        questionnaires=questionnaires,
        code="testvik-hph",
        name="HPH i Testvik",
    )  # type: ignore[attr-defined]
    # then
    version = template.versions.get()
    assert (template.organisation, template.name, version.status, version.published_by) == (
        world.municipality,
        "HPH i Testvik",
        pm.TemplateVersion.Status.PUBLISHED,
        leader,
    )  # type: ignore[attr-defined]
    assert _content(version) == _content(source)
