"""Mappers for templates: PlanDefinition, its actions, and the Questionnaires of checklists."""

from __future__ import annotations

from typing import Any

from forlop.goals.models import WhatMattersFormVersion
from forlop.interop.fhir import codes
from forlop.interop.fhir.mappers.common import (
    Json,
    _clean,
    _coding,
    _concept,
    _ext,
    _meta,
    instant,
    questionnaire_canonical,
    questionnaire_url,
    what_matters_url,
)
from forlop.pathways import models as pm

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
    extension: list[Json] = [{"url": codes.EXT_ITEM, "extension": details}]
    for url, limit in (
        (codes.EXT_MIN_VALUE, item.number_min),
        (codes.EXT_MAX_VALUE, item.number_max),
    ):
        if limit is not None:
            extension.append({"url": url, "valueDecimal": float(limit)})
    return _clean(
        {
            "extension": extension,
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
        _ext(codes.EXT_SHOW_CODE, valueBoolean=definition.show_code),
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
