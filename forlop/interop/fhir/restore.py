"""``forlop import_fhir``: read an NDJSON export back, idempotently.

This is a restore, not a replay. Running the domain services again would plan every stop point
anew with today's rules and clock; an import must give back the history as it was (when each
stop point opened, fell due and was signed, by whom, every answer). So the importer writes the
rows itself, in one transaction with one audit row per patient (``AuditVerb.IMPORTED``), and
finds each row by its natural key first, so importing the same export twice changes nothing:

=================  ===========================================================
row                natural key
=================  ===========================================================
organisation       organisation number            unit: unit code
user               username (the Practitioner's secondary identifier)
template version   template code + version number (an existing one is kept)
what-matters form  form name + version number
patient            identity number
hospital stay      patient + ward + admission time
pathway            patient + template version + start time
stop point         pathway + stop-point code + occurrence
answer             stop point + item key
goal               patient + text + when recorded
scoring            patient + form version + kind + time
=================  ===========================================================

Not exported, so not restored: memberships (the receiving installation gives its own staff
their roles), pathway events, emergency access and audit rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction

from forlop.core.models import AuditEvent, AuditVerb, Organisation, Unit, User
from forlop.goals.models import (
    Goal,
    Score,
    Scoring,
    WhatMattersForm,
    WhatMattersFormVersion,
    WhatMattersQuestion,
)
from forlop.interop.fhir import codes
from forlop.interop.fhir.resources import EXPORT_ORDER
from forlop.interop.fhir.validate import validate_structure
from forlop.pathways import models as pm
from forlop.patients.models import HospitalStay, NextOfKin, Patient, PatientService

Json = dict[str, Any]


class RestoreError(ValueError):
    """A line that cannot be imported: ``where`` is file:line."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where}: {problem}")


def _lines(paths: list[Path], resource_type: str) -> Iterator[tuple[str, Json]]:
    """Stream the resources of one type from the files (a directory's <Type>.ndjson, or any
    .ndjson file holding several types)."""
    for path in paths:
        if (
            path.name.endswith(".ndjson")
            and path.stem in EXPORT_ORDER
            and path.stem != resource_type
        ):
            continue
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                where = f"{path.name}:{number}"
                try:
                    data = json.loads(line)
                except json.JSONDecodeError:
                    raise RestoreError(where, "not JSON") from None
                if data.get("resourceType") == resource_type:
                    yield where, data


def _ext(resource: Json, url: str) -> Json | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


def _sub(extension: Json | None, name: str) -> Any:
    if extension is None:
        return None
    for part in extension.get("extension") or []:
        if part.get("url") == name:
            return next((v for k, v in part.items() if k.startswith("value")), None)
    return None


