"""The resource types the FHIR endpoint serves: where their rows come from, who may see them,
their search parameters, and paging. The CapabilityStatement is generated from this registry,
so it lists exactly what is supported.

Patient data is reached only through the access rule for people:
``Patient.objects.visible_to(caller.user)`` (a system client's service user, see
``interop.models.SystemClient``), and single patients through
``patients.selectors.patient_get_for_user``. Every row of patient data returned is audited
(one row per patient and request, naming the client).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from forlop.core.models import AuditEvent, AuditVerb, Organisation, Unit, User
from forlop.goals.models import Goal, Score, Scoring, WhatMattersFormVersion
from forlop.interop.fhir import codes, mappers
from forlop.interop.fhir.outcome import FhirError
from forlop.pathways import models as pm
from forlop.pathways import rules
from forlop.pathways.deadlines import start_of_day
from forlop.patients.models import HospitalStay, Patient
from forlop.patients.selectors import patient_get_for_user

Json = dict[str, Any]
DEFAULT_COUNT = 50
MAX_COUNT = 200


@dataclass
class Caller:
    """Who asks: a system client's service user (or, for the CLI export, nobody with a patient
    filter given by the command), the granted scopes and the clock."""

    user: User | None
    now: datetime
    scope: str = ""
    client_id: str = ""
    patients: QuerySet[Patient] | None = None  # the CLI's filter when there is no user
    audit: bool = True
    cache: dict[str, Any] = field(default_factory=dict)

    def visible_patients(self) -> QuerySet[Patient]:
        if self.user is not None:
            return Patient.objects.visible_to(self.user, now=self.now)
        if self.patients is not None:
            return self.patients
        return Patient.objects.none()

    def visible_patient_ids(self) -> QuerySet[Patient]:
        return self.visible_patients().values("pk")


# --- parameter parsing ----------------------------------------------------------------------

_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")


def _bad_param(name: str) -> FhirError:
    return FhirError.one(
        400, "invalid", _("The search parameter has a value Forløp cannot read."), name
    )


def parse_date_param(name: str, raw: str) -> tuple[str, datetime, datetime]:
    """(prefix, start, end) of a date search value; a day is [00:00, 24:00) in Oslo."""
    prefix = raw[:2] if raw[:2] in _PREFIXES else "eq"
    value = raw[2:] if raw[:2] in _PREFIXES else raw
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return prefix, start_of_day(day), start_of_day(day + timedelta(days=1))
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _bad_param(name) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=rules.OSLO)
    return prefix, moment, moment


def date_q(field_name: str, name: str, raw: str) -> Q:
    prefix, start, end = parse_date_param(name, raw)
    if prefix == "eq":
        return (
            Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
            if end > start
            else Q(**{field_name: start})
        )
    if prefix == "ne":
        return ~date_q(field_name, name, raw[2:])
    if prefix in ("gt", "sa"):
        return Q(**{f"{field_name}__gte" if end > start else f"{field_name}__gt": end})
    if prefix in ("lt", "eb"):
        return Q(**{f"{field_name}__lt": start})
    if prefix == "ge":
        return Q(**{f"{field_name}__gte": start})
    return Q(**{f"{field_name}__lt" if end > start else f"{field_name}__lte": end})  # le


def reference_id(name: str, raw: str, resource_type: str, prefix: str = "") -> int | None:
    """The pk in ``Patient/12`` or ``12`` (``prefix`` such as ``unit-``); None if another type."""
    value = raw
    if "/" in value:
        kind, _slash, value = value.rpartition("/")
        if kind.rsplit("/", 1)[-1] != resource_type:
            return None
    if prefix:
        if not value.startswith(prefix):
            return None
        value = value[len(prefix) :]
    if not value.isdigit():
        raise _bad_param(name)
    return int(value)


def token_parts(raw: str) -> tuple[str | None, str]:
    if "|" in raw:
        system, _bar, code = raw.partition("|")
        return system, code
    return None, raw


# --- sources and types ----------------------------------------------------------------------

Filter = Callable[[QuerySet[Any], str, "Caller"], QuerySet[Any]]


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # FHIR SearchParamType
    documentation: str
    url: str = ""
    post_only: bool = False  # the value is personal data (identity number, name): never in a URL


@dataclass(frozen=True)
class Source:
    """One kind of row behind a FHIR type (Organization has organisations and units)."""

    prefix: str
    base: Callable[[Caller], QuerySet[Any]]
    to_fhir: Callable[[Sequence[Any], Caller], list[Json]]
    filters: dict[str, Filter]
    patient_field: str | None = None  # for the audit: where the patient's pk is

    def id_q(self, raw: str) -> Q | None:
        if not raw.startswith(self.prefix) or not raw[len(self.prefix) :].isdigit():
            return None
        return Q(pk=int(raw[len(self.prefix) :]))


@dataclass(frozen=True)
class ResourceType:
    name: str
    sources: tuple[Source, ...]
    params: tuple[SearchParam, ...]
    profile: str = ""
    documentation: str = ""
    writable: tuple[str, ...] = ()  # interactions beyond read/search-type

    def param(self, name: str) -> SearchParam | None:
        return next((p for p in self.params if p.name == name), None)


def _updated_filter(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    return qs.filter(date_q("updated_at", "_lastUpdated", raw))


def _patient_filter(path: str) -> Filter:
    def apply(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
        pk = reference_id("patient", raw, "Patient")
        return qs.filter(**{path: pk}) if pk is not None else qs.none()

    return apply


def _choice_filter(mapping: dict[str, Q], name: str) -> Filter:
    def apply(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
        wanted = Q(pk__in=[])
        for value in raw.split(","):
            if value not in mapping:
                raise _bad_param(name)
            wanted |= mapping[value]
        return qs.filter(wanted)

    return apply


def _canonical_filter(url_of: Callable[[Any], str]) -> Filter:
    """``url`` search: compared in Python over a small, non-patient table (templates)."""

    def apply(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
        url, _bar, version = raw.partition("|")
        keep = [
            obj.pk
            for obj in qs
            if url_of(obj) == url and (not version or str(obj_version(obj)) == version)
        ]
        return qs.filter(pk__in=keep)

    return apply


def obj_version(obj: Any) -> int:
    if isinstance(obj, pm.StopPointDefinition):
        return obj.version.number
    return int(obj.number)


P_ID = SearchParam("_id", "token", "Logical id.")
P_UPDATED = SearchParam(
    "_lastUpdated", "date", "When the resource last changed (prefixes ge, gt, le, lt, eq)."
)
P_PATIENT = SearchParam("patient", "reference", "The patient (Patient/<id>).")


# Patient ------------------------------------------------------------------------------------


def _patient_identifier(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, value = token_parts(raw)
    if system is not None and system not in codes.PERSON_SYSTEMS.values() and system != "HNR":
        return qs.none()
    return qs.filter(identity_number=value)


def _patient_name(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    for word in raw.split():
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return qs


def _patients(caller: Caller) -> QuerySet[Patient]:
    return (
        caller.visible_patients()
        .select_related("municipality", "gp")
        .prefetch_related("services", "next_of_kin")
    )


PATIENT = ResourceType(
    name="Patient",
    profile=codes.NO_BASIS_PATIENT,
    documentation="The patients the client has a service need for (no-basis identifiers).",
    sources=(
        Source(
            prefix="",
            base=_patients,
            to_fhir=lambda rows, c: [
                mappers.patient_to_fhir(
                    p, services=p.services.all(), next_of_kin=p.next_of_kin.all()
                )
                for p in rows
            ],
            filters={
                "identifier": _patient_identifier,
                "name": _patient_name,
                "organization": lambda qs, raw, c: qs.filter(
                    municipality_id=reference_id("organization", raw, "Organization", "org-")
                ),
            },
            patient_field="pk",
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam(
            "identifier",
            "token",
            "fødselsnummer, D-, H- or FH-number (system|value). Only in a POST _search body: "
            "an identity number is never put in a URL.",
            post_only=True,
        ),
        SearchParam(
            "name", "string", "Given or family name. Only in a POST _search body.", post_only=True
        ),
        SearchParam("organization", "reference", "The municipality (Organization/org-<id>)."),
    ),
)


# Organization -------------------------------------------------------------------------------


def _org_identifier(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, value = token_parts(raw)
    if system in (None, codes.OID_ENH):
        match = Q(org_number=value)
        if system is None:
            match |= Q(code=value)
        return qs.filter(match)
    if system == codes.SYSTEM_ORG_CODE:
        return qs.filter(code=value)
    return qs.none()


def _unit_identifier(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, value = token_parts(raw)
    if system in (None, codes.SYSTEM_UNIT):
        return qs.filter(code=value)
    return qs.none()


ORGANIZATION = ResourceType(
    name="Organization",
    profile=codes.NO_BASIS_ORGANIZATION,
    documentation="Organisations (id org-<n>, organisation number) and their units (id unit-<n>, partOf). "
    "Forløp holds no HER-id yet.",
    sources=(
        Source(
            prefix="org-",
            base=lambda c: Organisation.objects.select_related("municipality").order_by("pk"),
            to_fhir=lambda rows, c: [mappers.organisation_to_fhir(o) for o in rows],
            filters={
                "identifier": _org_identifier,
                "name": lambda qs, raw, c: qs.filter(name__icontains=raw),
            },
        ),
        Source(
            prefix="unit-",
            base=lambda c: Unit.objects.select_related("organisation").order_by("pk"),
            to_fhir=lambda rows, c: [mappers.unit_to_fhir(u) for u in rows],
            filters={
                "identifier": _unit_identifier,
                "name": lambda qs, raw, c: qs.filter(name__icontains=raw),
            },
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam(
            "identifier",
            "token",
            "Organisation number (urn:oid:2.16.578.1.12.4.1.4.101|<9 digits>) or unit code.",
        ),
        SearchParam("name", "string", "Part of the name."),
    ),
)


# Practitioner -------------------------------------------------------------------------------


def _practitioners(caller: Caller) -> QuerySet[User]:
    staff = User.objects.filter(memberships__active=True, system_client__isnull=True)
    return User.objects.filter(pk__in=staff.values("pk")).order_by("pk")


def _hpr_filter(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, value = token_parts(raw)
    if system not in (None, codes.OID_HPR) or not value:
        return qs.none()
    return qs.filter(hpr_number=value)


PRACTITIONER = ResourceType(
    name="Practitioner",
    profile=codes.NO_BASIS_PRACTITIONER,
    documentation="Staff with an active membership, with the HPR number when known.",
    sources=(
        Source(
            prefix="",
            base=_practitioners,
            to_fhir=lambda rows, c: [mappers.practitioner_to_fhir(u) for u in rows],
            filters={"identifier": _hpr_filter},
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam("identifier", "token", "HPR number (urn:oid:2.16.578.1.12.4.1.4.4|<n>)."),
    ),
)


# PlanDefinition and Questionnaire ----------------------------------------------------------

_TEMPLATE_STATUS = {
    "active": Q(status=pm.TemplateVersion.Status.PUBLISHED),
    "draft": Q(status=pm.TemplateVersion.Status.DRAFT),
}


def _versions(caller: Caller) -> QuerySet[pm.TemplateVersion]:
    return (
        pm.TemplateVersion.objects.select_related("template__organisation")
        .prefetch_related("definitions__items", "definitions__version__template")
        .order_by("pk")
    )


PLAN_DEFINITION = ResourceType(
    name="PlanDefinition",
    documentation="Pathway templates, one resource per version; stop points are actions with "
    "their timing (timingDuration from the anchor, or a relatedAction offset).",
    sources=(
        Source(
            prefix="",
            base=_versions,
            to_fhir=lambda rows, c: [mappers.plan_definition_to_fhir(v) for v in rows],
            filters={
                "status": _choice_filter(_TEMPLATE_STATUS, "status"),
                "url": _canonical_filter(lambda v: f"{codes.CANONICAL_PLAN}/{v.template.code}"),
            },
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam("status", "token", "active (published) or draft."),
        SearchParam("url", "uri", "Canonical URL, optionally |version."),
    ),
)

_DEFINITION_STATUS = {
    "active": Q(version__status=pm.TemplateVersion.Status.PUBLISHED),
    "draft": Q(version__status=pm.TemplateVersion.Status.DRAFT),
}

QUESTIONNAIRE = ResourceType(
    name="Questionnaire",
    documentation="Stop-point checklists (id sp-<n>) and 'what matters' forms (id wm-<n>).",
    sources=(
        Source(
            prefix="sp-",
            base=lambda c: (
                pm.StopPointDefinition.objects.select_related("version__template")
                .prefetch_related("items")
                .order_by("pk")
            ),
            to_fhir=lambda rows, c: [mappers.questionnaire_to_fhir(d) for d in rows],
            filters={
                "status": _choice_filter(_DEFINITION_STATUS, "status"),
                "url": _canonical_filter(mappers.questionnaire_url),
            },
        ),
        Source(
            prefix="wm-",
            base=lambda c: (
                WhatMattersFormVersion.objects.select_related("form")
                .prefetch_related("questions")
                .order_by("pk")
            ),
            to_fhir=lambda rows, c: [mappers.what_matters_questionnaire_to_fhir(v) for v in rows],
            filters={
                "status": _choice_filter(
                    {"active": Q(published=True), "draft": Q(published=False)}, "status"
                ),
                "url": _canonical_filter(mappers.what_matters_url),
            },
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        SearchParam("status", "token", "active or draft."),
        SearchParam("url", "uri", "Canonical URL, optionally |version."),
    ),
)


# CarePlan and EpisodeOfCare ----------------------------------------------------------------


def _pathways(caller: Caller) -> QuerySet[pm.Pathway]:
    return (
        pm.Pathway.objects.filter(patient__in=caller.visible_patient_ids())
        .select_related("version__template", "unit", "primary_contact")
        .order_by("pk")
    )


def _careplans(rows: Sequence[pm.Pathway], caller: Caller) -> list[Json]:
    ids = [p.pk for p in rows]
    stop_points: dict[int, list[int]] = {}
    for sp_id, pathway_id in (
        pm.StopPoint.objects.filter(pathway_id__in=ids)
        .order_by("due_at", "pk")
        .values_list("pk", "pathway_id")
    ):
        stop_points.setdefault(pathway_id, []).append(sp_id)
    goals: dict[int, list[int]] = {}
    for goal_id, patient_id in (
        Goal.objects.filter(patient_id__in={p.patient_id for p in rows})
        .order_by("pk")
        .values_list("pk", "patient_id")
    ):
        goals.setdefault(patient_id, []).append(goal_id)
    return [
        mappers.careplan_to_fhir(
            p, stop_point_ids=stop_points.get(p.pk, []), goal_ids=goals.get(p.patient_id, [])
        )
        for p in rows
    ]


_PATHWAY_STATUS = {"active": Q(ended_at__isnull=True), "completed": Q(ended_at__isnull=False)}

CAREPLAN = ResourceType(
    name="CarePlan",
    documentation="Running and ended pathways; activities are the stop points (Task).",
    sources=(
        Source(
            prefix="",
            base=_pathways,
            to_fhir=_careplans,
            filters={
                "patient": _patient_filter("patient_id"),
                "status": _choice_filter(_PATHWAY_STATUS, "status"),
            },
            patient_field="patient_id",
        ),
    ),
    params=(P_ID, P_UPDATED, P_PATIENT, SearchParam("status", "token", "active or completed.")),
)

EPISODE_OF_CARE = ResourceType(
    name="EpisodeOfCare",
    documentation="The pathway's timeline: one milestone extension per registered time "
    "(started, discharged, arrived home, ended; issue 9 adds ready for discharge, the planned "
    "discharge and the short stay).",
    sources=(
        Source(
            prefix="",
            base=_pathways,
            to_fhir=lambda rows, c: [mappers.episode_of_care_to_fhir(p) for p in rows],
            filters={
                "patient": _patient_filter("patient_id"),
                "status": _choice_filter(
                    {"active": Q(ended_at__isnull=True), "finished": Q(ended_at__isnull=False)},
                    "status",
                ),
            },
            patient_field="patient_id",
        ),
    ),
    params=(P_ID, P_UPDATED, P_PATIENT, SearchParam("status", "token", "active or finished.")),
)


def _stays(caller: Caller) -> QuerySet[HospitalStay]:
    return (
        HospitalStay.objects.filter(patient__in=caller.visible_patient_ids())
        .select_related("ward__organisation")
        .order_by("pk")
    )


ENCOUNTER = ResourceType(
    name="Encounter",
    documentation="Hospital stays (admission to discharge).",
    sources=(
        Source(
            prefix="",
            base=_stays,
            to_fhir=lambda rows, c: [mappers.encounter_to_fhir(s) for s in rows],
            filters={
                "patient": _patient_filter("patient_id"),
                "status": _choice_filter(
                    {
                        "in-progress": Q(discharged_at__isnull=True),
                        "finished": Q(discharged_at__isnull=False),
                    },
                    "status",
                ),
            },
            patient_field="patient_id",
        ),
    ),
    params=(P_ID, P_UPDATED, P_PATIENT, SearchParam("status", "token", "in-progress or finished.")),
    writable=("transaction",),
)


# Task ---------------------------------------------------------------------------------------


def _stop_points(caller: Caller) -> QuerySet[pm.StopPoint]:
    return (
        pm.StopPoint.objects.filter(pathway__patient__in=caller.visible_patient_ids())
        .select_related(
            "definition__version__template",
            "completed_by",
            "pathway__patient__gp",
            "pathway__unit",
            "pathway__primary_contact",
            "assignee",
        )
        .annotate(first_answer_at=Min("answers__answered_at"), n_answers=Count("answers"))
        .order_by("pk")
    )


def _tasks(rows: Sequence[pm.StopPoint], caller: Caller) -> list[Json]:
    return [
        mappers.task_to_fhir(
            sp,
            now=caller.now,
            first_answer_at=getattr(sp, "first_answer_at", None),
            has_answers=bool(getattr(sp, "n_answers", 0)),
        )
        for sp in rows
    ]


def _task_status_map(caller: Caller) -> dict[str, Q]:
    open_q = Q(completed_at__isnull=True, not_relevant_at__isnull=True, interrupted_at__isnull=True)
    return {
        "requested": open_q & Q(opens_at__gt=caller.now),
        "ready": open_q & Q(opens_at__lte=caller.now),
        "completed": Q(completed_at__isnull=False),
        "cancelled": Q(completed_at__isnull=True)
        & (Q(not_relevant_at__isnull=False) | Q(interrupted_at__isnull=False)),
        "in-progress": Q(pk__in=[]),
    }


def _task_status(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    return _choice_filter(_task_status_map(caller), "status")(qs, raw, caller)


def _task_owner(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    unit_id = reference_id("owner", raw, "Organization", "unit-") if "unit-" in raw else None
    if unit_id is not None:
        return qs.filter(pathway__unit_id=unit_id)
    person = reference_id("owner", raw, "Practitioner") if "unit-" not in raw else None
    if person is None:
        return qs.none()
    # Who answers for the owner's part, or for a part another role completes (HPH3's GP
    # part): the person assigned, else the role's natural person (the pathway's primary
    # contact, the patient's GP), as on the work list.
    owner_theirs = Q(assignee_id=person) | Q(assignee__isnull=True) & (
        Q(definition__responsible_role="primary_contact", pathway__primary_contact_id=person)
        | Q(definition__responsible_role="gp", pathway__patient__gp_id=person)
    )
    part_theirs = pm.StopPointPart.objects.filter(stop_point=OuterRef("pk")).filter(
        Q(assignee_id=person)
        | Q(assignee__isnull=True)
        & (
            Q(role="primary_contact", stop_point__pathway__primary_contact_id=person)
            | Q(role="gp", stop_point__pathway__patient__gp_id=person)
        )
    )
    return qs.filter(owner_theirs | Exists(part_theirs))


def _task_due(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    """The deadline (restriction.period.end) against a date: an all-day deadline covers its day."""
    prefix, start, end = parse_date_param("due", raw)
    if prefix == "ge":
        return qs.filter(ends_at__gt=start) if start != end else qs.filter(ends_at__gte=start)
    if prefix == "gt":
        return qs.filter(due_at__gte=end)
    if prefix == "le":
        return qs.filter(due_at__lt=end) if end > start else qs.filter(due_at__lte=end)
    if prefix == "lt":
        return qs.filter(due_at__lt=start)
    if prefix == "eq":
        return (
            qs.filter(due_at__lt=end, ends_at__gt=start) if end > start else qs.filter(due_at=start)
        )
    raise _bad_param("due")


def _task_code(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    system, code = token_parts(raw)
    if system not in (None, codes.CS_STOP_POINT):
        return qs.none()
    return qs.filter(definition__code=code)


TASK = ResourceType(
    name="Task",
    documentation="Stop points: status (requested before the window opens, ready while open, "
    "completed, cancelled when not relevant or interrupted; the derived status in "
    "businessStatus), owner, restriction.period (window opens to deadline), executionPeriod; "
    "meta.versionId is the revision used for optimistic concurrency.",
    sources=(
        Source(
            prefix="",
            base=_stop_points,
            to_fhir=_tasks,
            filters={
                "patient": _patient_filter("pathway__patient_id"),
                "status": _task_status,
                "owner": _task_owner,
                "due": _task_due,
                "code": _task_code,
                "based-on": lambda qs, raw, c: qs.filter(
                    pathway_id=reference_id("based-on", raw, "CarePlan")
                ),
            },
            patient_field="pathway__patient_id",
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        P_PATIENT,
        SearchParam("status", "token", "requested, ready, completed, cancelled (comma for any)."),
        SearchParam(
            "owner",
            "reference",
            "Practitioner/<id> (who answers for it) or Organization/unit-<id> (responsible unit).",
        ),
        SearchParam(
            "due",
            "date",
            "The deadline (restriction.period.end), with prefixes ge, gt, le, lt, eq: due=ge2026-01-01&due=le2026-01-31.",
            url=f"{codes.CS_SEARCH_PARAM}/Task-due",
        ),
        SearchParam("code", "token", "Stop-point code (HPH0 ... HPH6)."),
        SearchParam("based-on", "reference", "The pathway (CarePlan/<id>)."),
    ),
    writable=("update", "transaction"),
)


# Goal, QuestionnaireResponse, Observation ---------------------------------------------------

_GOAL_LIFECYCLE = {
    "active": Q(status=Goal.Status.ACTIVE),
    "completed": Q(status=Goal.Status.REACHED),
    "cancelled": Q(status__in=[Goal.Status.CHANGED, Goal.Status.DROPPED]),
}

GOAL = ResourceType(
    name="Goal",
    documentation="The patient's goals in their own words ('Hva er viktig for deg?'); expressedBy the patient.",
    sources=(
        Source(
            prefix="",
            base=lambda c: (
                Goal.objects.filter(patient__in=c.visible_patient_ids())
                .select_related("version")
                .order_by("pk")
            ),
            to_fhir=lambda rows, c: [mappers.goal_to_fhir(g) for g in rows],
            filters={
                "patient": _patient_filter("patient_id"),
                "lifecycle-status": _choice_filter(_GOAL_LIFECYCLE, "lifecycle-status"),
            },
            patient_field="patient_id",
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        P_PATIENT,
        SearchParam("lifecycle-status", "token", "active, completed or cancelled."),
    ),
)


def _answered_stop_points(caller: Caller) -> QuerySet[pm.StopPoint]:
    with_answers = pm.ChecklistAnswer.objects.values("stop_point_id")
    return (
        pm.StopPoint.objects.filter(
            pathway__patient__in=caller.visible_patient_ids(), pk__in=with_answers
        )
        .select_related("definition__version__template", "pathway", "completed_by")
        .prefetch_related("answers__item", "answers__answered_by")
        .order_by("pk")
    )


def _checklist_responses(rows: Sequence[pm.StopPoint], caller: Caller) -> list[Json]:
    return [mappers.checklist_response_to_fhir(sp, list(sp.answers.all())) for sp in rows]


def _scorings(caller: Caller) -> QuerySet[Scoring]:
    return (
        Scoring.objects.filter(patient__in=caller.visible_patient_ids())
        .select_related("version", "recorded_by", "stop_point")
        .prefetch_related("scores__goal")
        .order_by("pk")
    )


QUESTIONNAIRE_RESPONSE = ResourceType(
    name="QuestionnaireResponse",
    documentation="Filled checklists (id sp-<stop point>) and 'what matters' scorings (id scoring-<n>).",
    sources=(
        Source(
            prefix="sp-",
            base=_answered_stop_points,
            to_fhir=_checklist_responses,
            filters={
                "patient": _patient_filter("pathway__patient_id"),
                "status": _choice_filter(
                    {
                        "completed": Q(completed_at__isnull=False),
                        "in-progress": Q(completed_at__isnull=True),
                    },
                    "status",
                ),
            },
            patient_field="pathway__patient_id",
        ),
        Source(
            prefix="scoring-",
            base=_scorings,
            to_fhir=lambda rows, c: [mappers.scoring_to_fhir(s) for s in rows],
            filters={
                "patient": _patient_filter("patient_id"),
                "status": _choice_filter({"completed": Q(), "in-progress": Q(pk__in=[])}, "status"),
            },
            patient_field="patient_id",
        ),
    ),
    params=(
        P_ID,
        P_UPDATED,
        P_PATIENT,
        SearchParam("status", "token", "completed or in-progress."),
    ),
    writable=("create", "transaction"),
)

OBSERVATION = ResourceType(
    name="Observation",
    documentation="The 0–10 scores of the patient's goals (focus: the Goal).",
    sources=(
        Source(
            prefix="score-",
            base=lambda c: (
                Score.objects.filter(scoring__patient__in=c.visible_patient_ids())
                .select_related("scoring__recorded_by")
                .order_by("pk")
            ),
            to_fhir=lambda rows, c: [mappers.score_to_fhir(s) for s in rows],
            filters={
                "patient": _patient_filter("scoring__patient_id"),
                "status": _choice_filter({"final": Q()}, "status"),
            },
            patient_field="scoring__patient_id",
        ),
    ),
    params=(P_ID, P_UPDATED, P_PATIENT, SearchParam("status", "token", "final.")),
)

REGISTRY: dict[str, ResourceType] = {
    t.name: t
    for t in (
        PATIENT,
        ORGANIZATION,
        PRACTITIONER,
        PLAN_DEFINITION,
        QUESTIONNAIRE,
        CAREPLAN,
        EPISODE_OF_CARE,
        ENCOUNTER,
        TASK,
        GOAL,
        QUESTIONNAIRE_RESPONSE,
        OBSERVATION,
    )
}

#: Order of the bulk export and of $everything (referenced resources first).
EXPORT_ORDER: tuple[str, ...] = tuple(REGISTRY)


# --- audit -----------------------------------------------------------------------------------


def audit_reads(
    caller: Caller, patient_ids: Iterable[int], *, resource_type: str, interaction: str
) -> None:
    """One audit row per patient whose data a request returned, naming the client."""
    if not caller.audit:
        return
    rows = [
        AuditEvent(
            actor=caller.user,
            verb=AuditVerb.PATIENT_VIEWED,
            patient_id=pid,
            data={"client": caller.client_id, "fhir": resource_type, "interaction": interaction},
        )
        for pid in sorted(set(patient_ids))
    ]
    AuditEvent.objects.bulk_create(rows)


def _patient_ids(source: Source, rows: Sequence[Any]) -> list[int]:
    if source.patient_field is None:
        return []
    ids = []
    for row in rows:
        value: Any = row
        for part in source.patient_field.split("__"):
            value = value.pk if part == "pk" else getattr(value, part)
        ids.append(int(value))
    return ids


# --- read and search --------------------------------------------------------------------------


def resource_read(caller: Caller, resource_type: ResourceType, logical_id: str) -> Json:
    """One resource by id, 404 when it does not exist or the caller may not see it."""
    if resource_type.name == "Patient":
        if not logical_id.isdigit():
            raise not_found()
        try:
            patient = patient_get_for_user(
                user=caller.user,  # type: ignore[arg-type]
                patient_id=int(logical_id),
                now=caller.now,
                data={"client": caller.client_id, "fhir": "Patient", "interaction": "read"},
            )
        except Http404:
            raise not_found() from None
        return mappers.patient_to_fhir(
            patient, services=patient.services.all(), next_of_kin=patient.next_of_kin.all()
        )
    for source in resource_type.sources:
        id_q = source.id_q(logical_id)
        if id_q is None:
            continue
        rows = list(source.base(caller).filter(id_q)[:1])
        if rows:
            audit_reads(
                caller,
                _patient_ids(source, rows),
                resource_type=resource_type.name,
                interaction="read",
            )
            return source.to_fhir(rows, caller)[0]
    raise not_found()


def not_found() -> FhirError:
    return FhirError.one(404, "not-found", _("No such resource, or you may not see it."))


@dataclass(frozen=True)
class SearchResult:
    resources: list[Json]
    total: int
    offset: int
    count: int


def filtered(
    caller: Caller, resource_type: ResourceType, source: Source, params: list[tuple[str, str]]
) -> QuerySet[Any] | None:
    qs = source.base(caller)
    for name, raw in params:
        if name == "_id":
            ids = [source.id_q(v) for v in raw.split(",")]
            wanted = [q for q in ids if q is not None]
            if not wanted:
                return None
            combined = Q(pk__in=[])
            for q in wanted:
                combined |= q
            qs = qs.filter(combined)
        elif name == "_lastUpdated":
            qs = _updated_filter(qs, raw, caller)
        else:
            apply = source.filters.get(name)
            if apply is None:
                return None
            qs = apply(qs, raw, caller)
    return qs


def resource_search(
    caller: Caller,
    resource_type: ResourceType,
    params: list[tuple[str, str]],
    *,
    offset: int = 0,
    count: int = DEFAULT_COUNT,
    interaction: str = "search-type",
) -> SearchResult:
    """Search one type: AND over the parameters, paged by ``offset``/``count`` over its sources."""
    for name, _raw in params:
        if name not in ("_id", "_lastUpdated") and resource_type.param(name) is None:
            raise FhirError.one(
                400, "not-supported", _("Forløp does not support this search parameter."), name
            )
    resources: list[Json] = []
    total = 0
    remaining_skip, remaining_take = offset, count
    for source in resource_type.sources:
        qs = filtered(caller, resource_type, source, params)
        if qs is None:
            continue
        n = qs.count()
        total += n
        if remaining_take <= 0 or remaining_skip >= n:
            remaining_skip = max(0, remaining_skip - n)
            continue
        rows = list(qs[remaining_skip : remaining_skip + remaining_take])
        remaining_skip = 0
        remaining_take -= len(rows)
        audit_reads(
            caller,
            _patient_ids(source, rows),
            resource_type=resource_type.name,
            interaction=interaction,
        )
        resources += source.to_fhir(rows, caller)
    return SearchResult(resources=resources, total=total, offset=offset, count=count)


def iterate_all(
    caller: Caller, resource_type: ResourceType, params: list[tuple[str, str]], *, chunk: int = 500
) -> Iterable[Json]:
    """Every matching resource, ``chunk`` rows at a time (bounded memory, for the bulk export)."""
    for source in resource_type.sources:
        qs = filtered(caller, resource_type, source, params)
        if qs is None:
            continue
        last_pk = 0
        while True:
            rows = list(qs.filter(pk__gt=last_pk).order_by("pk")[:chunk])
            if not rows:
                break
            last_pk = rows[-1].pk
            audit_reads(
                caller,
                _patient_ids(source, rows),
                resource_type=resource_type.name,
                interaction="export",
            )
            yield from source.to_fhir(rows, caller)
