"""Explicit mappers from Forløp's rows to FHIR R4 JSON (house style rule 10).

One function per resource, ``<thing>_to_fhir(obj, ...) -> dict``. They read only the object
and the relations the caller has already loaded (``resources.py`` gives each type a
queryset with ``select_related``/``prefetch_related``), never the clock: a mapper that needs
a derived status takes ``now``.

Logical ids are primary keys, never identity numbers; where two kinds of row share one FHIR
type the id has a prefix (``Organization/org-3`` and ``Organization/unit-7``,
``Questionnaire/sp-12`` for a checklist and ``Questionnaire/wm-1`` for a "what matters"
form). Everything Forløp holds that FHIR has no element for travels in an extension under
``codes.FORLOP``, so templates survive a round trip.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from forlop.core.models import Organisation, Unit, User
from forlop.goals.models import Goal, Score, Scoring, WhatMattersFormVersion
from forlop.interop.fhir import codes
from forlop.pathways import models as pm
from forlop.pathways import rules
from forlop.pathways.deadlines import start_of_day
from forlop.pathways.selectors.responsibility import stop_point_responsible
from forlop.patients.models import HospitalStay, Patient

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


# --- Templates: PlanDefinition and Questionnaire --------------------------------------------

_ITEM_TYPES = {
    pm.ChecklistItem.Kind.YES_NO: "boolean",
    pm.ChecklistItem.Kind.TEXT: "text",
    pm.ChecklistItem.Kind.NUMBER: "decimal",
    pm.ChecklistItem.Kind.SINGLE_CHOICE: "choice",
    pm.ChecklistItem.Kind.MULTIPLE_CHOICE: "choice",
    pm.ChecklistItem.Kind.DATE: "date",
    pm.ChecklistItem.Kind.WHAT_MATTERS: "text",
}


def _choice_option(choice: Any) -> Json:
    if isinstance(choice, dict):
        code = str(choice.get("value", choice.get("key", choice.get("label", ""))))
        return {"valueCoding": _clean({"code": code, "display": choice.get("label")})}
    return {"valueCoding": {"code": str(choice), "display": str(choice)}}


def _ext(url: str, **value: Any) -> Json:
    return {"url": url, **value}


def checklist_item_to_fhir(item: pm.ChecklistItem) -> Json:
    details = [
        _ext("kind", valueCode=item.kind),
        _ext("allowNotRelevant", valueBoolean=item.allow_not_relevant),
        _ext("carryToCarePlan", valueBoolean=item.carry_to_care_plan),
    ]
    if item.domain:
        details.append(_ext("domain", valueCoding=_coding(codes.CS_DOMAIN, item.domain)))
    if item.number_unit:
        details.append(_ext("unit", valueString=item.number_unit))
    if item.guidance:
        details.append(_ext("guidance", valueString=item.guidance))
    if item.part:
        details.append(_ext("part", valueCoding=_coding(codes.CS_ROLE, item.part)))
    if item.local_default:
        details.append(_ext("localDefault", valueBoolean=True))
    return _clean(
        {
            "extension": [{"url": codes.EXT_ITEM, "extension": details}],
            "linkId": item.key,
            "text": item.text,
            "type": _ITEM_TYPES.get(item.kind, "text"),
            "required": item.required,
            "repeats": item.kind == pm.ChecklistItem.Kind.MULTIPLE_CHOICE or None,
            "answerOption": [_choice_option(c) for c in item.choices or []] or None,
        }
    )


def _status_for(version: pm.TemplateVersion) -> str:
    return "active" if version.is_published else "draft"


def questionnaire_to_fhir(definition: pm.StopPointDefinition) -> Json:
    """A stop point's checklist. ``definition.version.template`` and ``items`` loaded."""
    version = definition.version
    return _clean(
        {
            "resourceType": "Questionnaire",
            "id": f"sp-{definition.pk}",
            "meta": _meta(definition),
            "url": questionnaire_url(definition),
            "version": str(version.number),
            "name": f"{version.template.code}_{definition.code}".replace("-", "_"),
            "title": f"{definition.code} {definition.title}",
            "status": _status_for(version),
            "subjectType": ["Patient"],
            "date": instant(version.published_at),
            "description": definition.description,
            "code": [_coding(codes.CS_STOP_POINT, definition.code, definition.title)],
            "item": [checklist_item_to_fhir(i) for i in definition.items.all()],
        }
    )


