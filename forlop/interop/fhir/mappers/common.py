"""Shared helpers of the mappers (meta, codings, instants) and the references and canonical URLs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from forlop.core.models import Organisation, Unit, User
from forlop.goals.models import WhatMattersFormVersion
from forlop.interop.fhir import codes
from forlop.pathways import models as pm

Json = dict[str, Any]


def instant(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _meta(obj: Any, *, profile: str | None = None, version: int | None = None) -> Json:
    meta: Json = {}
    if getattr(obj, "updated_at", None) is not None:
        meta["lastUpdated"] = instant(obj.updated_at)
    if version is not None:
        meta["versionId"] = str(version)
    if profile:
        meta["profile"] = [profile]
    return meta


def _coding(system: str, code: str, display: str | None = None) -> Json:
    coding: Json = {"system": system, "code": code}
    if display:
        coding["display"] = str(display)
    return coding


def _concept(system: str, code: str, display: str | None = None) -> Json:
    return {"coding": [_coding(system, code, display)]}


def _clean(data: Json) -> Json:
    """Drop empty values (FHIR forbids empty elements)."""
    out: Json = {}
    for key, value in data.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        out[key] = value
    return out


def _ext(url: str, **value: Any) -> Json:
    return {"url": url, **value}


# --- references -----------------------------------------------------------------------------


def patient_ref(patient_id: int) -> Json:
    return {"reference": f"Patient/{patient_id}"}


def organisation_ref(org: Organisation) -> Json:
    return {"reference": f"Organization/org-{org.pk}", "display": org.name}


def unit_ref(unit: Unit) -> Json:
    return {"reference": f"Organization/unit-{unit.pk}", "display": unit.name}


def practitioner_ref(user: User) -> Json:
    return {"reference": f"Practitioner/{user.pk}", "display": str(user)}


def plan_canonical(version: pm.TemplateVersion) -> str:
    return f"{codes.CANONICAL_PLAN}/{version.template.code}|{version.number}"


def questionnaire_url(definition: pm.StopPointDefinition) -> str:
    return f"{codes.CANONICAL_QUESTIONNAIRE}/{definition.version.template.code}-{definition.code}".replace(
        " ", "-"
    )


def questionnaire_canonical(definition: pm.StopPointDefinition) -> str:
    return f"{questionnaire_url(definition)}|{definition.version.number}"


def what_matters_url(version: WhatMattersFormVersion) -> str:
    return f"{codes.CANONICAL_QUESTIONNAIRE}/what-matters-{version.form_id}"
