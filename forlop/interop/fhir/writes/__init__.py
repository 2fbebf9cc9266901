"""Writes: transaction bundles (and single creates/updates, which are one-entry transactions).

* **Atomic**: the whole bundle runs in one database transaction; the first invalid entry
  rolls everything back and the OperationOutcome points at it (``Bundle.entry[2].resource...``).
* **Idempotent**: a bundle already processed for this client (same content hash) gets the
  stored response and changes nothing; within a bundle each entry is a conditional create or
  update keyed on identifiers (the hospital's Encounter identifier, a stop point's id), and
  ``inbound`` does nothing when told what it already knows.
* Through the same services as the pages: every entry becomes a call in ``inbound``.

Entries Forløp understands (docs/interop.md has examples):

* ``Encounter`` (POST or PUT, with an identifier): a hospital stay. ``period.start`` is the
  admission, the extension ``ready-for-discharge`` the report that the patient is ready,
  ``planned-discharge`` the planned discharge, ``status=finished`` with ``period.end`` the
  discharge.
* ``QuestionnaireResponse`` (POST, or PUT ``QuestionnaireResponse/sp-<stop point>``): answers
  to a stop point's checklist; ``status=completed`` signs it.
* ``Task`` (PUT ``Task/<id>``): ``status=completed`` signs the stop point, ``cancelled`` with a
  ``statusReason`` marks it not relevant. ``If-Match``/``meta.versionId`` is checked.
* ``Patient`` (POST with ``ifNoneExist``): resolves the patient the other entries refer to
  (``urn:uuid`` fullUrl); Forløp does not register patients from other systems.


The entries live in ``stays`` (Patient, Encounter) and ``checklists`` (QuestionnaireResponse,
Task); ``common`` holds what they share.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from forlop.interop.fhir.outcome import FhirError, Issue
from forlop.interop.fhir.resources import Caller
from forlop.interop.fhir.scopes import WRITE, allows
from forlop.interop.fhir.validate import (
    validate_resource,
    validate_structure,
)
from forlop.interop.fhir.writes.checklists import _qr_entry, _task_entry
from forlop.interop.fhir.writes.common import (
    _METHOD_ORDER,
    MAX_ENTRIES,
    Context,
    EntryResult,
    Json,
    _digest,
)
from forlop.interop.fhir.writes.stays import _encounter_entry, _patient_entry
from forlop.interop.models import InboundBundle

HANDLERS: dict[str, Callable[..., EntryResult]] = {
    "Patient": _patient_entry,
    "Encounter": _encounter_entry,
    "QuestionnaireResponse": _qr_entry,
    "Task": _task_entry,
}


# --- the bundle -----------------------------------------------------------------------------


def _check_bundle(caller: Caller, bundle: Json) -> list[tuple[int, Json]]:
    if bundle.get("resourceType") != "Bundle":
        raise FhirError.one(
            400, "invalid", _("Post a transaction Bundle to the base URL."), "resourceType"
        )
    if bundle.get("type") != "transaction":
        raise FhirError.one(
            400, "not-supported", _("Forløp accepts transaction bundles only."), "Bundle.type"
        )
    validate_structure(bundle)
    entries = bundle.get("entry") or []
    if not entries:
        raise FhirError.one(400, "required", _("The bundle has no entries."), "Bundle.entry")
    if len(entries) > MAX_ENTRIES:
        raise FhirError.one(413, "too-costly", _("Too many entries in one bundle."), "Bundle.entry")
    ordered: list[tuple[int, Json]] = []
    for index, entry in enumerate(entries):
        path = f"Bundle.entry[{index}]"
        method = (entry.get("request") or {}).get("method")
        if method not in ("POST", "PUT"):
            raise FhirError.one(
                422,
                "not-supported",
                _("Forløp accepts POST and PUT entries."),
                f"{path}.request.method",
            )
        resource = entry.get("resource")
        if not isinstance(resource, dict):
            raise FhirError.one(
                400, "required", _("The entry has no resource."), f"{path}.resource"
            )
        resource_type = resource.get("resourceType")
        if resource_type not in HANDLERS:
            raise FhirError.one(
                422,
                "not-supported",
                _("Forløp does not accept this resource type in a bundle."),
                f"{path}.resource.resourceType",
            )
        if not allows(caller.scope, resource_type, WRITE) and not (
            resource_type == "Patient" and allows(caller.scope, "Patient", frozenset("r"))
        ):
            raise FhirError.one(
                403,
                "forbidden",
                _("The token's scopes do not allow this interaction on %(type)s."),
                f"{path}.resource",
                type=resource_type,
            )
        try:
            validate_resource(resource)
        except FhirError as exc:
            raise _relative(exc, resource_type, path) from None
        ordered.append((index, entry))
    ordered.sort(
        key=lambda pair: (
            _METHOD_ORDER.get(pair[1]["request"]["method"], 9),
            pair[1]["resource"]["resourceType"] != "Patient",
            pair[0],
        )
    )
    return ordered


def _relative(error: FhirError, resource_type: str, path: str) -> FhirError:
    """Expressions such as ``Encounter.period`` inside an entry become ``Bundle.entry[i].resource.period``."""
    issues = []
    for issue in error.issues:
        expressions = tuple(
            e
            if e.startswith("Bundle.")
            else f"{path}.resource{e[len(resource_type) :]}"
            if e.startswith(resource_type)
            else f"{path}.resource.{e}"
            for e in issue.expression
        ) or (f"{path}.resource",)
        issues.append(
            Issue(
                code=issue.code,
                message=issue.message,
                expression=expressions,
                severity=issue.severity,
                params=issue.params,
            )
        )
    return FhirError(error.status, issues)


def _response_entry(result: EntryResult) -> Json:
    response: Json = {"status": result.status}
    if result.location:
        response["location"] = result.location
    if result.notes:
        response["outcome"] = {
            "resourceType": "OperationOutcome",
            "issue": [
                Issue(code="informational", message=n, severity="warning").to_fhir()
                for n in result.notes
            ],
        }
    return {"response": response}


def bundle_process(*, caller: Caller, bundle: Json, if_match: str = "") -> tuple[Json, int]:
    """Process a transaction bundle all or nothing; return (transaction-response, status)."""
    client = caller.user.system_client if caller.user is not None else None  # type: ignore[union-attr]
    ordered = _check_bundle(caller, bundle)
    digest = _digest(bundle)
    if client is not None:
        seen = InboundBundle.objects.filter(client=client, digest=digest).first()
        if seen is not None:
            return seen.response, 200
    ctx = Context(caller=caller)
    results: dict[int, EntryResult] = {}
    try:
        with transaction.atomic():
            for index, entry in ordered:
                path = f"Bundle.entry[{index}]"
                resource = entry["resource"]
                handler = HANDLERS[resource["resourceType"]]
                try:
                    if handler is _task_entry:
                        results[index] = handler(
                            ctx, entry, resource, f"{path}.resource", if_match=if_match
                        )
                    else:
                        results[index] = handler(ctx, entry, resource, f"{path}.resource")
                except FhirError as exc:
                    raise _relative(exc, resource["resourceType"], path) from None
            response = {
                "resourceType": "Bundle",
                "type": "transaction-response",
                "entry": [_response_entry(results[i]) for i in range(len(bundle["entry"]))],
            }
            if client is not None:
                InboundBundle.objects.create(client=client, digest=digest, response=response)
    except IntegrityError:
        # The same bundle processed concurrently: its twin won; this one changed nothing.
        seen = InboundBundle.objects.filter(client=client, digest=digest).first()
        if seen is None:
            raise
        return seen.response, 200
    return response, 200


def create_single(
    *, caller: Caller, resource_type: str, resource: Json, if_none_exist: str = ""
) -> tuple[Json, int]:
    """POST [type]: a one-entry transaction; answers with the resulting resource."""
    request: Json = {"method": "POST", "url": resource_type}
    if if_none_exist:
        request["ifNoneExist"] = if_none_exist
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [{"resource": resource, "request": request}],
    }
    try:
        response, status = bundle_process(caller=caller, bundle=bundle)
    except FhirError as exc:
        raise _unwrapped(exc, resource_type) from None
    return _result_resource(caller, response), status


def update_single(
    *, caller: Caller, resource_type: str, logical_id: str, resource: Json, if_match: str = ""
) -> tuple[Json, int]:
    """PUT [type]/[id]: a one-entry transaction; answers with the updated resource."""
    bundle = {
        "resourceType": "Bundle",
        "type": "transaction",
        "entry": [
            {
                "resource": resource,
                "request": {"method": "PUT", "url": f"{resource_type}/{logical_id}"},
            }
        ],
    }
    try:
        response, status = bundle_process(caller=caller, bundle=bundle, if_match=if_match)
    except FhirError as exc:
        raise _unwrapped(exc, resource_type) from None
    return _result_resource(caller, response), status


def _unwrapped(error: FhirError, resource_type: str) -> FhirError:
    """For a single create or update the problem is in the resource, not in a bundle entry."""
    prefix = "Bundle.entry[0].resource"
    issues = [
        Issue(
            code=i.code,
            message=i.message,
            severity=i.severity,
            params=i.params,
            expression=tuple(
                resource_type + e[len(prefix) :] if e.startswith(prefix) else resource_type
                for e in i.expression
            ),
        )
        for i in error.issues
    ]
    return FhirError(error.status, issues)


def _result_resource(caller: Caller, response: Json) -> Json:
    from forlop.interop.fhir.resources import REGISTRY, resource_read

    location = response["entry"][0]["response"].get("location", "")
    resource_type, _slash, logical = location.partition("/")
    if resource_type in REGISTRY and logical:
        try:
            return resource_read(caller, REGISTRY[resource_type], logical)
        except FhirError:
            pass
    return response