def _duration(amount: int, unit: str) -> Json:
    ucum = codes.UNIT_TO_UCUM[unit]
    return {"value": amount, "unit": unit.replace("_", " "), "system": codes.UCUM, "code": ucum}


def action_to_fhir(definition: pm.StopPointDefinition) -> Json:
    """One stop point as a PlanDefinition action: timing as ``timingDuration`` (from the
    anchor) or as a ``relatedAction`` offset (after another stop point)."""
    extension = [
        _ext(codes.EXT_ANCHOR, valueCoding=_coding(codes.CS_ANCHOR, definition.anchor)),
        _ext(
            codes.EXT_DEADLINE,
            extension=[
                _ext("amount", valueInteger=definition.deadline_amount),
                _ext("unit", valueCoding=_coding(codes.CS_DEADLINE_UNIT, definition.deadline_unit)),
            ],
        ),
        _ext(codes.EXT_ACTOR, valueCoding=_coding(codes.CS_ACTOR, definition.actor)),
        _ext(codes.EXT_REPEATS, valueBoolean=definition.repeats),
        _ext(codes.EXT_IN_CHAIN, valueBoolean=definition.in_chain),
        _ext(codes.EXT_MAIN_CHECKLIST, valueBoolean=definition.main_checklist),
        _ext(
            codes.EXT_DEADLINE_SOURCE,
            extension=[
                *(
                    [_ext("source", valueString=definition.deadline_source)]
                    if definition.deadline_source
                    else []
                ),
                _ext("localDefault", valueBoolean=definition.deadline_local_default),
            ],
        ),
        _ext(
            codes.EXT_TRIGGER,
            extension=[
                _ext("type", valueCoding=_coding(codes.CS_TRIGGER, definition.trigger)),
                *[
                    _ext("event", valueCoding=_coding(codes.CS_EVENT, e))
                    for e in definition.trigger_events or []
                ],
                *(
                    [_ext("after", valueString=definition.after_code)]
                    if definition.after_code
                    else []
                ),
            ],
        ),
    ]
    if definition.window_amount is not None and definition.window_unit:
        extension.append(
            _ext(
                codes.EXT_WINDOW,
                extension=[
                    _ext("amount", valueInteger=definition.window_amount),
                    _ext(
                        "unit", valueCoding=_coding(codes.CS_DEADLINE_UNIT, definition.window_unit)
                    ),
                ],
            )
        )
    duration = _duration(definition.deadline_amount, definition.deadline_unit)
    action: Json = {
        "extension": extension,
        "id": definition.code,
        "title": definition.title,
        "description": definition.description,
        "code": [_concept(codes.CS_STOP_POINT, definition.code, definition.title)],
        # The owner first, then each part another role completes (HPH3's GP part).
        "participant": [
            {"type": "practitioner", "role": _concept(codes.CS_ROLE, definition.responsible_role)},
            *[
                {
                    "extension": [_ext(codes.EXT_PART, valueString=title)],
                    "type": "practitioner",
                    "role": _concept(codes.CS_ROLE, role),
                }
                for role, title in definition.part_specs
            ],
        ],
        "definitionCanonical": questionnaire_canonical(definition),
    }
    if definition.trigger == pm.TriggerChoices.EVENT:
        action["trigger"] = [
            {"type": "named-event", "name": str(e)} for e in definition.trigger_events or []
        ]
    elif definition.trigger == pm.TriggerChoices.PATHWAY_START:
        action["trigger"] = [{"type": "named-event", "name": "pathway-start"}]
    if definition.trigger == pm.TriggerChoices.AFTER_STOP_POINT and definition.after_code:
        action["relatedAction"] = [
            {
                "actionId": definition.after_code,
                "relationship": "after-end",
                "offsetDuration": duration,
            }
        ]
    else:
        action["timingDuration"] = duration
    return _clean(action)


