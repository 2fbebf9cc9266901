"""The admission report (HPH6, innleggelsesrapport) as a FHIR document Bundle.

The same selector as the printed page (``pathways`` admission report): medication entries of
the care plan, the latest function and IPLOS answers, next of kin and the latest admission,
plus the patient's goals. A Composition with one section per part, each with a narrative.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from html import escape
from typing import Any

from forlop.goals.models import Goal
from forlop.interop.fhir import codes, mappers
from forlop.pathways import models as pm
from forlop.pathways import selectors

Json = dict[str, Any]
LOINC = "http://loinc.org"


def _narrative(lines: list[str]) -> Json:
    items = "".join(f"<li>{escape(line)}</li>" for line in lines) or "<li>Ingen opplysninger</li>"
    return {
        "status": "generated",
        "div": f'<div xmlns="http://www.w3.org/1999/xhtml"><ul>{items}</ul></div>',
    }


def _value_text(value: Any) -> str:
    if value is True:
        return "Ja"
    if value is False:
        return "Nei"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return "Skåret i «Hva er viktig for deg?»"
    return "" if value is None else str(value)


def admission_report_bundle(*, pathway: pm.Pathway, base: str, now: datetime) -> Json:
    """A document Bundle; the caller has checked access (``pathway_get_for_user``)."""
    report = selectors.admission_report(pathway=pathway)
    patient = pathway.patient
    goals = list(
        Goal.objects.filter(patient=patient, status=Goal.Status.ACTIVE)
        .select_related("version")
        .order_by("pk")
    )
    composition_id = str(
        uuid.uuid5(
            uuid.NAMESPACE_URL, f"{codes.FORLOP}/admission-report/{pathway.pk}/{now.isoformat()}"
        )
    )
    kin = [
        {
            "resourceType": "RelatedPerson",
            "id": f"kin-{k.pk}",
            "patient": mappers.patient_ref(patient.pk),
            "relationship": [{"text": k.relation}] if k.relation else None,
            "name": [{"text": k.name}],
            "telecom": [{"system": "phone", "value": k.phone}] if k.phone else None,
        }
        for k in report.next_of_kin
    ]
    kin = [{key: value for key, value in r.items() if value is not None} for r in kin]
    sections = [
        {
            "title": "Legemidler",
            "code": {
                "coding": [
                    {
                        "system": LOINC,
                        "code": "10160-0",
                        "display": "History of Medication use Narrative",
                    }
                ]
            },
            "text": _narrative([f"{e.text}: {_value_text(e.value)}" for e in report.medication]),
        },
        {
            "title": "Funksjon og IPLOS",
            "code": {
                "coding": [
                    {
                        "system": LOINC,
                        "code": "47420-5",
                        "display": "Functional status assessment note",
                    }
                ]
            },
            "text": _narrative(
                [
                    f"{a.text}: {_value_text(a.value) or a.not_relevant_reason} ({a.stop_point_code})"
                    for a in report.function
                ]
            ),
        },
        {
            "title": "Hva er viktig for deg?",
            "code": {
                "coding": [{"system": LOINC, "code": "61146-7", "display": "Goals narrative"}]
            },
            "text": _narrative([g.text for g in goals]),
            "entry": [{"reference": f"Goal/{g.pk}"} for g in goals] or None,
        },
        {
            "title": "Pårørende",
            "text": _narrative(
                [f"{k.name} ({k.relation}) {k.phone}".strip() for k in report.next_of_kin]
            ),
            "entry": [{"reference": f"RelatedPerson/{r['id']}"} for r in kin] or None,
        },
    ]
    composition = {
        "resourceType": "Composition",
        "id": composition_id,
        "status": "final",
        "type": {
            "coding": [
                {"system": codes.CS_STOP_POINT, "code": "HPH6", "display": "Innleggelsesrapport"}
            ],
            "text": "Innleggelsesrapport",
        },
        "subject": mappers.patient_ref(patient.pk),
        "date": now.isoformat(),
        "author": [mappers.unit_ref(pathway.unit)],
        "title": "Innleggelsesrapport",
        "event": [{"period": {"start": report.admission.occurred_at.isoformat()}}]
        if report.admission
        else None,
        "section": [{k: v for k, v in s.items() if v is not None} for s in sections],
    }
    composition = {k: v for k, v in composition.items() if v is not None}
    resources = [
        composition,
        mappers.patient_to_fhir(patient),
        mappers.unit_to_fhir(pathway.unit),
        *kin,
        *[mappers.goal_to_fhir(g) for g in goals],
    ]
    return {
        "resourceType": "Bundle",
        "identifier": {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{composition_id}"},
        "type": "document",
        "timestamp": now.isoformat(),
        "entry": [
            {"fullUrl": f"{base}/{r['resourceType']}/{r['id']}", "resource": r} for r in resources
        ],
    }
