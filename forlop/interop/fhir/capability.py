"""The CapabilityStatement, generated from the resource registry so that it lists exactly what
the endpoint does (and nothing it does not)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from forlop.interop.fhir import codes
from forlop.interop.fhir.resources import REGISTRY


def _version() -> str:
    try:
        return version("forlop")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


SMART_SECURITY = "http://terminology.hl7.org/CodeSystem/restful-security-service"


def capability_statement(*, base_url: str, token_url: str) -> dict[str, Any]:
    resources = []
    for resource_type in REGISTRY.values():
        interactions = [{"code": "read"}, {"code": "search-type"}]
        interactions += [{"code": w} for w in resource_type.writable if w in ("create", "update")]
        entry: dict[str, Any] = {
            "type": resource_type.name,
            "interaction": interactions,
            "versioning": "versioned" if resource_type.name == "Task" else "no-version",
            "readHistory": False,
            "updateCreate": False,
            "conditionalCreate": resource_type.name in ("QuestionnaireResponse", "Encounter"),
            "conditionalUpdate": False,
            "conditionalDelete": "not-supported",
            "searchParam": [
                {
                    k: v
                    for k, v in {
                        "name": p.name,
                        "definition": p.url or None,
                        "type": p.type,
                        "documentation": p.documentation,
                    }.items()
                    if v
                }
                for p in resource_type.params
            ],
            "documentation": resource_type.documentation,
        }
        if resource_type.profile:
            entry["supportedProfile"] = [resource_type.profile]
        if resource_type.name == "Patient":
            entry["operation"] = [
                {
                    "name": "everything",
                    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                }
            ]
        if resource_type.name == "CarePlan":
            entry["operation"] = [
                {
                    "name": "admission-report",
                    "definition": f"{codes.FORLOP}/OperationDefinition/CarePlan-admission-report",
                }
            ]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-23",
        "publisher": "Forløp",
        "kind": "instance",
        "software": {"name": "Forløp", "version": _version()},
        "implementation": {"description": "Forløp FHIR R4 endpoint", "url": base_url},
        "fhirVersion": codes.FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "System clients only (SMART backend services: OAuth 2.0 client "
                "credentials with a private_key_jwt client assertion). Searches page with _count "
                "(at most 200) and Bundle.link. Unknown search parameters are refused (400). "
                "Identity numbers and names are searched only with POST [type]/_search.",
                "security": {
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [{"url": "token", "valueUri": token_url}],
                        }
                    ],
                    "service": [{"coding": [{"system": SMART_SECURITY, "code": "SMART-on-FHIR"}]}],
                    "description": "Scopes system/<Type>.read, system/<Type>.write, system/*.read "
                    "(SMART v1) or system/<Type>.<cruds> (v2).",
                },
                "resource": resources,
                "interaction": [
                    {
                        "code": "transaction",
                        "documentation": "Hospital, GP and home-care writes; all or nothing, idempotent.",
                    }
                ],
                "operation": [
                    {
                        "name": "export",
                        "definition": "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
                    }
                ],
            }
        ],
    }
