"""Registry entries for the pathway's resources: CarePlan and EpisodeOfCare to Observation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet

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
from forlop.patients.models import HospitalStay

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