def plan_definition_to_fhir(version: pm.TemplateVersion) -> Json:
    """A template version. ``template``, ``definitions`` (with ``items``) loaded."""
    template = version.template
    return _clean(
        {
            "resourceType": "PlanDefinition",
            "id": str(version.pk),
            "meta": _meta(version),
            "url": f"{codes.CANONICAL_PLAN}/{template.code}",
            "identifier": [
                {"system": f"{codes.FORLOP}/NamingSystem/template", "value": template.code}
            ],
            "version": str(version.number),
            "name": template.code.replace("-", "_"),
            "title": template.name,
            "type": _concept(
                "http://terminology.hl7.org/CodeSystem/plan-definition-type", "workflow-definition"
            ),
            "status": _status_for(version),
            "date": instant(version.published_at),
            "publisher": template.organisation.name
            if template.organisation_id
            else "Forløp (nasjonal standard)",
            "description": template.description,
            "purpose": version.notes,
            "action": [action_to_fhir(d) for d in version.definitions.all()],
        }
    )


def what_matters_questionnaire_to_fhir(version: WhatMattersFormVersion) -> Json:
    """A "what matters" form version (questions per language loaded)."""
    questions = {q.language: q for q in version.questions.all()}
    main = questions.get("nb") or next(iter(questions.values()), None)
    translations = [
        {
            "url": "http://hl7.org/fhir/StructureDefinition/translation",
            "extension": [
                {"url": "lang", "valueCode": lang},
                {"url": "content", "valueString": q.text},
            ],
        }
        for lang, q in sorted(questions.items())
        if q is not main
    ]
    goal_item = _clean(
        {
            "linkId": "goal",
            "text": main.text if main else "Hva er viktig for deg?",
            "_text": {"extension": translations} if translations else None,
            "type": "group",
            "repeats": True,
            "item": [
                {"linkId": "goal.text", "text": "Mål", "type": "string", "required": True},
                {
                    "extension": [
                        {
                            "url": "http://hl7.org/fhir/StructureDefinition/minValue",
                            "valueInteger": version.scale_min,
                        },
                        {
                            "url": "http://hl7.org/fhir/StructureDefinition/maxValue",
                            "valueInteger": version.scale_max,
                        },
                    ],
                    "linkId": "goal.score",
                    "text": f"{main.anchor_min} – {main.anchor_max}" if main else "0–10",
                    "type": "integer",
                },
            ],
        }
    )
    return _clean(
        {
            "resourceType": "Questionnaire",
            "id": f"wm-{version.pk}",
            "meta": _meta(version),
            "url": what_matters_url(version),
            "version": str(version.number),
            "name": "what_matters",
            "title": version.form.name,
            "status": "active" if version.published else "draft",
            "subjectType": ["Patient"],
            "date": instant(version.published_at),
            "item": [goal_item],
        }
    )


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


# --- Answers: QuestionnaireResponse, Goal, Observation ---------------------------------------


def _answer_values(item: pm.ChecklistItem, value: Any) -> list[Json]:
    kinds = pm.ChecklistItem.Kind
    if value is None:
        return []
    if item.kind == kinds.YES_NO and isinstance(value, bool):
        return [{"valueBoolean": value}]
    if item.kind == kinds.NUMBER and not isinstance(value, bool):
        return [{"valueDecimal": value}]
    if item.kind == kinds.DATE:
        return [{"valueDate": str(value)}]
    if item.kind == kinds.SINGLE_CHOICE:
        return [{"valueCoding": {"code": str(value)}}]
    if item.kind == kinds.MULTIPLE_CHOICE and isinstance(value, list):
        return [{"valueCoding": {"code": str(v)}} for v in value]
    if item.kind == kinds.WHAT_MATTERS and isinstance(value, dict):
        link = {k: v for k, v in value.items() if k != "scoring"}
        return [
            {
                "extension": [
                    _ext(
                        codes.ext("what-matters-link"), valueString=json.dumps(link, sort_keys=True)
                    )
                ],
                "valueReference": {
                    "reference": f"QuestionnaireResponse/scoring-{value.get('scoring')}"
                },
            }
        ]
    return [{"valueString": str(value)}]


