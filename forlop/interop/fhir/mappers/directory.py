"""Mappers for people and places: Patient, Organization (organisations and units), Practitioner."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from forlop.core.models import Organisation, Unit, User
from forlop.interop.fhir import codes
from forlop.interop.fhir.mappers.common import (
    Json,
    _clean,
    _coding,
    _concept,
    _ext,
    _meta,
    instant,
    organisation_ref,
    practitioner_ref,
)
from forlop.patients.models import Patient

# --- Patient, Organization, Practitioner -----------------------------------------------------


def patient_identifier(patient: Patient) -> Json:
    if patient.id_kind == Patient.IdKind.HNR:
        return {
            "use": "official",
            "type": _concept(codes.SYSTEM_HNR_TYPE, codes.HNR_TYPE_CODE, "H-nummer"),
            "value": patient.identity_number,
            "assigner": organisation_ref(patient.municipality),
        }
    return {
        "use": "official",
        "system": codes.PERSON_SYSTEMS[patient.id_kind],
        "value": patient.identity_number,
    }


def _served_by(service: Any) -> Json:
    parts = [
        _ext("unit", valueReference={"reference": f"Organization/unit-{service.unit_id}"}),
        _ext("start", valueDate=service.started_on.isoformat()),
    ]
    if service.ended_on is not None:
        parts.append(_ext("end", valueDate=service.ended_on.isoformat()))
    return {"url": codes.EXT_SERVED_BY, "extension": parts}


def _contact(kin: Any) -> Json:
    return _clean(
        {
            "relationship": [{"text": kin.relation}] if kin.relation else None,
            "name": {"text": kin.name},
            "telecom": [{"system": "phone", "value": kin.phone}] if kin.phone else None,
            "extension": [_ext(codes.ext("primary-next-of-kin"), valueBoolean=kin.is_primary)],
        }
    )


def patient_to_fhir(
    patient: Patient, *, services: Iterable[Any] = (), next_of_kin: Iterable[Any] = ()
) -> Json:
    """A patient; ``services`` (serving units) and ``next_of_kin`` when the caller loaded them."""
    meta = _meta(patient, profile=codes.NO_BASIS_PATIENT)
    if patient.synthetic:
        meta["tag"] = [
            _coding(f"{codes.FORLOP}/CodeSystem/data", "synthetic", "Syntetisk testperson")
        ]
    address = _clean(
        {
            "use": "home",
            "line": [patient.address] if patient.address else None,
            "postalCode": patient.postal_code,
            "city": patient.city,
            "country": "NO",
        }
    )
    return _clean(
        {
            "resourceType": "Patient",
            "id": str(patient.pk),
            "meta": meta,
            "extension": [_served_by(s) for s in services]
            + (
                [
                    _ext(
                        codes.ext("primary-contact"),
                        valueReference={"reference": f"Practitioner/{patient.primary_contact_id}"},
                    )
                ]
                if patient.primary_contact_id
                else []
            )
            or None,
            "identifier": [patient_identifier(patient)],
            "active": True,
            "name": [
                {"use": "official", "family": patient.family_name, "given": [patient.given_name]}
            ],
            "telecom": [{"system": "phone", "value": patient.phone}] if patient.phone else None,
            "birthDate": patient.birth_date.isoformat() if patient.birth_date else None,
            "deceasedDateTime": instant(patient.deceased_at),
            "address": [address] if len(address) > 2 else None,
            "managingOrganization": organisation_ref(patient.municipality),
            "generalPractitioner": [practitioner_ref(patient.gp)] if patient.gp_id else None,
            "contact": [_contact(k) for k in next_of_kin] or None,
        }
    )


def organisation_to_fhir(org: Organisation) -> Json:
    identifiers = [
        {"use": "official", "system": codes.OID_ENH, "value": org.org_number},
        {"system": codes.SYSTEM_ORG_CODE, "value": org.code},
    ]
    if org.municipality_number:
        identifiers.append({"system": codes.OID_MUNICIPALITY, "value": org.municipality_number})
    return _clean(
        {
            "resourceType": "Organization",
            "id": f"org-{org.pk}",
            "meta": _meta(org, profile=codes.NO_BASIS_ORGANIZATION),
            "identifier": identifiers,
            "active": True,
            "type": [_concept(codes.CS_ORG_KIND, org.kind, org.get_kind_display())],
            "name": org.name,
            "partOf": organisation_ref(org.municipality) if org.municipality_id else None,
        }
    )


def unit_to_fhir(unit: Unit) -> Json:
    return _clean(
        {
            "resourceType": "Organization",
            "id": f"unit-{unit.pk}",
            "meta": _meta(unit, profile=codes.NO_BASIS_ORGANIZATION),
            "identifier": [{"system": codes.SYSTEM_UNIT, "value": unit.code}],
            "active": True,
            "type": [_concept(codes.CS_ORG_KIND, unit.kind, unit.get_kind_display())],
            "name": unit.name,
            "telecom": [{"system": "phone", "value": unit.phone}] if unit.phone else None,
            "partOf": organisation_ref(unit.organisation),
        }
    )


def practitioner_to_fhir(user: User) -> Json:
    identifiers = [{"use": "secondary", "system": codes.SYSTEM_USERNAME, "value": user.username}]
    if user.hpr_number:
        identifiers.insert(
            0, {"use": "official", "system": codes.OID_HPR, "value": user.hpr_number}
        )
    return _clean(
        {
            "resourceType": "Practitioner",
            "id": str(user.pk),
            "meta": _meta(user, profile=codes.NO_BASIS_PRACTITIONER),
            "identifier": identifiers,
            "active": user.is_active,
            "name": [
                _clean(
                    {
                        "family": user.last_name,
                        "given": [user.first_name] if user.first_name else None,
                        "text": str(user),
                    }
                )
            ],
        }
    )
