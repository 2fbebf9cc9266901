"""Mappers for a running pathway: CarePlan, EpisodeOfCare, Encounter, Task and their statuses."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from forlop.core.models import User
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
    patient_ref,
    plan_canonical,
    practitioner_ref,
    questionnaire_canonical,
    unit_ref,
)
from forlop.pathways import models as pm
from forlop.pathways import rules
from forlop.pathways.deadlines import start_of_day
from forlop.pathways.selectors.responsibility import stop_point_responsible
from forlop.patients.models import HospitalStay

# --- A running pathway: CarePlan, EpisodeOfCare, Task --------------------------------------


def pathway_milestones(pathway: pm.Pathway) -> list[tuple[str, datetime]]:
    """The pathway's timeline, oldest first: the one place that knows which times a pathway has.

    Today a pathway stores its start, discharge, arrival home and end. Issue 9 adds ready for
    discharge (with the planned discharge), an optional short stay and corrections: they are
    added here and every mapper and export follows.
    """
    points = [
        ("started", pathway.started_at),
        ("discharged", pathway.discharged_at),
        ("arrived-home", pathway.arrived_home_at),
        ("ended", pathway.ended_at),
    ]
    return sorted(((c, t) for c, t in points if t is not None), key=lambda p: p[1])


def _milestone_ext(code: str, at: datetime) -> Json:
    return {
        "url": codes.EXT_MILESTONE,
        "extension": [
            {"url": "code", "valueCoding": _coding(codes.CS_MILESTONE, code)},
            {"url": "time", "valueDateTime": instant(at)},
        ],
    }


def _pathway_extensions(pathway: pm.Pathway) -> list[Json]:
    out = [
        _ext(
            codes.EXT_START_REASON, valueCoding=_coding(codes.CS_START_REASON, pathway.start_reason)
        )
    ]
    if pathway.end_reason:
        out.append(_ext(codes.EXT_END_REASON, valueString=pathway.end_reason))
    return out


def careplan_to_fhir(
    pathway: pm.Pathway, *, stop_point_ids: Iterable[int] = (), goal_ids: Iterable[int] = ()
) -> Json:
    return _clean(
        {
            "resourceType": "CarePlan",
            "id": str(pathway.pk),
            "meta": _meta(pathway),
            "extension": _pathway_extensions(pathway),
            "identifier": [{"system": codes.SYSTEM_PATHWAY, "value": str(pathway.pk)}],
            "instantiatesCanonical": [plan_canonical(pathway.version)],
            "replaces": [{"reference": f"CarePlan/{pathway.previous_id}"}]
            if pathway.previous_id
            else None,
            "status": "active" if pathway.ended_at is None else "completed",
            "intent": "plan",
            "title": pathway.version.template.name,
            "subject": patient_ref(pathway.patient_id),
            "period": _clean(
                {"start": instant(pathway.started_at), "end": instant(pathway.ended_at)}
            ),
            "created": instant(pathway.created_at),
            "author": unit_ref(pathway.unit),
            "goal": [{"reference": f"Goal/{g}"} for g in goal_ids] or None,
            "activity": [{"reference": {"reference": f"Task/{sp}"}} for sp in stop_point_ids]
            or None,
        }
    )


def episode_of_care_to_fhir(pathway: pm.Pathway) -> Json:
    """The pathway's timeline: period and one milestone extension per registered time."""
    return _clean(
        {
            "resourceType": "EpisodeOfCare",
            "id": str(pathway.pk),
            "meta": _meta(pathway),
            "extension": [_milestone_ext(c, t) for c, t in pathway_milestones(pathway)]
            + _pathway_extensions(pathway),
            "identifier": [{"system": codes.SYSTEM_PATHWAY, "value": str(pathway.pk)}],
            "status": "active" if pathway.ended_at is None else "finished",
            "type": [
                _concept(
                    codes.CANONICAL_PLAN,
                    pathway.version.template.code,
                    pathway.version.template.name,
                )
            ],
            "patient": patient_ref(pathway.patient_id),
            "managingOrganization": unit_ref(pathway.unit),
            "period": _clean(
                {"start": instant(pathway.started_at), "end": instant(pathway.ended_at)}
            ),
            "careManager": practitioner_ref(pathway.primary_contact)
            if pathway.primary_contact_id
            else None,
        }
    )


def encounter_to_fhir(stay: HospitalStay) -> Json:
    extension = []
    if stay.ready_for_discharge_at is not None:
        extension.append(
            _ext(codes.EXT_READY_FOR_DISCHARGE, valueDateTime=instant(stay.ready_for_discharge_at))
        )
    return _clean(
        {
            "resourceType": "Encounter",
            "id": str(stay.pk),
            "meta": _meta(stay),
            "extension": extension,
            "identifier": [{"system": codes.SYSTEM_STAY, "value": str(stay.pk)}],
            "status": "finished" if stay.discharged_at is not None else "in-progress",
            "class": _coding(codes.V3_ACT_CODE, "IMP", "inpatient encounter"),
            "subject": patient_ref(stay.patient_id),
            "period": _clean(
                {"start": instant(stay.admitted_at), "end": instant(stay.discharged_at)}
            ),
            "serviceProvider": organisation_ref(stay.ward.organisation),
            "location": [
                {
                    "location": {
                        "identifier": {"system": codes.SYSTEM_UNIT, "value": stay.ward.code},
                        "display": stay.ward.name,
                    }
                }
            ],
        }
    )


