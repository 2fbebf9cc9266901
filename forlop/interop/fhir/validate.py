"""Validation of every resource in and out: structure, no-basis identifiers, our own codes.

Structure is checked with fhir.resources' **R4B** models (fhir.resources 8 defaults to R5,
whose models refuse R4 shapes such as ``CarePlan.activity.detail``; the R4B models accept R4
JSON for every resource type Forløp reads or writes, which ``tests/test_validate.py`` checks
type by type). fhir.resources checks no coded values (``Task.status = "bogus"`` passes), so
the codes we rely on are checked here, as are the no-basis identifier rules and the identity
numbers (with ``forlop.core.identifiers``, the project's parser).
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext_lazy as _
from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError as PydanticError

from forlop.core.identifiers import (
    IdentityKind,
    IdentityNumberError,
    OrgNumberError,
    parse_identity_number,
    validate_org_number,
)
from forlop.interop.fhir import codes
from forlop.interop.fhir.outcome import FhirError, Issue

MAX_ISSUES = 20


def parse_json(body: bytes) -> dict[str, Any]:
    """The request body as a JSON object, or 400 with an OperationOutcome."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise FhirError.one(400, "structure", _("The request body is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise FhirError.one(400, "structure", _("The request body must be a FHIR resource."))
    return data


def _expression(resource_type: str, loc: tuple[Any, ...]) -> str:
    path = resource_type
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part != "__root__":
            path += f".{part}"
    return path


def validate_structure(data: dict[str, Any], *, expected_type: str | None = None) -> str:
    """Check ``data`` against the R4B model of its resourceType; return the type."""
    resource_type = data.get("resourceType")
    if not isinstance(resource_type, str) or not resource_type:
        raise FhirError.one(400, "required", _("The resource has no resourceType."), "resourceType")
    if expected_type is not None and resource_type != expected_type:
        raise FhirError.one(
            400,
            "invalid",
            _("Expected a %(expected)s resource."),
            "resourceType",
            expected=expected_type,
        )
    try:
        model = get_fhir_model_class(resource_type)
    except (ValueError, KeyError):
        raise FhirError.one(
            400, "not-supported", _("Unknown resource type."), "resourceType"
        ) from None
    try:
        model.model_validate(data)
    except PydanticError as exc:
        issues = [
            Issue(
                code="structure",
                message=_("The element does not follow the FHIR R4 definition: %(problem)s"),
                expression=(_expression(resource_type, tuple(error["loc"])),),
                params={"problem": error["type"]},
            )
            for error in exc.errors()[:MAX_ISSUES]
        ]
        raise FhirError(400, issues) from None
    return resource_type


# --- no-basis identifier rules --------------------------------------------------------------

_KIND_SYSTEM = {
    IdentityKind.FNR: codes.OID_FNR,
    IdentityKind.DNR: codes.OID_DNR,
    IdentityKind.FHN: codes.OID_FHN,
}


def _is_hnr(identifier: dict[str, Any]) -> bool:
    for coding in (identifier.get("type") or {}).get("coding") or []:
        if coding.get("code") == codes.HNR_TYPE_CODE:
            return True
    return identifier.get("system") == "HNR"


def person_identifier(identifier: dict[str, Any], path: str) -> tuple[str, str] | None:
    """Validate a person identifier; return (kind, 11 digits), or None if not a person number.

    fødselsnummer, D-number and FH-number by their no-basis systems; an H-number by the type
    code HNR, which requires an ``assigner``. The number must parse (check digits, date) and
    be of the kind its system says.
    """
    system = identifier.get("system")
    hnr = _is_hnr(identifier)
    if system not in codes.PERSON_SYSTEMS.values() and not hnr:
        return None
    value = identifier.get("value")
    if not isinstance(value, str) or not value:
        raise FhirError.one(422, "required", _("The identifier has no value."), f"{path}.value")
    try:
        parsed = parse_identity_number(value)
    except IdentityNumberError as exc:
        raise FhirError.one(422, "value", exc.message, f"{path}.value") from None
    if hnr:
        if parsed.kind is not IdentityKind.HNR:
            raise FhirError.one(422, "value", _("The number is not an H-number."), f"{path}.value")
        if not identifier.get("assigner"):
            raise FhirError.one(
                422, "required", _("An H-number needs an assigner (no-basis)."), f"{path}.assigner"
            )
        return IdentityKind.HNR.value, parsed.value
    if parsed.kind is IdentityKind.HNR or _KIND_SYSTEM.get(parsed.kind) != system:
        raise FhirError.one(
            422,
            "value",
            _("The number is not of the kind its identifier system says."),
            f"{path}.system",
        )
    return parsed.kind.value, parsed.value


def org_identifier(identifier: dict[str, Any], path: str) -> str | None:
    """Validate an organisation number (ENH) identifier; return its 9 digits, or None."""
    if identifier.get("system") != codes.OID_ENH:
        return None
    try:
        return validate_org_number(str(identifier.get("value") or ""))
    except OrgNumberError as exc:
        raise FhirError.one(422, "value", exc.message, f"{path}.value") from None


def hpr_identifier(identifier: dict[str, Any], path: str) -> str | None:
    """An HPR number: an opaque numeric string (whether it has a check digit is not known)."""
    if identifier.get("system") != codes.OID_HPR:
        return None
    value = str(identifier.get("value") or "")
    if not value.isascii() or not value.isdigit() or not 1 <= len(value) <= 9:
        raise FhirError.one(
            422, "value", _("An HPR number is digits only (at most 9)."), f"{path}.value"
        )
    return value


def check_identifiers(data: dict[str, Any]) -> None:
    """Apply the identifier rules to a resource's identifiers and its logical references."""
    resource_type = data.get("resourceType", "")
    for i, identifier in enumerate(data.get("identifier") or []):
        if not isinstance(identifier, dict):
            continue
        path = f"{resource_type}.identifier[{i}]"
        person_identifier(identifier, path)
        org_identifier(identifier, path)
        hpr_identifier(identifier, path)
    for name in ("subject", "patient", "for", "owner", "source", "author", "requester"):
        reference = data.get(name)
        if isinstance(reference, dict) and isinstance(reference.get("identifier"), dict):
            path = f"{resource_type}.{name}.identifier"
            person_identifier(reference["identifier"], path)
            org_identifier(reference["identifier"], path)


def validate_resource(data: dict[str, Any], *, expected_type: str | None = None) -> str:
    """Structure, then identifiers. Returns the resource type."""
    resource_type = validate_structure(data, expected_type=expected_type)
    check_identifiers(data)
    return resource_type


def check_code(value: Any, allowed: frozenset[str], path: str) -> str:
    """A code we rely on must be one we know (fhir.resources does not check codes)."""
    if not isinstance(value, str) or value not in allowed:
        raise FhirError.one(
            422, "code-invalid", _("The code is not one Forløp accepts here."), path
        )
    return value
