"""Restoring pathways, stop points (Tasks), goals and the answers and scorings (QuestionnaireResponses)."""

from __future__ import annotations

import json
from typing import Any

from forlop.goals.models import (
    Goal,
    Score,
    Scoring,
)
from forlop.interop.fhir import codes
from forlop.interop.fhir.restore.state import (
    Json,
    RestoreError,
    State,
    _dt,
    _ext,
    _ext_value,
    _ref_id,
    _sub,
)
from forlop.pathways import models as pm


class Pathways(State):
    def pathways_(self) -> None:
        episodes = {data["id"]: data for _where, data in self.each("EpisodeOfCare")}
        previous: list[tuple[pm.Pathway, str]] = []
        for where, data in self.each("CarePlan"):
            patient_id = self.patients[_ref_id(data.get("subject"), "Patient/") or ""]
            version = self.versions.get(data["instantiatesCanonical"][0])
            if version is None:
                raise RestoreError(where, "the pathway's template version is not in the export")
            started = _dt(data["period"]["start"])
            pathway = pm.Pathway.objects.filter(
                patient_id=patient_id, version=version, started_at=started
            ).first()
            if pathway is None:
                episode = episodes.get(data["id"], {})
                times = {
                    _sub(e, "code")["code"]: _dt(_sub(e, "time"))
                    for e in episode.get("extension") or []
                    if e.get("url") == codes.EXT_MILESTONE
                }
                reason = _ext_value(data, codes.EXT_START_REASON)
                pathway = pm.Pathway.objects.create(
                    patient_id=patient_id,
                    municipality_id=self.controllers[patient_id],
                    version=version,
                    unit=self.units[_ref_id(data.get("author"), "Organization/") or ""],
                    primary_contact_id=self.user_id(episode.get("careManager")),
                    start_reason=(reason or {}).get("code", pm.Pathway.StartReason.DISCHARGE),
                    started_at=started,
                    discharged_at=times.get("discharged"),
                    arrived_home_at=times.get("arrived-home"),
                    ended_at=_dt(data["period"].get("end")),
                    end_reason=_ext_value(data, codes.EXT_END_REASON) or "",
                )
                self.count("pathways")
                replaced = _ref_id((data.get("replaces") or [None])[0], "CarePlan/")
                if replaced:
                    previous.append((pathway, replaced))
            self.pathways[data["id"]] = pathway
        for pathway, old in previous:
            if old in self.pathways and pathway.previous_id is None:
                pathway.previous = self.pathways[old]
                pathway.save(update_fields=["previous", "updated_at"])

    def tasks(self) -> None:
        for where, data in self.each("Task"):
            pathway = self.pathways[_ref_id((data.get("basedOn") or [None])[0], "CarePlan/") or ""]
            record = _ext(data, codes.EXT_STOP_POINT_RECORD)
            code = data["code"]["coding"][0]["code"]
            definition = pathway.version.definitions.filter(code=code).first()
            if definition is None or record is None:
                raise RestoreError(where, "the stop point does not match its template version")
            occurrence = int(_sub(record, "occurrence"))
            stop_point = pm.StopPoint.objects.filter(
                pathway=pathway, definition=definition, occurrence=occurrence
            ).first()
            if stop_point is None:
                stop_point = pm.StopPoint.objects.create(
                    pathway=pathway,
                    definition=definition,
                    occurrence=occurrence,
                    triggered_at=_dt(_sub(record, "triggered")),
                    opens_at=_dt(_sub(record, "opens")),
                    due_at=_dt(_sub(record, "due")),
                    due_all_day=bool(_sub(record, "dueAllDay")),
                    ends_at=_dt(_sub(record, "ends")),
                    completed_at=_dt(_sub(record, "completed")),
                    completed_by_id=self.user_id(_sub(record, "completedBy")),
                    not_relevant_at=_dt(_sub(record, "notRelevant")),
                    not_relevant_reason=(data.get("statusReason") or {}).get("text", "")
                    if _sub(record, "notRelevant")
                    else "",
                    interrupted_at=_dt(_sub(record, "interrupted")),
                    assignee_id=self.user_id(_sub(record, "assignee")),
                    revision=int((data.get("meta") or {}).get("versionId") or 0),
                )
                self.count("stop_points")
            self.stop_points[data["id"]] = stop_point

    def goals_(self) -> None:
        for _where, data in self.each("Goal"):
            patient_id = self.patients[_ref_id(data.get("subject"), "Patient/") or ""]
            recorded = _dt(_ext_value(data, codes.ext("recorded")))
            text = data["description"]["text"]
            goal = Goal.objects.filter(
                patient_id=patient_id, text=text, created_at=recorded
            ).first()
            if goal is None:
                status = (_ext_value(data, codes.ext("goal-status")) or {}).get(
                    "code", Goal.Status.ACTIVE
                )
                goal = Goal.objects.create(
                    patient_id=patient_id,
                    municipality_id=self.controllers[patient_id],
                    version=self.forms[_ext_value(data, codes.ext("what-matters-form"))],
                    text=text,
                    answered_by=(_ext_value(data, codes.EXT_ANSWERED_BY) or {}).get(
                        "code", "patient"
                    ),
                    status=status,
                    status_changed_at=_dt(_ext_value(data, codes.ext("status-changed"))),
                )
                Goal.objects.filter(pk=goal.pk).update(
                    created_at=recorded
                )  # a restore keeps when it was recorded
                self.count("goals")
            self.goals[data["id"]] = goal.pk

    def responses(self) -> None:
        for _where, data in self.each("QuestionnaireResponse"):
            if data["id"].startswith("scoring-"):
                self._scoring(data)
        for _where, data in self.each("QuestionnaireResponse"):
            if data["id"].startswith("sp-"):
                self._answers(data)

    def _scoring(self, data: Json) -> None:
        patient_id = self.patients[_ref_id(data.get("subject"), "Patient/") or ""]
        version = self.forms[data["questionnaire"]]
        kind = _ext_value(data, codes.ext("scoring-kind"))
        scored_at = _dt(data["authored"])
        scoring = Scoring.objects.filter(
            patient_id=patient_id, version=version, kind=kind, scored_at=scored_at
        ).first()
        if scoring is None:
            task = _ref_id(_ext_value(data, codes.ext("task")), "Task/")
            episode = _ref_id((data.get("basedOn") or [None])[0], "CarePlan/")
            scoring = Scoring.objects.create(
                pathway=self.pathways.get(episode) if episode else None,
                patient_id=patient_id,
                municipality_id=self.controllers[patient_id],
                version=version,
                kind=kind,
                scored_at=scored_at,
                answered_by=(_ext_value(data, codes.EXT_ANSWERED_BY) or {}).get("code", "patient"),
                recorded_by_id=self.user_id(data.get("author")),
                stop_point=self.stop_points.get(task) if task else None,
            )
            for item in data.get("item") or []:
                goal_old = _ref_id(_ext_value(item, codes.ext("goal")), "Goal/")
                value = next(
                    (
                        a["valueInteger"]
                        for i in item.get("item") or []
                        if i["linkId"] == "goal.score"
                        for a in i.get("answer") or []
                    ),
                    None,
                )
                if goal_old is not None and value is not None:
                    Score.objects.create(scoring=scoring, goal_id=self.goals[goal_old], value=value)
            self.count("scorings")
        self.scorings[data["id"]] = scoring.pk

    def _answers(self, data: Json) -> None:
        stop_point = self.stop_points[data["id"].removeprefix("sp-")]
        items = {i.key: i for i in stop_point.definition.items.all()}
        for entry in data.get("item") or []:
            item = items[entry["linkId"]]
            if pm.ChecklistAnswer.objects.filter(stop_point=stop_point, item=item).exists():
                continue
            answered = _ext(entry, codes.EXT_ANSWERED)
            pm.ChecklistAnswer.objects.create(
                stop_point=stop_point,
                item=item,
                value=self._value(item, entry.get("answer") or []),
                not_relevant_reason=_ext_value(entry, codes.EXT_NOT_RELEVANT) or "",
                answered_by_id=self.user_id(_sub(answered, "by")),
                answered_at=_dt(_sub(answered, "at")),
            )
            self.count("answers")

    def _value(self, item: pm.ChecklistItem, answers: list[Json]) -> Any:
        values = []
        for answer in answers:
            if "valueReference" in answer:
                link = json.loads(_ext_value(answer, codes.ext("what-matters-link")) or "{}")
                old = answer["valueReference"]["reference"].removeprefix("QuestionnaireResponse/")
                values.append({"scoring": self.scorings[old], **link})
                continue
            key = next(k for k in answer if k.startswith("value"))
            value = answer[key]
            values.append(value.get("code") if key == "valueCoding" else value)
        if item.kind == pm.ChecklistItem.Kind.MULTIPLE_CHOICE:
            return values
        return values[0] if values else None