def _dt(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and "T" in value else None


def _ref_id(reference: Any, prefix: str) -> str | None:
    ref = (reference or {}).get("reference") if isinstance(reference, dict) else None
    if isinstance(ref, str) and ref.startswith(prefix):
        return ref[len(prefix) :]
    return None


def _identifier(resource: Json, system: str) -> str | None:
    for identifier in resource.get("identifier") or []:
        if isinstance(identifier, dict) and identifier.get("system") == system:
            return str(identifier.get("value"))
    return None


@dataclass
class Restore:
    paths: list[Path]
    progress: Callable[[str, int], None] | None = None
    orgs: dict[str, Organisation] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    versions: dict[str, pm.TemplateVersion] = field(default_factory=dict)  # canonical url|version
    forms: dict[str, WhatMattersFormVersion] = field(default_factory=dict)
    patients: dict[str, int] = field(default_factory=dict)
    pathways: dict[str, pm.Pathway] = field(default_factory=dict)
    stop_points: dict[str, pm.StopPoint] = field(default_factory=dict)
    goals: dict[str, int] = field(default_factory=dict)
    scorings: dict[str, int] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    touched_patients: set[int] = field(default_factory=set)

    def count(self, name: str) -> None:
        self.created[name] = self.created.get(name, 0) + 1

    def each(self, resource_type: str) -> Iterator[tuple[str, Json]]:
        n = 0
        for where, data in _lines(self.paths, resource_type):
            try:
                validate_structure(data)
            except Exception as exc:  # FhirError: report the line, import nothing
                raise RestoreError(where, f"not a valid FHIR R4 {resource_type}") from exc
            n += 1
            if self.progress is not None and n % 100 == 0:
                self.progress(resource_type, n)
            yield where, data
        if self.progress is not None:
            self.progress(resource_type, n)

    def user(self, reference: Any) -> User | None:
        old = _ref_id(reference, "Practitioner/")
        pk = self.users.get(old) if old else None
        return User.objects.get(pk=pk) if pk else None

    def user_id(self, reference: Any) -> int | None:
        old = _ref_id(reference, "Practitioner/")
        return self.users.get(old) if old else None

    # --- organisations, users, templates ------------------------------------------------

    def organisations(self) -> None:
        parents: list[tuple[Organisation, str]] = []
        units: list[Json] = []
        for where, data in self.each("Organization"):
            if data["id"].startswith("unit-"):
                units.append(data)
                continue
            number = _identifier(data, codes.OID_ENH)
            if number is None:
                raise RestoreError(where, "an organisation needs its organisation number")
            org = Organisation.objects.filter(org_number=number).first()
            if org is None:
                kind = ((data.get("type") or [{}])[0].get("coding") or [{}])[0].get("code", "")
                org = Organisation.objects.create(
                    kind=kind,
                    name=data.get("name", ""),
                    code=_identifier(data, codes.SYSTEM_ORG_CODE) or f"org-{number}",
                    org_number=number,
                    municipality_number=_identifier(data, codes.OID_MUNICIPALITY) or "",
                )
                self.count("organisations")
                parent = _ref_id(data.get("partOf"), "Organization/")
                if parent:
                    parents.append((org, parent))
            self.orgs[data["id"]] = org
        for org, parent in parents:
            if parent in self.orgs and org.municipality_id is None:
                org.municipality = self.orgs[parent]
                org.save(update_fields=["municipality", "updated_at"])
        for data in units:
            code = _identifier(data, codes.SYSTEM_UNIT) or ""
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                parent = _ref_id(data.get("partOf"), "Organization/") or ""
                kind = ((data.get("type") or [{}])[0].get("coding") or [{}])[0].get("code", "")
                phone = next(
                    (t["value"] for t in data.get("telecom") or [] if t.get("system") == "phone"),
                    "",
                )
                unit = Unit.objects.create(
                    organisation=self.orgs[parent],
                    kind=kind,
                    name=data.get("name", ""),
                    code=code,
                    phone=phone,
                )
                self.count("units")
            self.units[data["id"]] = unit

    def practitioners(self) -> None:
        for where, data in self.each("Practitioner"):
            username = _identifier(data, codes.SYSTEM_USERNAME)
            if not username:
                raise RestoreError(where, "a practitioner needs its username identifier")
            user = User.objects.filter(username=username).first()
            if user is None:
                name = (data.get("name") or [{}])[0]
                user = User(
                    username=username,
                    first_name=" ".join(name.get("given") or []),
                    last_name=name.get("family", ""),
                    hpr_number=_identifier(data, codes.OID_HPR) or "",
                    is_active=bool(data.get("active", True)),
                )
                user.set_unusable_password()
                user.save()
                self.count("users")
            self.users[data["id"]] = user.pk

    def templates(self) -> None:
        questionnaires: dict[str, Json] = {}
        for _where, data in self.each("Questionnaire"):
            if data["id"].startswith("wm-"):
                self._form(data)
            else:
                questionnaires[f"{data['url']}|{data['version']}"] = data
        for _where, data in self.each("PlanDefinition"):
            self._plan(data, questionnaires)

    def _form(self, data: Json) -> None:
        key = f"{data['url']}|{data['version']}"
        version = WhatMattersFormVersion.objects.filter(
            form__name=data.get("title", ""), number=int(data["version"])
        ).first()
        if version is None:
            form = WhatMattersForm.objects.filter(
                name=data.get("title", ""), organisation__isnull=True
            ).first() or WhatMattersForm.objects.create(name=data.get("title", ""))
            version = WhatMattersFormVersion.objects.create(
                form=form, number=int(data["version"]), published=data.get("status") == "active"
            )
            goal = (data.get("item") or [{}])[0]
            score = next((i for i in goal.get("item") or [] if i.get("linkId") == "goal.score"), {})
            low, _dash, high = str(score.get("text", "")).partition(" – ")
            WhatMattersQuestion.objects.create(
                version=version,
                language="nb",
                text=goal.get("text", ""),
                anchor_min=low,
                anchor_max=high,
            )
            for translation in (goal.get("_text") or {}).get("extension") or []:
                lang = _sub(translation, "lang")
                text = _sub(translation, "content")
                if lang and text:
                    WhatMattersQuestion.objects.create(
                        version=version, language=lang, text=text, anchor_min=low, anchor_max=high
                    )
            self.count("what_matters_versions")
        self.forms[key] = version

    def _plan(self, data: Json, questionnaires: dict[str, Json]) -> None:
        template_code = _identifier(data, f"{codes.FORLOP}/NamingSystem/template") or data["name"]
        number = int(data["version"])
        key = f"{data['url']}|{number}"
        existing = pm.TemplateVersion.objects.filter(
            template__code=template_code, number=number
        ).first()
        if existing is not None:
            self.versions[key] = existing
            return
        from forlop.interop.fhir.templates import template_version_from_fhir

        self.versions[key] = template_version_from_fhir(
            plan=data, questionnaires=questionnaires, template_code=template_code
        )
        self.count("template_versions")

    # --- patients ---------------------------------------------------------------------

    def patients_(self) -> None:
        for where, data in self.each("Patient"):
            identifier = (data.get("identifier") or [{}])[0]
            number = identifier.get("value")
            if not number:
                raise RestoreError(where, "a patient needs an identity number")
            patient = Patient.objects.filter(identity_number=number).first()
            if patient is None:
                system = identifier.get("system")
                kind = {v: k for k, v in codes.PERSON_SYSTEMS.items()}.get(system, "hnr")
                name = (data.get("name") or [{}])[0]
                address = (data.get("address") or [{}])[0]
                municipality = self.orgs[
                    _ref_id(data.get("managingOrganization"), "Organization/") or ""
                ]
                patient = Patient.objects.create(
                    given_name=" ".join(name.get("given") or []),
                    family_name=name.get("family", ""),
                    identity_number=number,
                    id_kind=kind,
                    synthetic=any(
                        t.get("code") == "synthetic"
                        for t in (data.get("meta") or {}).get("tag") or []
                    ),
                    birth_date=date.fromisoformat(data["birthDate"])
                    if data.get("birthDate")
                    else None,
                    address=" ".join(address.get("line") or []),
                    postal_code=address.get("postalCode", ""),
                    city=address.get("city", ""),
                    phone=next(
                        (
                            t["value"]
                            for t in data.get("telecom") or []
                            if t.get("system") == "phone"
                        ),
                        "",
                    ),
                    municipality=municipality,
                    gp_id=self.user_id((data.get("generalPractitioner") or [None])[0]),
                    primary_contact_id=self.user_id(
                        {
                            "reference": f"Practitioner/{_ext_value(data, codes.ext('primary-contact'))}"
                        }
                        if _ext_value(data, codes.ext("primary-contact"))
                        else None
                    ),
                    deceased_at=_dt(data.get("deceasedDateTime")),
                )
                self.count("patients")
            self.patients[data["id"]] = patient.pk
            self.touched_patients.add(patient.pk)
            for extension in data.get("extension") or []:
                if extension.get("url") != codes.EXT_SERVED_BY:
                    continue
                unit = self.units[_ref_id(_sub(extension, "unit"), "Organization/") or ""]
                start = date.fromisoformat(_sub(extension, "start"))
                end = _sub(extension, "end")
                _service, created = PatientService.objects.get_or_create(
                    patient=patient,
                    unit=unit,
                    started_on=start,
                    defaults={"ended_on": date.fromisoformat(end) if end else None},
                )
                if created:
                    self.count("services")
            for contact in data.get("contact") or []:
                name = (contact.get("name") or {}).get("text", "")
                if not name or patient.next_of_kin.filter(name=name).exists():
                    continue
                NextOfKin.objects.create(
                    patient=patient,
                    name=name,
                    relation=((contact.get("relationship") or [{}])[0]).get("text", ""),
                    phone=next(
                        (
                            t["value"]
                            for t in contact.get("telecom") or []
                            if t.get("system") == "phone"
                        ),
                        "",
                    ),
                    is_primary=bool(_ext_value(contact, codes.ext("primary-next-of-kin"))),
                )
                self.count("next_of_kin")

    def stays(self) -> None:
        for _where, data in self.each("Encounter"):
            patient_id = self.patients[_ref_id(data.get("subject"), "Patient/") or ""]
            ward_code = (
                ((data.get("location") or [{}])[0].get("location") or {})
                .get("identifier", {})
                .get("value")
            )
            ward = Unit.objects.get(code=ward_code)
            admitted = _dt(data["period"]["start"])
            stay = HospitalStay.objects.filter(
                patient_id=patient_id, ward=ward, admitted_at=admitted
            ).first()
            if stay is None:
                HospitalStay.objects.create(
                    patient_id=patient_id,
                    ward=ward,
                    admitted_at=admitted,
                    discharged_at=_dt(data["period"].get("end")),
                    ready_for_discharge_at=_dt(_ext_value(data, codes.EXT_READY_FOR_DISCHARGE)),
                )
                self.count("stays")

    # --- pathways, stop points, answers -----------------------------------------------

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
            scoring = Scoring.objects.create(
                patient_id=patient_id,
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

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.organisations()
            self.practitioners()
            self.templates()
            self.patients_()
            self.stays()
            self.pathways_()
            self.tasks()
            self.goals_()
            self.responses()
            AuditEvent.objects.bulk_create(
                AuditEvent(
                    actor=None,
                    verb=AuditVerb.IMPORTED,
                    patient_id=pk,
                    data={"command": "import_fhir"},
                )
                for pk in sorted(self.touched_patients)
            )
        return self.created


def _ext_value(resource: Json, url: str) -> Any:
    extension = _ext(resource, url)
    if extension is None:
        return None
    return next((v for k, v in extension.items() if k.startswith("value")), None)


def import_ndjson(
    *, source: Path, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Import a directory of NDJSON files (or one file). Returns the rows created, by kind."""
    paths = sorted(source.glob("*.ndjson")) if source.is_dir() else [source]
    return Restore(paths=paths, progress=progress).run()


# --- what a round trip must keep ----------------------------------------------------------


def _canon(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in sorted(value.items()) if k != "scoring"}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


def content_digest() -> tuple[dict[str, int], str]:
    """Counts and a SHA-256 over the patients, pathways, stop points, answers, goals and scores,
    by natural keys (never primary keys), so two databases can be compared."""
    rows: dict[str, list[Any]] = {
        "patients": [
            [
                p.identity_number,
                p.given_name,
                p.family_name,
                p.birth_date,
                p.municipality.org_number,
                p.gp.username if p.gp else None,
            ]
            for p in Patient.objects.select_related("municipality", "gp")
        ],
        "pathways": [
            [
                p.patient.identity_number,
                p.version.template.code,
                p.version.number,
                p.unit.code,
                p.start_reason,
                p.started_at,
                p.discharged_at,
                p.arrived_home_at,
                p.ended_at,
                p.end_reason,
            ]
            for p in pm.Pathway.objects.select_related("patient", "version__template", "unit")
        ],
        "stop_points": [
            [
                s.pathway.patient.identity_number,
                s.pathway.started_at,
                s.definition.code,
                s.occurrence,
                s.triggered_at,
                s.opens_at,
                s.due_at,
                s.due_all_day,
                s.ends_at,
                s.completed_at,
                s.not_relevant_at,
                s.interrupted_at,
                s.completed_by.username if s.completed_by else None,
            ]
            for s in pm.StopPoint.objects.select_related(
                "pathway__patient", "definition", "completed_by"
            )
        ],
        "answers": [
            [
                a.stop_point.pathway.patient.identity_number,
                a.stop_point.pathway.started_at,
                a.stop_point.definition.code,
                a.stop_point.occurrence,
                a.item.key,
                a.value,
                a.not_relevant_reason,
                a.answered_at,
                a.answered_by.username,
            ]
            for a in pm.ChecklistAnswer.objects.select_related(
                "stop_point__pathway__patient", "stop_point__definition", "item", "answered_by"
            )
        ],
        "goals": [
            [g.patient.identity_number, g.text, g.status, g.answered_by, g.created_at]
            for g in Goal.objects.select_related("patient")
        ],
        "scores": [
            [
                s.scoring.patient.identity_number,
                s.scoring.kind,
                s.scoring.scored_at,
                s.goal.text,
                s.value,
            ]
            for s in Score.objects.select_related("scoring__patient", "goal")
        ],
    }
    canonical = {
        k: sorted(json.dumps(_canon(r), sort_keys=True) for r in v) for k, v in rows.items()
    }
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
    return {k: len(v) for k, v in rows.items()}, digest