def stop_point_state(stop_point: pm.StopPoint) -> rules.StopPointState:
    """The recorded facts of a stop point for the pure rules (as the engine reads them)."""
    if stop_point.due_all_day:
        deadline = rules.Deadline.on_date(stop_point.due_at.astimezone(rules.OSLO).date())
    else:
        deadline = rules.Deadline.at(stop_point.due_at)
    return rules.StopPointState(
        opens_at=stop_point.opens_at,
        deadline=deadline,
        completed_at=stop_point.completed_at,
        not_relevant_at=stop_point.not_relevant_at,
        interrupted_at=stop_point.interrupted_at,
    )


def stop_point_status(stop_point: pm.StopPoint, *, now: datetime) -> rules.StopPointStatus:
    return rules.stop_point_status(stop_point_state(stop_point), now=now)


_TASK_STATUS = {
    rules.StopPointStatus.NOT_YET_OPEN: "requested",
    rules.StopPointStatus.DUE: "ready",
    rules.StopPointStatus.OVERDUE: "ready",
    rules.StopPointStatus.DONE: "completed",
    rules.StopPointStatus.DONE_LATE: "completed",
    rules.StopPointStatus.NOT_RELEVANT: "cancelled",
    rules.StopPointStatus.INTERRUPTED: "cancelled",
}


def task_status(status: rules.StopPointStatus) -> str:
    return _TASK_STATUS[status]


def responsible_for(stop_point: pm.StopPoint) -> User | None:
    """Who answers for a stop point's owner part (the work list's rule: the assignee, else
    the owner role's natural person, the primary contact or the patient's GP; an allocation
    office or hospital owner answers as its unit)."""
    return stop_point_responsible(stop_point)


def _due_end(stop_point: pm.StopPoint) -> str:
    if stop_point.due_all_day:
        return stop_point.due_at.astimezone(rules.OSLO).date().isoformat()
    return instant(stop_point.due_at) or ""


def task_to_fhir(
    stop_point: pm.StopPoint,
    *,
    now: datetime,
    first_answer_at: datetime | None = None,
    has_answers: bool = False,
) -> Json:
    """A stop point. ``definition``, ``pathway`` (patient, unit, primary contact) loaded."""
    status = rules.stop_point_status(stop_point_state(stop_point), now=now)
    definition = stop_point.definition
    owner = responsible_for(stop_point)
    reason = None
    if stop_point.not_relevant_at is not None:
        reason = {"text": stop_point.not_relevant_reason}
    elif stop_point.interrupted_at is not None:
        reason = {"text": "Avbrutt"}
    record = [
        _ext("occurrence", valueInteger=stop_point.occurrence),
        _ext("triggered", valueDateTime=instant(stop_point.triggered_at)),
        _ext("opens", valueDateTime=instant(stop_point.opens_at)),
        _ext("due", valueDateTime=instant(stop_point.due_at)),
        _ext("dueAllDay", valueBoolean=stop_point.due_all_day),
        _ext("ends", valueDateTime=instant(stop_point.ends_at)),
    ]
    for name, value in (
        ("completed", stop_point.completed_at),
        ("notRelevant", stop_point.not_relevant_at),
        ("interrupted", stop_point.interrupted_at),
    ):
        if value is not None:
            record.append(_ext(name, valueDateTime=instant(value)))
    if stop_point.completed_by_id is not None:
        record.append(
            _ext(
                "completedBy",
                valueReference={"reference": f"Practitioner/{stop_point.completed_by_id}"},
            )
        )
    if stop_point.assignee_id is not None:
        record.append(
            _ext("assignee", valueReference={"reference": f"Practitioner/{stop_point.assignee_id}"})
        )
    return _clean(
        {
            "resourceType": "Task",
            "id": str(stop_point.pk),
            "meta": _meta(stop_point, version=stop_point.revision),
            "extension": [{"url": codes.EXT_STOP_POINT_RECORD, "extension": record}],
            "identifier": [{"system": codes.SYSTEM_STOP_POINT, "value": str(stop_point.pk)}],
            "basedOn": [{"reference": f"CarePlan/{stop_point.pathway_id}"}],
            "status": task_status(status),
            "statusReason": reason,
            "businessStatus": _concept(codes.CS_STATUS, status.value),
            "intent": "plan",
            "code": _concept(codes.CS_STOP_POINT, definition.code, definition.title),
            "description": definition.title,
            "for": patient_ref(stop_point.pathway.patient_id),
            "authoredOn": instant(stop_point.triggered_at),
            "lastModified": instant(stop_point.updated_at),
            "performerType": [_concept(codes.CS_ROLE, definition.responsible_role)],
            "owner": practitioner_ref(owner)
            if owner is not None
            else unit_ref(stop_point.pathway.unit),
            "executionPeriod": _clean(
                {
                    "start": instant(first_answer_at),
                    "end": instant(stop_point.completed_at or stop_point.not_relevant_at),
                }
            ),
            "restriction": {
                "period": {"start": instant(stop_point.opens_at), "end": _due_end(stop_point)}
            },
            "input": [
                {
                    "type": {"text": "checklist"},
                    "valueCanonical": questionnaire_canonical(definition),
                }
            ],
            "output": [
                {
                    "type": {"text": "checklist answers"},
                    "valueReference": {"reference": f"QuestionnaireResponse/sp-{stop_point.pk}"},
                }
            ]
            if has_answers
            else None,
        }
    )


def due_window(stop_point: pm.StopPoint) -> tuple[datetime, datetime]:
    """The instants a Task's due search compares with: the deadline's start and end."""
    if stop_point.due_all_day:
        day: date = stop_point.due_at.astimezone(rules.OSLO).date()
        return start_of_day(day), stop_point.ends_at
    return stop_point.due_at, stop_point.due_at
