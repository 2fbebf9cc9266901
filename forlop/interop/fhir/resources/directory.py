"""Registry entries for people, organisations and definitions: Patient to Questionnaire."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from forlop.core.models import Organisation, Unit, User
from forlop.goals.models import WhatMattersFormVersion
from forlop.interop.fhir import codes, mappers
from forlop.interop.fhir.resources.params import (
    Caller,
    ResourceType,
    SearchParam,
    Source,
    _canonical_filter,
    _choice_filter,
    reference_id,
    token_parts,
)
from forlop.pathways import models as pm
from forlop.patients.models import Patient

P_ID = SearchParam("_id", "token", "Logical id.")
P_UPDATED = SearchParam(
    "_lastUpdated", "date", "When the resource last changed (prefixes ge, gt, le, lt, eq)."
)
P_PATIENT = SearchParam("patient", "reference", "The patient (Patient/<id>).")


# Patient ------------------------------------------------------------------------------------


def _patient_identifier(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, value = token_parts(raw)
    if system is not None and system not in codes.PERSON_SYSTEMS.values() and system != "HNR":
        return qs.none()
    return qs.filter(identity_number=value)


def _patient_name(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    for word in raw.split():
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return qs


def _patients(caller: Caller) -> QuerySet[Patient]:
    return (
        caller.visible_patients()
        .select_related("municipality", "gp")
        .prefetch_related("services", "next_of_kin")
    )


PATIENT = ResourceType(
    name="Patient",
    profile=codes.NO_BASIS_PATIENT,
    documentation="The patients the client has a service need for (no-basis identifiers).",
    sources=(
        Source(
            prefix="",
            base=_patients,
            to_fhir=lambda rows, c: [
                mappers.patient_to_fhir(
                    p, services=p.services.all(), next_of_kin=p.next_of_kin.all()
                )
                for p in rows
            ],
            filters={
                "identifier": _patient_identifier,
                "name": _patient_name,
                "organization": lambda qs, raw, c: qs.filter(
                    municipality_id=reference_id("organization", raw, "Organization", "org-")
                ),
            },
            patient_field="pk",
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam(
            "identifier",
            "token",
            "fødselsnummer, D-, H- or FH-number (system|value). Only in a POST _search body: "
            "an identity number is never put in a URL.",
            post_only=True,
        ),
        SearchParam(
            "name", "string", "Given or family name. Only in a POST _search body.", post_only=True
        ),
        SearchParam("organization", "reference", "The municipality (Organization/org-<id>)."),
    ),
)


# Organization -------------------------------------------------------------------------------


def _org_identifier(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, value = token_parts(raw)
    if system in (None, codes.OID_ENH):
        match = Q(org_number=value)
        if system is None:
            match |= Q(code=value)
        return qs.filter(match)
    if system == codes.SYSTEM_ORG_CODE:
        return qs.filter(code=value)
    return qs.none()


def _unit_identifier(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, value = token_parts(raw)
    if system in (None, codes.SYSTEM_UNIT):
        return qs.filter(code=value)
    return qs.none()


ORGANIZATION = ResourceType(
    name="Organization",
    profile=codes.NO_BASIS_ORGANIZATION,
    documentation="Organisations (id org-<n>, organisation number) and their units (id unit-<n>, partOf). "
    "Forløp holds no HER-id yet.",
    sources=(
        Source(
            prefix="org-",
            base=lambda c: Organisation.objects.select_related("municipality").order_by("pk"),
            to_fhir=lambda rows, c: [mappers.organisation_to_fhir(o) for o in rows],
            filters={
                "identifier": _org_identifier,
                "name": lambda qs, raw, c: qs.filter(name__icontains=raw),
            },
        ),
        Source(
            prefix="unit-",
            base=lambda c: Unit.objects.select_related("organisation").order_by("pk"),
            to_fhir=lambda rows, c: [mappers.unit_to_fhir(u) for u in rows],
            filters={
                "identifier": _unit_identifier,
                "name": lambda qs, raw, c: qs.filter(name__icontains=raw),
            },
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam(
            "identifier",
            "token",
            "Organisation number (urn:oid:2.16.578.1.12.4.1.4.101|<9 digits>) or unit code.",
        ),
        SearchParam("name", "string", "Part of the name."),
    ),
)


# Practitioner -------------------------------------------------------------------------------


def _practitioners(caller: Caller) -> QuerySet[User]:
    staff = User.objects.filter(memberships__active=True, system_client__isnull=True)
    return User.objects.filter(pk__in=staff.values("pk")).order_by("pk")


def _hpr_filter(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, value = token_parts(raw)
    if system not in (None, codes.OID_HPR) or not value:
        return qs.none()
    return qs.filter(hpr_number=value)


PRACTITIONER = ResourceType(
    name="Practitioner",
    profile=codes.NO_BASIS_PRACTITIONER,
    documentation="Staff with an active membership, with the HPR number when known.",
    sources=(
        Source(
            prefix="",
            base=_practitioners,
            to_fhir=lambda rows, c: [mappers.practitioner_to_fhir(u) for u in rows],
            filters={"identifier": _hpr_filter},
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam("identifier", "token", "HPR number (urn:oid:2.16.578.1.12.4.1.4.4|<n>)."),
    ),
)


# PlanDefinition and Questionnaire ----------------------------------------------------------

_TEMPLATE_STATUS = {
    "active": Q(status=pm.TemplateVersion.Status.PUBLISHED),
    "draft": Q(status=pm.TemplateVersion.Status.DRAFT),
}


def _versions(caller: Caller) -> QuerySet[pm.TemplateVersion]:
    return (
        pm.TemplateVersion.objects.select_related("template__organisation")
        .prefetch_related("definitions__items", "definitions__version__template")
        .order_by("pk")
    )


PLAN_DEFINITION = ResourceType(
    name="PlanDefinition",
    documentation="Pathway templates, one resource per version; stop points are actions with "
    "their timing (timingDuration from the anchor, or a relatedAction offset).",
    sources=(
        Source(
            prefix="",
            base=_versions,
            to_fhir=lambda rows, c: [mappers.plan_definition_to_fhir(v) for v in rows],
            filters={
                "status": _choice_filter(_TEMPLATE_STATUS, "status"),
                "url": _canonical_filter(lambda v: f"{codes.CANONICAL_PLAN}/{v.template.code}"),
            },
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam("status", "token", "active (published) or draft."),
        SearchParam("url", "uri", "Canonical URL, optionally |version."),
    ),
)

_DEFINITION_STATUS = {
    "active": Q(version__status=pm.TemplateVersion.Status.PUBLISHED),
    "draft": Q(version__status=pm.TemplateVersion.Status.DRAFT),
}

QUESTIONNAIRE = ResourceType(
    name="Questionnaire",
    documentation="Stop-point checklists (id sp-<n>) and 'what matters' forms (id wm-<n>).",
    sources=(
        Source(
            prefix="sp-",
            base=lambda c: (
                pm.StopPointDefinition.objects.select_related("version__template")
                .prefetch_related("items")
                .order_by("pk")
            ),
            to_fhir=lambda rows, c: [mappers.questionnaire_to_fhir(d) for d in rows],
            filters={
                "status": _choice_filter(_DEFINITION_STATUS, "status"),
                "url": _canonical_filter(mappers.questionnaire_url),
            },
        ),
        Source(
            prefix="wm-",
            base=lambda c: (
                WhatMattersFormVersion.objects.select_related("form")
                .prefetch_related("questions")
                .order_by("pk")
            ),
            to_fhir=lambda rows, c: [mappers.what_matters_questionnaire_to_fhir(v) for v in rows],
            filters={
                "status": _choice_filter(
                    {"active": Q(published=True), "draft": Q(published=False)}, "status"
                ),
                "url": _canonical_filter(mappers.what_matters_url),
            },
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam("status", "token", "active or draft."),
        SearchParam("url", "uri", "Canonical URL, optionally |version."),
    ),
)
