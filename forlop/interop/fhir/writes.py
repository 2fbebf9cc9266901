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
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from forlop.core.models import Unit
from forlop.interop import inbound
from forlop.interop.fhir import codes, mappers
from forlop.interop.fhir.outcome import FhirError, Issue, from_validation_error
from forlop.interop.fhir.resources import Caller
from forlop.interop.fhir.scopes import WRITE, allows
from forlop.interop.fhir.validate import (
    check_code,
    person_identifier,
    validate_resource,
    validate_structure,
)
from forlop.interop.models import ExternalReference, InboundBundle
from forlop.pathways import models as pm
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_find_for_message, patient_get_for_user

Json = dict[str, Any]
MAX_ENTRIES = 100
WRITABLE = ("Patient", "Encounter", "QuestionnaireResponse", "Task")
_METHOD_ORDER = {"DELETE": 0, "POST": 1, "PUT": 2, "PATCH": 2, "GET": 3}


@dataclass
class Context:
    caller: Caller
    bundle_patients: dict[str, Patient] = field(default_factory=dict)  # fullUrl -> patient
    changed: bool = False


@dataclass
class EntryResult:
    status: str
    location: str = ""
    notes: list[Any] = field(default_factory=list)
    resource: Json | None = None


def _digest(bundle: Json) -> str:
    return hashlib.sha256(
        json.dumps(bundle, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def _datetime(value: Any, path: str) -> datetime:
    if not isinstance(value, str) or "T" not in value:
        raise FhirError.one(422, "value", _("Give a date and time with a time zone."), path)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FhirError.one(
            422, "value", _("Give a date and time with a time zone."), path
        ) from None
    if moment.tzinfo is None:
        raise FhirError.one(422, "value", _("Give a date and time with a time zone."), path)
    return moment


def _extension(resource: Json, url: str) -> Json | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


# --- patients -------------------------------------------------------------------------------


def _visible(ctx: Context, patient: Patient, path: str) -> Patient:
    try:
        return patient_get_for_user(
            user=ctx.caller.user,  # type: ignore[arg-type]
            patient_id=patient.pk,
            now=ctx.caller.now,
            data={"client": ctx.caller.client_id, "fhir": "write"},
        )
    except Http404:
        raise FhirError.one(
            404,
            "not-found",
            _("No such patient, or your system has no service need for them."),
            path,
        ) from None


def _patient_from_identifier(ctx: Context, identifier: Json, path: str) -> Patient:
    parsed = person_identifier(identifier, path)
    if parsed is None:
        raise FhirError.one(
            422,
            "value",
            _("Identify the patient by fødselsnummer, D-, H- or FH-number."),
            f"{path}.system",
        )
    patient = patient_find_for_message(
        sender=ctx.caller.user,  # type: ignore[arg-type]  # a client call always has its user
        identity_number=parsed[1],
        purpose="fhir",
        now=ctx.caller.now,
    )
    if patient is None:
        raise FhirError.one(
            422,
            "not-found",
            _("The patient is not registered in Forløp; the municipality registers patients."),
            path,
        )
    return patient


def _resolve_patient(
    ctx: Context, reference: Any, path: str, *, notification: bool = False
) -> Patient:
    """The patient a reference points at. ``notification``: a hospital reporting an admission
    of a known patient may write before it has a service need (the stay it reports gives it
    one); it reads nothing back until then."""
    if not isinstance(reference, dict):
        raise FhirError.one(422, "required", _("The patient reference is missing."), path)
    patient: Patient | None = None
    if isinstance(reference.get("identifier"), dict):
        patient = _patient_from_identifier(ctx, reference["identifier"], f"{path}.identifier")
    ref = reference.get("reference")
    if isinstance(ref, str):
        if ref in ctx.bundle_patients:
            patient = ctx.bundle_patients[ref]
        elif ref.startswith("Patient/") and ref[8:].isdigit():
            patient = Patient.objects.filter(pk=int(ref[8:])).first()
            if patient is None:
                raise FhirError.one(
                    404,
                    "not-found",
                    _("No such patient, or your system has no service need for them."),
                    path,
                )
        else:
            raise FhirError.one(
                422, "invalid", _("The patient reference cannot be resolved."), f"{path}.reference"
            )
    if patient is None:
        raise FhirError.one(422, "required", _("The patient reference is missing."), path)
    if (
        notification
        and not Patient.objects.visible_to(ctx.caller.user, now=ctx.caller.now)
        .filter(pk=patient.pk)
        .exists()
    ):  # type: ignore[arg-type]
        return patient
    return _visible(ctx, patient, path)


def _patient_entry(ctx: Context, entry: Json, resource: Json, path: str) -> EntryResult:
    identifiers = [i for i in resource.get("identifier") or [] if isinstance(i, dict)]
    for index, identifier in enumerate(identifiers):
        parsed = person_identifier(identifier, f"{path}.identifier[{index}]")
        if parsed is not None:
            patient = _patient_from_identifier(ctx, identifier, f"{path}.identifier[{index}]")
            if entry.get("fullUrl"):
                ctx.bundle_patients[entry["fullUrl"]] = patient
            return EntryResult(status="200 OK", location=f"Patient/{patient.pk}")
    raise FhirError.one(
        422,
        "required",
        _("Identify the patient by fødselsnummer, D-, H- or FH-number."),
        f"{path}.identifier",
    )


# --- hospital stays -------------------------------------------------------------------------


def _identifier_key(resource: Json, path: str) -> tuple[str, str]:
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") and identifier.get("value"):
            return str(identifier["system"]), str(identifier["value"])
    raise FhirError.one(
        422,
        "required",
        _("Give the resource an identifier (system and value) from your system."),
        f"{path}.identifier",
    )


def _ward(ctx: Context, resource: Json, path: str) -> Unit:
    wards = Unit.objects.filter(
        kind=Unit.Kind.HOSPITAL_WARD,
        memberships__user=ctx.caller.user,
        memberships__active=True,
    ).distinct()
    for index, location in enumerate(resource.get("location") or []):
        identifier = ((location or {}).get("location") or {}).get("identifier") or {}
        if identifier.get("system") == codes.SYSTEM_UNIT:
            ward = wards.filter(code=identifier.get("value")).first()
            if ward is None:
                raise FhirError.one(
                    403,
                    "forbidden",
                    _("Your system does not act for this ward."),
                    f"{path}.location[{index}]",
                )
            return ward
    if wards.count() == 1:
        return wards.get()
    raise FhirError.one(
        422, "required", _("Say which ward (location with the unit code)."), f"{path}.location"
    )


def _encounter_entry(ctx: Context, entry: Json, resource: Json, path: str) -> EntryResult:
    system, value = _identifier_key(resource, path)
    status = check_code(resource.get("status"), codes.ENCOUNTER_STATUSES, f"{path}.status")
    ward = _ward(ctx, resource, path)
    patient = _resolve_patient(ctx, resource.get("subject"), f"{path}.subject", notification=True)
    period = resource.get("period") or {}
    if "start" not in period:
        raise FhirError.one(
            422, "required", _("Give the admission time (period.start)."), f"{path}.period.start"
        )
    admitted_at = _datetime(period["start"], f"{path}.period.start")
    actor = ctx.caller.user
    now = ctx.caller.now
    notes: list[Any] = []
    reference = ExternalReference.objects.filter(
        resource_type="Encounter", system=system, value=value
    ).first()
    if reference is not None:
        stay = patient.stays.filter(pk=reference.target_id).first()
        if stay is None:
            raise FhirError.one(
                409,
                "conflict",
                _("This identifier belongs to another patient's stay."),
                f"{path}.identifier",
            )
        if stay.admitted_at != admitted_at:
            raise FhirError.one(
                422,
                "business-rule",
                _("The admission time of a stay cannot be changed here."),
                f"{path}.period.start",
            )
    outcome = _run(
        lambda: inbound.admitted(actor=actor, patient=patient, ward=ward, at=admitted_at, now=now),
        f"{path}.period.start",
    )  # type: ignore[arg-type]
    ctx.changed |= outcome.changed
    stay = outcome.target
    if reference is None:
        ExternalReference.objects.create(
            resource_type="Encounter",
            system=system,
            value=value,
            target_type="patients.hospitalstay",
            target_id=stay.pk,
        )
    ready = _extension(resource, codes.EXT_READY_FOR_DISCHARGE)
    planned = _extension(resource, codes.EXT_PLANNED_DISCHARGE)
    if ready is not None:
        ready_at = _datetime(ready.get("valueDateTime"), f"{path}.extension.valueDateTime")
        planned_at = (
            _datetime(planned.get("valueDateTime"), f"{path}.extension.valueDateTime")
            if planned
            else None
        )
        if ready_at < admitted_at:
            raise FhirError.one(
                422,
                "business-rule",
                _("Ready for discharge cannot be before the admission."),
                f"{path}.extension",
            )
        result = _run(
            lambda: inbound.ready_for_discharge(
                actor=actor, patient=patient, at=ready_at, planned_discharge=planned_at, now=now
            ),  # type: ignore[arg-type]
            f"{path}.extension",
        )
        ctx.changed |= result.changed
        notes += result.notes
    elif planned is not None:
        notes.append(_("Forløp does not store the planned discharge yet; it was ignored."))
    if status == "finished":
        if "end" not in period:
            raise FhirError.one(
                422,
                "required",
                _("A finished stay needs its discharge time (period.end)."),
                f"{path}.period.end",
            )
        discharged_at = _datetime(period["end"], f"{path}.period.end")
        result = _run(
            lambda: inbound.discharged(
                actor=actor, patient=patient, ward=ward, at=discharged_at, now=now
            ),
            f"{path}.period.end",
        )  # type: ignore[arg-type]
        ctx.changed |= result.changed
    elif status not in ("in-progress", "arrived", "onleave"):
        raise FhirError.one(
            422,
            "not-supported",
            _("Forløp accepts stays that are in progress or finished."),
            f"{path}.status",
        )
    return EntryResult(status="200 OK", location=f"Encounter/{stay.pk}", notes=notes)


# --- checklists and stop points -------------------------------------------------------------


def _run(call: Callable[[], Any], path: str) -> Any:
    """Call a service in English (so its message is a msgid) and map its refusals."""
    try:
        with translation.override("en"):
            return call()
    except ValidationError as exc:
        raise from_validation_error(exc, path) from None
    except PermissionDenied as exc:
        raise FhirError.one(403, "forbidden", str(exc) or _("Not allowed."), path) from None


def _stop_point(ctx: Context, pk: int, path: str) -> pm.StopPoint:
    stop_point = pm.StopPoint.objects.select_related("definition", "pathway").filter(pk=pk).first()
    if stop_point is None:
        raise FhirError.one(404, "not-found", _("No such resource, or you may not see it."), path)
    _visible(ctx, stop_point.pathway.patient, path)
    return stop_point


def _answer_value(item: pm.ChecklistItem | None, answers: list[Json], path: str) -> Any:
    values = []
    for index, answer in enumerate(answers):
        keys = [k for k in answer if k.startswith("value")]
        if len(keys) != 1:
            raise FhirError.one(
                422, "structure", _("Give one value per answer."), f"{path}.answer[{index}]"
            )
        key = keys[0]
        value = answer[key]
        if key == "valueCoding":
            value = value.get("code")
        elif key == "valueReference":
            ref = str(value.get("reference", ""))
            scoring = ref.removeprefix("QuestionnaireResponse/scoring-")
            if not scoring.isdigit():
                raise FhirError.one(
                    422,
                    "value",
                    _("The answer refers to something Forløp does not know."),
                    f"{path}.answer[{index}]",
                )
            value = {"scoring": int(scoring), "kind": "baseline"}
        elif key == "valueDecimal" and isinstance(value, float):
            value = Decimal(str(value))
        values.append(value)
    if item is not None and item.kind == pm.ChecklistItem.Kind.MULTIPLE_CHOICE:
        return values
    if len(values) > 1:
        raise FhirError.one(
            422, "structure", _("This question takes one answer."), f"{path}.answer"
        )
    return values[0] if values else None


def _qr_answers(stop_point: pm.StopPoint, resource: Json, path: str) -> list[inbound.Answer]:
    items = {i.key: i for i in stop_point.definition.items.all()}
    answers: list[inbound.Answer] = []
    for index, item in enumerate(resource.get("item") or []):
        item_path = f"{path}.item[{index}]"
        key = item.get("linkId")
        if key not in items:
            raise FhirError.one(
                422,
                "value",
                _("This question is not on the stop point's checklist."),
                f"{item_path}.linkId",
            )
        reason = _extension(item, codes.EXT_NOT_RELEVANT)
        answers.append(
            inbound.Answer(
                key=key,
                value=_answer_value(items[key], item.get("answer") or [], item_path),
                not_relevant_reason=str(reason.get("valueString", "")) if reason else "",
            )
        )
    return answers


def _qr_stop_point(ctx: Context, entry: Json, resource: Json, path: str) -> pm.StopPoint:
    url = str((entry.get("request") or {}).get("url", ""))
    logical = resource.get("id") or url.removeprefix("QuestionnaireResponse/")
    if isinstance(logical, str) and logical.startswith("sp-") and logical[3:].isdigit():
        return _stop_point(ctx, int(logical[3:]), f"{path}.id")
    task = _extension(resource, codes.ext("task"))
    if task is not None:
        ref = str((task.get("valueReference") or {}).get("reference", ""))
        if ref.startswith("Task/") and ref[5:].isdigit():
            return _stop_point(ctx, int(ref[5:]), f"{path}.extension")
    patient = _resolve_patient(ctx, resource.get("subject"), f"{path}.subject")
    canonical = str(resource.get("questionnaire", ""))
    url_part, _bar, version = canonical.partition("|")
    candidates = [
        d.pk
        for d in pm.StopPointDefinition.objects.filter(version__pathways__patient=patient)
        .select_related("version__template")
        .distinct()
        if mappers.questionnaire_url(d) == url_part
        and (not version or str(d.version.number) == version)
    ]
    stop_point = inbound.open_stop_point_for(patient=patient, definition_ids=candidates)
    if stop_point is None:
        raise FhirError.one(
            422,
            "not-found",
            _("The patient has no open stop point with this checklist."),
            f"{path}.questionnaire",
        )
    return stop_point


def _qr_entry(ctx: Context, entry: Json, resource: Json, path: str) -> EntryResult:
    status = check_code(resource.get("status"), codes.QR_STATUSES, f"{path}.status")
    if status not in ("in-progress", "completed"):
        raise FhirError.one(
            422,
            "not-supported",
            _("Forløp accepts answers in progress or completed."),
            f"{path}.status",
        )
    stop_point = _qr_stop_point(ctx, entry, resource, path)
    subject = resource.get("subject")
    if (
        isinstance(subject, dict)
        and subject.get("reference") not in (None, f"Patient/{stop_point.pathway.patient_id}")
        and subject.get("reference") not in ctx.bundle_patients
    ):
        raise FhirError.one(
            422,
            "invalid",
            _("The answers are about another patient than the stop point."),
            f"{path}.subject",
        )
    answers = _qr_answers(stop_point, resource, path)
    identifier = (
        resource.get("identifier") if isinstance(resource.get("identifier"), dict) else None
    )
    if (
        identifier
        and identifier.get("system")
        and identifier.get("value")
        and identifier["system"] != codes.SYSTEM_STOP_POINT
    ):
        existing = ExternalReference.objects.filter(
            resource_type="QuestionnaireResponse",
            system=identifier["system"],
            value=identifier["value"],
        ).first()
        if existing is not None and existing.target_id != stop_point.pk:
            raise FhirError.one(
                409,
                "duplicate",
                _("This identifier was already used for another stop point."),
                f"{path}.identifier",
            )
        if existing is None:
            ExternalReference.objects.create(
                resource_type="QuestionnaireResponse",
                system=identifier["system"],
                value=identifier["value"],
                target_type="pathways.stoppoint",
                target_id=stop_point.pk,
            )
    try:
        outcome = _run(
            lambda: inbound.checklist_submit(
                actor=ctx.caller.user,  # type: ignore[arg-type]
                stop_point=stop_point,
                answers=answers,
                complete=status == "completed",
                now=ctx.caller.now,
            ),
            path,
        )
    except KeyError as exc:  # pragma: no cover - keys checked in _qr_answers
        raise FhirError.one(
            422,
            "value",
            _("This question is not on the stop point's checklist."),
            f"{path}.item[{exc.args[0]}]",
        ) from None
    ctx.changed |= outcome.changed
    return EntryResult(status="200 OK", location=f"QuestionnaireResponse/sp-{stop_point.pk}")


def _version_expected(entry: Json, resource: Json, if_match: str = "") -> int | None:
    raw = (
        if_match
        or (entry.get("request") or {}).get("ifMatch")
        or (resource.get("meta") or {}).get("versionId")
        or ""
    )
    raw = str(raw).removeprefix("W/").strip('"')
    return int(raw) if raw.isdigit() else None


def _task_entry(
    ctx: Context, entry: Json, resource: Json, path: str, *, if_match: str = ""
) -> EntryResult:
    request = entry.get("request") or {}
    url = str(request.get("url", ""))
    logical = url.removeprefix("Task/") if url.startswith("Task/") else str(resource.get("id", ""))
    if request.get("method") != "PUT":
        raise FhirError.one(
            422, "not-supported", _("Update a stop point with PUT Task/<id>."), f"{path}.request"
        )
    if not logical.isdigit():
        raise FhirError.one(
            404, "not-found", _("No such resource, or you may not see it."), f"{path}.id"
        )
    if str(resource.get("id", logical)) != logical:
        raise FhirError.one(
            400, "invalid", _("The id in the resource does not match the URL."), f"{path}.id"
        )
    status = check_code(resource.get("status"), codes.TASK_STATUSES, f"{path}.status")
    stop_point = _stop_point(ctx, int(logical), path)
    subject = (resource.get("for") or {}).get("reference")
    if (
        subject is not None
        and subject != f"Patient/{stop_point.pathway.patient_id}"
        and subject not in ctx.bundle_patients
    ):
        raise FhirError.one(
            422, "invalid", _("The stop point belongs to another patient."), f"{path}.for"
        )
    stop_point.refresh_from_db()
    current = mappers.task_status(mappers.stop_point_status(stop_point, now=ctx.caller.now))
    if status == current:
        return EntryResult(status="200 OK", location=f"Task/{stop_point.pk}")
    expected = _version_expected(entry, resource, if_match)
    if expected is not None and expected != stop_point.revision:
        raise FhirError.one(
            412,
            "conflict",
            _("The stop point has changed since you read it (meta.versionId)."),
            f"{path}.meta.versionId",
        )
    actor = ctx.caller.user
    now = ctx.caller.now
    if status == "completed":
        outcome = _run(
            lambda: inbound.checklist_submit(
                actor=actor, stop_point=stop_point, answers=[], complete=True, now=now
            ),
            path,
        )  # type: ignore[arg-type]
    elif status == "cancelled":
        reason = str((resource.get("statusReason") or {}).get("text", "")).strip()
        if not reason:
            raise FhirError.one(
                422,
                "required",
                _("Say why the stop point is not relevant (statusReason.text)."),
                f"{path}.statusReason",
            )
        outcome = _run(
            lambda: inbound.stop_point_not_relevant(
                actor=actor, stop_point=stop_point, reason=reason, now=now
            ),
            path,
        )  # type: ignore[arg-type]
    else:
        raise FhirError.one(
            422,
            "not-supported",
            _("Forløp accepts a stop point completed or cancelled here."),
            f"{path}.status",
        )
    ctx.changed |= outcome.changed
    return EntryResult(status="200 OK", location=f"Task/{stop_point.pk}")


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