def checklist_response_to_fhir(stop_point: pm.StopPoint, answers: list[pm.ChecklistAnswer]) -> Json:
    """The filled checklist of a stop point (its answers with ``item`` and ``answered_by``)."""
    answers = sorted(answers, key=lambda a: (a.item.order, a.item.pk))
    items = []
    for answer in answers:
        entry = _clean(
            {
                "linkId": answer.item.key,
                "text": answer.item.text,
                "answer": _answer_values(answer.item, answer.value) or None,
            }
        )
        extension = [
            _ext(
                codes.EXT_ANSWERED,
                extension=[
                    _ext("at", valueDateTime=instant(answer.answered_at)),
                    _ext(
                        "by", valueReference={"reference": f"Practitioner/{answer.answered_by_id}"}
                    ),
                ],
            )
        ]
        if answer.not_relevant_reason:
            extension.append(_ext(codes.EXT_NOT_RELEVANT, valueString=answer.not_relevant_reason))
        entry["extension"] = extension
        items.append(entry)
    latest = max((a for a in answers), key=lambda a: (a.answered_at, a.pk), default=None)
    author = (
        stop_point.completed_by
        if stop_point.completed_by_id
        else (latest.answered_by if latest else None)
    )
    return _clean(
        {
            "resourceType": "QuestionnaireResponse",
            "id": f"sp-{stop_point.pk}",
            "meta": _meta(stop_point, version=stop_point.revision),
            "identifier": {"system": codes.SYSTEM_STOP_POINT, "value": str(stop_point.pk)},
            "basedOn": [{"reference": f"CarePlan/{stop_point.pathway_id}"}],
            "questionnaire": questionnaire_canonical(stop_point.definition),
            "status": "completed" if stop_point.completed_at is not None else "in-progress",
            "subject": patient_ref(stop_point.pathway.patient_id),
            "authored": instant(
                stop_point.completed_at or (latest.answered_at if latest else stop_point.updated_at)
            ),
            "author": practitioner_ref(author) if author is not None else None,
            "item": items,
        }
    )


def scoring_to_fhir(scoring: Scoring) -> Json:
    """A "what matters" scoring (``scores`` with ``goal`` loaded)."""
    scores = sorted(scoring.scores.all(), key=lambda s: s.goal_id)
    extension = [
        _ext(codes.EXT_ANSWERED_BY, valueCoding=_coding(codes.CS_ANSWERED_BY, scoring.answered_by)),
        _ext(codes.ext("scoring-kind"), valueCode=scoring.kind),
    ]
    if scoring.stop_point_id is not None:
        extension.append(
            _ext(codes.ext("task"), valueReference={"reference": f"Task/{scoring.stop_point_id}"})
        )
    return _clean(
        {
            "resourceType": "QuestionnaireResponse",
            "id": f"scoring-{scoring.pk}",
            "meta": _meta(scoring),
            "extension": extension,
            "identifier": {"system": codes.SYSTEM_SCORING, "value": str(scoring.pk)},
            "basedOn": [{"reference": f"CarePlan/{scoring.stop_point.pathway_id}"}]
            if scoring.stop_point_id
            else None,
            "questionnaire": f"{what_matters_url(scoring.version)}|{scoring.version.number}",
            "status": "completed",
            "subject": patient_ref(scoring.patient_id),
            "authored": instant(scoring.scored_at),
            "author": practitioner_ref(scoring.recorded_by) if scoring.recorded_by_id else None,
            "source": patient_ref(scoring.patient_id) if scoring.answered_by == "patient" else None,
            "item": [
                {
                    "linkId": "goal",
                    "item": [
                        {
                            "linkId": "goal.text",
                            "text": "Mål",
                            "answer": [{"valueString": s.goal.text}],
                        },
                        {"linkId": "goal.score", "answer": [{"valueInteger": s.value}]},
                    ],
                    "extension": [
                        _ext(codes.ext("goal"), valueReference={"reference": f"Goal/{s.goal_id}"})
                    ],
                }
                for s in scores
            ],
        }
    )


