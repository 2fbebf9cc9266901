"""Patient/{id}/$everything: the patient, every resource about them, and what those refer to
(organisations, practitioners, the templates and checklists their pathways use)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404

from forlop.goals.models import Goal, Scoring
from forlop.interop.fhir import codes
from forlop.interop.fhir.resources import REGISTRY, Caller, iterate_all, not_found
from forlop.pathways import models as pm
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_get_for_user

Json = dict[str, Any]

PATIENT_TYPES = (
    "CarePlan",
    "EpisodeOfCare",
    "Encounter",
    "Task",
    "Goal",
    "QuestionnaireResponse",
    "Observation",
)


def _references(resources: Iterable[Json], resource_type: str) -> set[str]:
    """The ids of ``resource_type`` referenced anywhere in the resources."""
    found: set[str] = set()
    prefix = f"{resource_type}/"

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            ref = value.get("reference")
            if isinstance(ref, str) and ref.startswith(prefix):
                found.add(ref[len(prefix) :])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(list(resources))
    return found


def patient_resources(caller: Caller, patient: Patient, types: Iterable[str]) -> list[Json]:
    """Everything about one patient the caller may read, in the registry's order."""
    wanted = set(types)
    out: list[Json] = []
    if "Patient" in wanted:
        out.append(next(iter(iterate_all(caller, REGISTRY["Patient"], [("_id", str(patient.pk))]))))
    for name in PATIENT_TYPES:
        if name in wanted:
            out += list(iterate_all(caller, REGISTRY[name], [("patient", str(patient.pk))]))
    referenced: list[Json] = []
    if "Organization" in wanted:
        ids = sorted(_references(out, "Organization"))
        if ids:
            referenced += list(
                iterate_all(caller, REGISTRY["Organization"], [("_id", ",".join(ids))])
            )
        parents = _references(referenced, "Organization") - set(ids)
        if parents:
            referenced += list(
                iterate_all(caller, REGISTRY["Organization"], [("_id", ",".join(sorted(parents)))])
            )
    if "Practitioner" in wanted:
        ids = sorted(_references(out, "Practitioner"))
        if ids:
            referenced += list(
                iterate_all(caller, REGISTRY["Practitioner"], [("_id", ",".join(ids))])
            )
    versions = set(pm.Pathway.objects.filter(patient=patient).values_list("version_id", flat=True))
    if "PlanDefinition" in wanted and versions:
        referenced += list(
            iterate_all(
                caller,
                REGISTRY["PlanDefinition"],
                [("_id", ",".join(str(v) for v in sorted(versions)))],
            )
        )
    if "Questionnaire" in wanted:
        ids = [
            f"sp-{pk}"
            for pk in pm.StopPointDefinition.objects.filter(version_id__in=versions)
            .order_by("pk")
            .values_list("pk", flat=True)
        ]
        forms = set(
            Goal.objects.filter(patient=patient).values_list("version_id", flat=True)
        ) | set(Scoring.objects.filter(patient=patient).values_list("version_id", flat=True))
        ids += [f"wm-{pk}" for pk in sorted(forms)]
        if ids:
            referenced += list(
                iterate_all(caller, REGISTRY["Questionnaire"], [("_id", ",".join(ids))])
            )
    return out[:1] + referenced + out[1:]


def patient_everything(*, caller: Caller, patient_id: str, types: list[str], base: str) -> Json:
    if not patient_id.isdigit():
        raise not_found()
    try:
        patient = patient_get_for_user(
            user=caller.user,  # type: ignore[arg-type]
            patient_id=int(patient_id),
            now=caller.now,
            data={"client": caller.client_id, "fhir": "Patient", "interaction": "$everything"},
        )
    except Http404:
        raise not_found() from None
    resources = patient_resources(caller, patient, types)
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "link": [{"relation": "self", "url": f"{base}/Patient/{patient.pk}/$everything"}],
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in resources
        ],
        "meta": {"tag": [{"system": codes.FORLOP, "code": "everything"}]},
    }
