"""Mappers for answers: QuestionnaireResponse, scorings and scores as Observation, Goal."""

from __future__ import annotations

import json
from typing import Any

from forlop.goals.models import Goal, Score, Scoring
from forlop.interop.fhir import codes
from forlop.interop.fhir.mappers.common import (
    Json,
    _clean,
    _coding,
    _concept,
    _ext,
    _meta,
    instant,
    patient_ref,
    practitioner_ref,
    questionnaire_canonical,
    what_matters_url,
)
from forlop.pathways import models as pm
from forlop.pathways import rules

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
            # The episode: the pathway the scoring belongs to (goals.Scoring.pathway).
            "basedOn": [{"reference": f"CarePlan/{scoring.pathway_id}"}]
            if scoring.pathway_id
            else (
                [{"reference": f"CarePlan/{scoring.stop_point.pathway_id}"}]
                if scoring.stop_point_id
                else None
            ),
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