_GOAL_STATUS = {
    Goal.Status.ACTIVE: ("active", None),
    Goal.Status.REACHED: ("completed", "achieved"),
    Goal.Status.CHANGED: ("cancelled", None),
    Goal.Status.DROPPED: ("cancelled", "not-achieved"),
}


def goal_to_fhir(goal: Goal) -> Json:
    lifecycle, achievement = _GOAL_STATUS[goal.status]
    return _clean(
        {
            "resourceType": "Goal",
            "id": str(goal.pk),
            "meta": _meta(goal),
            "extension": [
                _ext(
                    codes.EXT_ANSWERED_BY,
                    valueCoding=_coding(codes.CS_ANSWERED_BY, goal.answered_by),
                ),
                _ext(
                    codes.ext("goal-status"), valueCoding=_coding(codes.CS_GOAL_STATUS, goal.status)
                ),
                _ext(
                    codes.ext("what-matters-form"),
                    valueCanonical=f"{what_matters_url(goal.version)}|{goal.version.number}",
                ),
                _ext(codes.ext("recorded"), valueDateTime=instant(goal.created_at)),
                *(
                    [
                        _ext(
                            codes.ext("status-changed"),
                            valueDateTime=instant(goal.status_changed_at),
                        )
                    ]
                    if goal.status_changed_at
                    else []
                ),
            ],
            "identifier": [{"system": codes.SYSTEM_GOAL, "value": str(goal.pk)}],
            "lifecycleStatus": lifecycle,
            "achievementStatus": _concept(
                "http://terminology.hl7.org/CodeSystem/goal-achievement", achievement
            )
            if achievement
            else None,
            "description": {"text": goal.text},
            "subject": patient_ref(goal.patient_id),
            "startDate": goal.created_at.astimezone(rules.OSLO).date().isoformat()
            if goal.created_at
            else None,
            "statusDate": goal.status_changed_at.astimezone(rules.OSLO).date().isoformat()
            if goal.status_changed_at
            else None,
            # The goals are the patient's, in their own words, also when next of kin helped
            # or staff interviewed (``answered-by`` says which).
            "expressedBy": patient_ref(goal.patient_id),
        }
    )


def score_to_fhir(score: Score) -> Json:
    """One 0–10 score (``scoring`` loaded)."""
    scoring = score.scoring
    return _clean(
        {
            "resourceType": "Observation",
            "id": f"score-{score.pk}",
            "meta": _meta(score),
            "status": "final",
            "category": [_concept(codes.OBS_CATEGORY, "survey", "Survey")],
            "code": {
                "coding": [
                    _coding(
                        codes.CS_OBSERVATION, "what-matters-score", "Hva er viktig for deg? – skår"
                    )
                ],
                "text": "Skår 0–10 for pasientens mål",
            },
            "subject": patient_ref(scoring.patient_id),
            "focus": [{"reference": f"Goal/{score.goal_id}"}],
            "effectiveDateTime": instant(scoring.scored_at),
            "performer": [practitioner_ref(scoring.recorded_by)]
            if scoring.recorded_by_id
            else None,
            "valueInteger": score.value,
            "referenceRange": [{"low": {"value": 0}, "high": {"value": 10}}],
            "derivedFrom": [{"reference": f"QuestionnaireResponse/scoring-{scoring.pk}"}],
        }
    )
