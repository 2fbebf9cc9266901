"""Registry entries for the pathway's resources: CarePlan and EpisodeOfCare to Observation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

from forlop.core.models import Unit, User
from forlop.goals.models import Goal, Score, Scoring
from forlop.interop.fhir import codes, mappers
from forlop.interop.fhir.resources.directory import (
    P_ID,
    P_PATIENT,
    P_UPDATED,
)
from forlop.interop.fhir.resources.params import (
    Caller,
    Json,
    ResourceType,
    SearchParam,
    Source,
    _bad_param,
    _choice_filter,
    _patient_filter,
    parse_date_param,
    reference_id,
    token_parts,
)
from forlop.pathways import models as pm
from forlop.pathways.selectors.responsibility import PERSON_COLUMNS
from forlop.patients.models import HospitalStay, Patient

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
    # The stop point's own row only: ``_tasks`` fills in what the mapper reads around it.
    return pm.StopPoint.objects.filter(pathway__patient__in=caller.visible_patient_ids()).order_by(
        "pk"
    )


LOOKUP_LIMIT = 5000
"""Rows of one small table a caller keeps (``_lookup``); beyond it the kept rows start over."""


def _lookup(caller: Caller, kind: str, queryset: QuerySet[Any], ids: set[Any]) -> dict[int, Any]:
    """Rows of a small table (people, units, stop-point definitions) by id, read once per
    caller and kept in ``caller.cache``: joined into each stop point's row, they were fetched
    and built again for every one of them, most of the bulk export's time per Task (its
    datetimes parsed, its instances made; the export at a million pathways in
    docs/benchmarks.md). Bounded by ``LOOKUP_LIMIT`` per kind, whatever the export's size."""
    wanted = {i for i in ids if i is not None}
    kept: dict[int, Any] = caller.cache.setdefault(kind, {})
    missing = wanted - kept.keys()
    if missing:
        if len(kept) + len(missing) > LOOKUP_LIMIT:
            kept.clear()
            missing = wanted
        kept.update(queryset.in_bulk(missing))
    return kept


def _tasks(rows: Sequence[pm.StopPoint], caller: Caller) -> list[Json]:
    """The stop points as Tasks, with what ``task_to_fhir`` reads around them attached: their
    pathways (patient, unit, primary contact) and patients (the GP) in one query each, the
    definitions, units and people from ``_lookup``, and the first answer and whether there is
    one in one grouped query: four queries a page at most, and no column the mapper does not
    read (no person's password hash, no patient's identity number)."""
    pathways = pm.Pathway.objects.only("patient", "unit", "primary_contact").in_bulk(
        {sp.pathway_id for sp in rows}
    )
    patients = Patient.objects.only("gp").in_bulk({p.patient_id for p in pathways.values()})
    people = _lookup(
        caller,
        "people",
        User.objects.only(*PERSON_COLUMNS),
        {sp.assignee_id for sp in rows}
        | {p.primary_contact_id for p in pathways.values()}
        | {p.gp_id for p in patients.values()},
    )
    units = _lookup(
        caller, "units", Unit.objects.only("name"), {p.unit_id for p in pathways.values()}
    )
    definitions = _lookup(
        caller,
        "definitions",
        pm.StopPointDefinition.objects.select_related("version__template"),
        {sp.definition_id for sp in rows},
    )
    answers = {
        sp_id: (first, n)
        for sp_id, first, n in pm.ChecklistAnswer.objects.filter(
            stop_point_id__in=[sp.pk for sp in rows]
        )
        .order_by()
        .values("stop_point_id")
        .annotate(first=Min("answered_at"), n=Count("pk"))
        .values_list("stop_point_id", "first", "n")
    }
    out = []
    for sp in rows:
        pathway = pathways[sp.pathway_id]
        patient = patients[pathway.patient_id]
        patient.gp = people.get(patient.gp_id)
        pathway.patient = patient
        pathway.unit = units[pathway.unit_id]
        pathway.primary_contact = people.get(pathway.primary_contact_id)
        sp.pathway = pathway
        sp.definition = definitions[sp.definition_id]
        sp.assignee = people.get(sp.assignee_id)
        first_answer_at, n_answers = answers.get(sp.pk, (None, 0))
        out.append(
            mappers.task_to_fhir(
                sp, now=caller.now, first_answer_at=first_answer_at, has_answers=bool(n_answers)
            )
        )
    return out


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
