"""Patient and Encounter entries: resolving the patient the bundle refers to, and hospital stays."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from forlop.core.models import Unit
from forlop.interop import inbound
from forlop.interop.fhir import codes
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.validate import (
    check_code,
    person_identifier,
)
from forlop.interop.fhir.writes.common import (
    Context,
    EntryResult,
    Json,
    _datetime,
    _extension,
    _run,
)
from forlop.interop.models import ExternalReference
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_find_for_message, patient_get_for_user

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
        notes.append(
            _("A planned discharge needs the ready-for-discharge report with it; it was ignored.")
        )
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
