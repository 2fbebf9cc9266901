"""QuestionnaireResponse and Task entries: a stop point's checklist answers and its state."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from forlop.interop import inbound
from forlop.interop.fhir import codes, mappers
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.validate import (
    check_code,
)
from forlop.interop.fhir.writes.common import (
    Context,
    EntryResult,
    Json,
    _extension,
    _run,
)
from forlop.interop.fhir.writes.stays import (
    _resolve_patient,
    _visible,
)
from forlop.interop.models import ExternalReference
from forlop.pathways import models as pm

# --- checklists and stop points -------------------------------------------------------------


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
