"""Reads of pathway data: access-checked lookups, work lists, adherence, care plan and chain.

Every read of one pathway or one stop point goes through ``pathway_get_for_user`` or
``stop_point_get_for_user``, which ask ``patients.selectors.patient_get_for_user`` (the access
function, which also writes the audit row). Lists are scoped in the database with
``Patient.objects.visible_to`` and issue a constant number of queries.

Statuses are derived with ``rules.stop_point_status`` from the stored times; they are never
stored. A stop point is *open* when ``completed_at``, ``not_relevant_at`` and
``interrupted_at`` are all null.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Min,
    Q,
    QuerySet,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Role, Unit, User
from forlop.pathways import models, rules
from forlop.pathways.deadlines import start_of_day
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_get_for_user

# --------------------------------------------------------------------------------------------
# Conversions between stored rows and the pure rules
# --------------------------------------------------------------------------------------------


def definition_rule(definition: models.StopPointDefinition) -> rules.StopPointDefinition:
    """The pure rules' view of a stored definition, without touching the database.

    (``versioning.definition_to_rule`` also reads the checklist keys, one query per
    definition; planning does not need them.)
    """
    return rules.StopPointDefinition(
        code=definition.code,
        title=definition.title,
        responsible_role=definition.responsible_role,
        trigger=definition.trigger,  # type: ignore[arg-type]  # parsed by __post_init__
        anchor=definition.anchor,  # type: ignore[arg-type]
        deadline_amount=definition.deadline_amount,
        deadline_unit=definition.deadline_unit,  # type: ignore[arg-type]
        window_amount=definition.window_amount,
        window_unit=definition.window_unit or None,  # type: ignore[arg-type]
        repeats=definition.repeats,
        trigger_events=frozenset(definition.trigger_events or ()),  # type: ignore[arg-type]
        after_code=definition.after_code or None,
    )


def stop_point_deadline(stop_point: models.StopPoint) -> rules.Deadline:
    if stop_point.due_all_day:
        return rules.Deadline.on_date(stop_point.due_at.astimezone(rules.OSLO).date())
    return rules.Deadline.at(stop_point.due_at)


def stop_point_state(stop_point: models.StopPoint) -> rules.StopPointState:
    """The recorded facts of a stored instance, for the pure rules."""
    return rules.StopPointState(
        opens_at=stop_point.opens_at,
        deadline=stop_point_deadline(stop_point),
        completed_at=stop_point.completed_at,
        not_relevant_at=stop_point.not_relevant_at,
        interrupted_at=stop_point.interrupted_at,
    )


def stop_point_status(stop_point: models.StopPoint, *, now: datetime) -> rules.StopPointStatus:
    """The derived status of a stored instance as of ``now``."""
    return rules.stop_point_status(stop_point_state(stop_point), now=now)


def pathway_anchors(pathway: models.Pathway) -> rules.PathwayAnchors:
    """The anchors of a pathway. A pathway that does not start with a discharge starts at home."""
    arrived = pathway.arrived_home_at
    if arrived is None and pathway.start_reason != models.Pathway.StartReason.DISCHARGE:
        arrived = pathway.started_at
    return rules.PathwayAnchors(
        started_at=pathway.started_at,
        discharged_at=pathway.discharged_at,
        arrived_home_at=arrived,
    )


# Database filters matching the rules' semantics ----------------------------------------------

OPEN_Q = Q(completed_at__isnull=True, not_relevant_at__isnull=True, interrupted_at__isnull=True)


def deadline_passed_q(now: datetime, prefix: str = "") -> Q:
    """Instances whose deadline has passed at ``now`` (``Deadline.has_passed_at``).

    An all-day deadline has passed from ``ends_at`` (midnight after the due date); an hours
    deadline has passed strictly after its instant.
    """
    return Q(**{f"{prefix}due_all_day": True, f"{prefix}ends_at__lte": now}) | Q(
        **{f"{prefix}due_all_day": False, f"{prefix}ends_at__lt": now}
    )


def met_deadline_q(field_name: str = "completed_at") -> Q:
    """Instances where ``field_name`` met the deadline (``Deadline.is_met_by``)."""
    return Q(due_all_day=True, **{f"{field_name}__lt": F("ends_at")}) | Q(
        due_all_day=False, **{f"{field_name}__lte": F("ends_at")}
    )


def _local_day_bounds(day: date) -> tuple[datetime, datetime]:
    return start_of_day(day), start_of_day(day + timedelta(days=1))


# --------------------------------------------------------------------------------------------
# Access-checked lookups
# --------------------------------------------------------------------------------------------


def pathway_get_for_user(
    *,
    user: User,
    pathway_id: int,
    now: datetime | None = None,
    verb: AuditVerb = AuditVerb.PATHWAY_VIEWED,
) -> models.Pathway:
    """The pathway if the user may see its patient (audited as ``verb``, PATHWAY_VIEWED unless
    a printed report says SUMMARY_PRINTED); Http404 otherwise."""
    pathway = (
        models.Pathway.objects.select_related(
            "version__template", "unit__organisation", "primary_contact", "previous"
        )
        .filter(pk=pathway_id)
        .first()
    )
    if pathway is None:
        raise Http404
    patient = patient_get_for_user(
        user=user,
        patient_id=pathway.patient_id,
        verb=verb,
        now=now,
        data={"pathway": pathway.pk},
    )
    pathway.patient = patient
    return pathway


def stop_point_get_for_user(
    *, user: User, pk: int, now: datetime | None = None
) -> models.StopPoint:
    """The stop point if the user may see its patient (audited as CHECKLIST_VIEWED); Http404 otherwise."""
    stop_point = (
        models.StopPoint.objects.select_related(
            "definition",
            "pathway__version__template",
            "pathway__unit",
            "pathway__primary_contact",
            "completed_by",
            "assignee",
            "event",
        )
        .filter(pk=pk)
        .first()
    )
    if stop_point is None:
        raise Http404
    patient = patient_get_for_user(
        user=user,
        patient_id=stop_point.pathway.patient_id,
        verb=AuditVerb.CHECKLIST_VIEWED,
        now=now,
        data={"stop_point": stop_point.pk, "code": stop_point.definition.code},
    )
    stop_point.pathway.patient = patient
    return stop_point


def pathways_for_patient(*, patient: Patient) -> QuerySet[models.Pathway]:
    """A patient's pathways, newest first. The caller has already checked access to ``patient``."""
    return models.Pathway.objects.filter(patient=patient).select_related(
        "version__template", "unit", "primary_contact", "previous"
    )


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    item: models.ChecklistItem
    answer: models.ChecklistAnswer | None

    @property
    def is_answered(self) -> bool:
        return self.answer is not None and (
            self.answer.value is not None or bool(self.answer.not_relevant_reason)
        )


def checklist_rows(*, stop_point: models.StopPoint) -> list[ChecklistRow]:
    """The checklist of a stop point (items of its definition) with the current answers.

    Two queries. The caller has already checked access (``stop_point_get_for_user``).
    """
    items = list(stop_point.definition.items.all())
    answers = {
        a.item_id: a
        for a in stop_point.answers.select_related("answered_by").filter(
            item__definition_id=stop_point.definition_id
        )
    }
    return [ChecklistRow(item=item, answer=answers.get(item.pk)) for item in items]


# --------------------------------------------------------------------------------------------
# Work list
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkItem:
    stop_point: models.StopPoint
    patient: Patient
    code: str
    title: str
    due_at: datetime
    all_day: bool
    responsible: User | None
    status: rules.StopPointStatus


@dataclass(frozen=True, slots=True)
class WorkList:
    overdue: list[WorkItem] = field(default_factory=list)
    due_today: list[WorkItem] = field(default_factory=list)
    due_this_week: list[WorkItem] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.overdue) + len(self.due_today) + len(self.due_this_week)


def _week_end(today: date) -> date:
    """The Sunday ending ``today``'s week (``today`` itself on a Sunday)."""
    return today + timedelta(days=6 - today.weekday())


def _worklist_queryset(*, now: datetime) -> QuerySet[models.StopPoint]:
    today = now.astimezone(rules.OSLO).date()
    week_ends = start_of_day(_week_end(today) + timedelta(days=1))
    return (
        models.StopPoint.objects.filter(OPEN_Q)
        .filter(pathway__ended_at__isnull=True)
        .filter(Q(due_at__lt=week_ends) | deadline_passed_q(now))
        .select_related(
            "definition",
            "assignee",
            "pathway__patient__gp",
            "pathway__primary_contact",
            "pathway__unit",
        )
        .order_by("ends_at", "due_at", "pk")
    )


def _responsible(stop_point: models.StopPoint) -> User | None:
    """Who answers for a stop point: its assignee, else the patient's GP for GP stop points,
    else the pathway's primary contact."""
    if stop_point.assignee is not None:
        return stop_point.assignee
    if (
        stop_point.definition.responsible_role == Role.GP
        and stop_point.pathway.patient.gp is not None
    ):
        return stop_point.pathway.patient.gp
    return stop_point.pathway.primary_contact


def _worklist_build(stop_points: Iterable[models.StopPoint], *, now: datetime) -> WorkList:
    today = now.astimezone(rules.OSLO).date()
    tomorrow_starts = _local_day_bounds(today)[1]
    result = WorkList()
    for sp in stop_points:
        status = stop_point_status(sp, now=now)
        item = WorkItem(
            stop_point=sp,
            patient=sp.pathway.patient,
            code=sp.definition.code,
            title=sp.definition.title,
            due_at=sp.due_at,
            all_day=sp.due_all_day,
            responsible=_responsible(sp),
            status=status,
        )
        if status is rules.StopPointStatus.OVERDUE:
            result.overdue.append(item)
        elif sp.due_at < tomorrow_starts:
            result.due_today.append(item)
        else:
            result.due_this_week.append(item)
    return result


def worklist(
    *,
    user: User,
    now: datetime,
    unit: Unit | None = None,
    assignee: User | None = None,
) -> WorkList:
    """Open stop points of the user's patients: overdue, due today and due later this week.

    Only patients the user has a service need for, only running pathways. ``unit`` keeps the
    pathways of that unit (the unit's list); without it this is the user's own list: the stop
    points whose responsible role is one of the user's roles or that are assigned to them (a
    GP sees the GP visits, the allocation office its discharge preparations), unless the user
    leads a unit and so follows everything. ``assignee`` keeps the stop points that person is
    responsible for (assigned to them, or unassigned in a pathway where they are the primary
    contact).
    Dates are calendar dates in Europe/Oslo; "this week" ends on Sunday.
    Two queries (the list and one audit row), whatever the number of patients.
    """
    qs = _worklist_queryset(now=now).filter(
        pathway__patient__in=Patient.objects.visible_to(user, now=now)
    )
    if unit is not None:
        qs = qs.filter(pathway__unit=unit)
    else:
        # Subqueries, not a separate read of the roles: the list stays one SELECT.
        memberships = Membership.objects.filter(user=user, active=True)
        qs = qs.filter(
            Exists(memberships.filter(role=Role.UNIT_LEADER))
            | Q(definition__responsible_role__in=memberships.values("role"))
            | Q(assignee=user)
        )
    if assignee is not None:
        qs = qs.filter(
            Q(assignee=assignee) | Q(assignee__isnull=True, pathway__primary_contact=assignee)
        )
    result = _worklist_build(qs, now=now)
    audit_record(  # one INSERT; no transaction needed
        actor=user,
        verb=AuditVerb.WORKLIST_VIEWED,
        data={"unit": unit.code if unit is not None else None, "items": result.total},
    )
    return result


def worklist_for_unit(*, unit: Unit, now: datetime) -> WorkList:
    """The work list of a unit, for the CLI (a system read without a user; audited)."""
    result = _worklist_build(_worklist_queryset(now=now).filter(pathway__unit=unit), now=now)
    audit_record(actor=None, verb=AuditVerb.WORKLIST_VIEWED, data={"unit": unit.code})
    return result


def worklist_counts(*, user: User, now: datetime) -> dict[str, int]:
    """How many of the user's open stop points are overdue and due today (one query, no audit)."""
    today = now.astimezone(rules.OSLO).date()
    tomorrow_starts = _local_day_bounds(today)[1]
    passed = deadline_passed_q(now)
    counts = (
        models.StopPoint.objects.filter(OPEN_Q)
        .filter(
            pathway__ended_at__isnull=True,
            pathway__patient__in=Patient.objects.visible_to(user, now=now),
        )
        .aggregate(
            overdue=Count("pk", filter=passed),
            today=Count("pk", filter=~passed & Q(due_at__lt=tomorrow_starts)),
        )
    )
    return {"overdue": counts["overdue"] or 0, "today": counts["today"] or 0}


# --------------------------------------------------------------------------------------------
# Adherence
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AdherenceRow:
    """Adherence for one group: instances whose deadline falls in the period.

    ``n_due`` counts every instance in the group; ``n_pending`` those not decided yet (not
    done and the deadline has not passed). ``share_on_time`` is ``n_on_time`` out of the
    decided ones (on time + late + missed), None when none is decided.
    """

    label: str
    n_due: int
    n_on_time: int
    n_late: int
    n_missed: int
    share_on_time: float | None
    n_pending: int = 0
    key: Any = None


AdherenceBy = Literal["definition", "unit", "employee"]


def adherence(
    *,
    units: Sequence[Unit] | QuerySet[Unit],
    date_from: date,
    date_to: date,
    now: datetime,
    by: AdherenceBy = "definition",
) -> list[AdherenceRow]:
    """Adherence per stop point, unit or employee, computed by the database.

    Counted: instances of main-checklist definitions (``in_chain``) in the given units whose
    deadline (its date in Europe/Oslo) falls in ``date_from``..``date_to`` (inclusive),
    except those marked not relevant or interrupted. As of ``now``: on time = completed by the
    deadline; late = completed after it; missed = not completed and the deadline has passed.
    ``by="employee"`` groups by who signed (or, when not done, the assignee).
    """
    period_start = _local_day_bounds(date_from)[0]
    period_end = _local_day_bounds(date_to)[1]
    done = Q(completed_at__isnull=False, completed_at__lte=now)
    on_time = done & met_deadline_q()
    qs = (
        models.StopPoint.objects.filter(
            pathway__unit__in=units,
            definition__in_chain=True,
            due_at__gte=period_start,
            due_at__lt=period_end,
        )
        .exclude(not_relevant_at__lte=now)
        .exclude(interrupted_at__lte=now)
    )
    counts = {
        "n_due": Count("pk"),
        "n_on_time": Count("pk", filter=on_time),
        "n_late": Count("pk", filter=done & ~met_deadline_q()),
        "n_missed": Count("pk", filter=~done & deadline_passed_q(now)),
    }
    if by == "definition":
        grouped = (
            qs.values(key=F("definition__code"))
            .annotate(title=Min("definition__title"), **counts)
            .order_by("key")
        )
        labels = {row["key"]: f"{row['key']} {row['title']}" for row in grouped}
    elif by == "unit":
        grouped = (
            qs.values(key=F("pathway__unit_id"))
            .annotate(title=Min("pathway__unit__name"), **counts)
            .order_by("title", "key")
        )
        labels = {row["key"]: row["title"] for row in grouped}
    elif by == "employee":
        grouped = (
            qs.annotate(
                person=Coalesce("completed_by_id", "assignee_id", output_field=IntegerField())
            )
            .values(key=F("person"))
            .annotate(**counts)
            .order_by("key")
        )
        people = User.objects.filter(pk__in=[row["key"] for row in grouped if row["key"]])
        labels = {person.pk: str(person) for person in people}
        labels[None] = _("Nobody assigned")
    else:
        raise ValueError(f"Unknown grouping {by!r}")
    rows = [
        AdherenceRow(
            label=labels.get(row["key"], str(row["key"])),
            n_due=row["n_due"],
            n_on_time=row["n_on_time"],
            n_late=row["n_late"],
            n_missed=row["n_missed"],
            share_on_time=_share(row["n_on_time"], row["n_late"] + row["n_missed"]),
            n_pending=row["n_due"] - row["n_on_time"] - row["n_late"] - row["n_missed"],
            key=row["key"],
        )
        for row in grouped
    ]
    if by == "employee":
        rows.sort(key=lambda r: (r.key is None, r.label))
    return rows


def _share(on_time: int, other_decided: int) -> float | None:
    decided = on_time + other_decided
    return on_time / decided if decided else None


# --------------------------------------------------------------------------------------------
# Care plan
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CarePlanEntry:
    key: str
    text: str
    domain: str
    domain_label: str
    value: Any
    not_relevant_reason: str
    answered_at: datetime
    answered_by: User
    stop_point_code: str
    pathway_id: int


def care_plan(*, patient: Patient) -> list[CarePlanEntry]:
    """The answers carried into the daily care plan: the latest per item key, all pathways.

    One query (``_latest_per_item_key``). The caller has already checked access to ``patient``.
    """
    latest = _latest_per_item_key(
        _answered(
            models.ChecklistAnswer.objects.filter(
                stop_point__pathway__patient=patient, item__carry_to_care_plan=True
            )
        ).select_related("answered_by")
    )
    domains = dict(models.AssessmentDomain.choices)
    return [
        CarePlanEntry(
            key=a.item.key,
            text=a.item.text,
            domain=a.item.domain,
            domain_label=str(domains.get(a.item.domain, "")),
            value=a.value,
            not_relevant_reason=a.not_relevant_reason,
            answered_at=a.answered_at,
            answered_by=a.answered_by,
            stop_point_code=a.stop_point.definition.code,
            pathway_id=a.stop_point.pathway_id,
        )
        for a in sorted(latest.values(), key=lambda a: (a.item.domain, a.item.key))
    ]


# --------------------------------------------------------------------------------------------
# The collaboration chain of one pathway
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ChainStopPoint:
    stop_point: models.StopPoint
    code: str
    title: str
    status: rules.StopPointStatus
    opens_at: datetime
    due_at: datetime
    all_day: bool
    completed_at: datetime | None
    responsible: User | None


@dataclass(frozen=True, slots=True)
class ChainLane:
    actor: str
    label: str
    definitions: list[models.StopPointDefinition]
    stop_points: list[ChainStopPoint]


@dataclass(frozen=True, slots=True)
class ChainView:
    pathway: models.Pathway
    lanes: list[ChainLane]
    events: list[models.PathwayEvent]
    previous: models.Pathway | None
    next: models.Pathway | None


def pathway_chain(*, pathway: models.Pathway, now: datetime) -> ChainView:
    """The pathway as a collaboration chain: one lane per actor, in the chain's order.

    Each lane has the version's definitions for that actor and their instances with status
    and dates; the events are on a timeline (oldest first). Four queries.
    """
    definitions = list(pathway.version.definitions.all())
    instances = list(
        pathway.stop_points.select_related("definition", "assignee", "completed_by").order_by(
            "due_at", "pk"
        )
    )
    events = list(pathway.events.select_related("recorded_by").order_by("occurred_at", "pk"))
    following = models.Pathway.objects.filter(previous=pathway).first()
    actor_order = [value for value, _label in models.ChainActor.choices]
    labels = dict(models.ChainActor.choices)
    actors = sorted(
        {d.actor for d in definitions} | {sp.definition.actor for sp in instances},
        key=lambda a: actor_order.index(a) if a in actor_order else len(actor_order),
    )
    lanes = [
        ChainLane(
            actor=actor,
            label=str(labels.get(actor, actor)),
            definitions=[d for d in definitions if d.actor == actor],
            stop_points=[
                ChainStopPoint(
                    stop_point=sp,
                    code=sp.definition.code,
                    title=sp.definition.title,
                    status=stop_point_status(sp, now=now),
                    opens_at=sp.opens_at,
                    due_at=sp.due_at,
                    all_day=sp.due_all_day,
                    completed_at=sp.completed_at,
                    responsible=sp.assignee or pathway.primary_contact,
                )
                for sp in instances
                if sp.definition.actor == actor
            ],
        )
        for actor in actors
    ]
    return ChainView(
        pathway=pathway,
        lanes=lanes,
        events=events,
        previous=pathway.previous,
        next=following,
    )


# --------------------------------------------------------------------------------------------
# Printed reports: the GP summary before HPH3 and the admission report (HPH6)
# --------------------------------------------------------------------------------------------

# Events a GP or the emergency department should hear about, newest first.
REPORT_EVENT_KINDS = (
    models.EventKindChoices.FALL,
    models.EventKindChoices.ADMISSION,
    models.EventKindChoices.DECLINE,
    models.EventKindChoices.OUT_OF_HOURS_CONTACT,
)
REPORT_EVENT_LIMIT = 10
# Function and IPLOS answers for the admission report come from these stop points.
FUNCTION_CODES = ("HPH2", "HPH5")
FUNCTION_DOMAINS = (models.AssessmentDomain.FUNCTION, models.AssessmentDomain.IPLOS)


@dataclass(frozen=True, slots=True)
class ReportAnswer:
    text: str
    domain: str
    value: Any
    not_relevant_reason: str
    stop_point_code: str
    answered_at: datetime


@dataclass(frozen=True, slots=True)
class OpenStopPoint:
    stop_point: models.StopPoint
    code: str
    title: str
    due_at: datetime
    all_day: bool
    status: rules.StopPointStatus
    responsible: User | None


@dataclass(frozen=True, slots=True)
class GpSummary:
    assessment: models.StopPoint | None  # the latest completed HPH2
    findings: list[ReportAnswer]
    care_plan: list[CarePlanEntry]  # medication first
    events: list[models.PathwayEvent]
    open_stop_points: list[OpenStopPoint]


@dataclass(frozen=True, slots=True)
class AdmissionReport:
    medication: list[CarePlanEntry]
    function: list[ReportAnswer]
    next_of_kin: list[Any]
    admission: models.PathwayEvent | None  # the latest admission


def care_plan_medication_first(entries: Iterable[CarePlanEntry]) -> list[CarePlanEntry]:
    """The care plan with the medication entries first, otherwise in the given order."""
    entries = list(entries)
    return [e for e in entries if e.domain == models.AssessmentDomain.MEDICATION] + [
        e for e in entries if e.domain != models.AssessmentDomain.MEDICATION
    ]


def _report_answer(answer: models.ChecklistAnswer) -> ReportAnswer:
    return ReportAnswer(
        text=answer.item.text,
        domain=answer.item.domain,
        value=answer.value,
        not_relevant_reason=answer.not_relevant_reason,
        stop_point_code=answer.stop_point.definition.code,
        answered_at=answer.answered_at,
    )


def _latest_per_item_key(
    answers: QuerySet[models.ChecklistAnswer],
) -> dict[str, models.ChecklistAnswer]:
    """The newest answer for each item key, in one query: rows come newest first per key and
    the first of each key wins. (A correlated "latest per key" subquery is quadratic in the
    patient's answers and ran for minutes on PostgreSQL with the demo history.)"""
    latest: dict[str, models.ChecklistAnswer] = {}
    for answer in answers.select_related("item", "stop_point__definition").order_by(
        "item__key", "-answered_at", "-pk"
    ):
        latest.setdefault(answer.item.key, answer)
    return latest


def _answered(qs: QuerySet[models.ChecklistAnswer]) -> QuerySet[models.ChecklistAnswer]:
    return qs.filter(Q(value__isnull=False) | ~Q(not_relevant_reason=""))


def open_stop_points(*, pathway: models.Pathway, now: datetime) -> list[OpenStopPoint]:
    """The pathway's open stop points with their deadlines, soonest first. One query."""
    return [
        OpenStopPoint(
            stop_point=sp,
            code=sp.definition.code,
            title=sp.definition.title,
            due_at=sp.due_at,
            all_day=sp.due_all_day,
            status=stop_point_status(sp, now=now),
            responsible=sp.assignee or pathway.primary_contact,
        )
        for sp in pathway.stop_points.filter(OPEN_Q)
        .select_related("definition", "assignee")
        .order_by("due_at", "pk")
    ]


def recent_events(
    *, patient: Patient, limit: int = REPORT_EVENT_LIMIT
) -> list[models.PathwayEvent]:
    """Falls, admissions, declines and out-of-hours contacts, newest first. One query."""
    return list(
        models.PathwayEvent.objects.filter(patient=patient, kind__in=REPORT_EVENT_KINDS)
        .select_related("recorded_by")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def gp_summary(*, pathway: models.Pathway, now: datetime) -> GpSummary:
    """What the GP needs before the visit (HPH3): the HPH2 findings, the care plan, recent
    events and the open stop points. Five queries. The caller has already checked access
    (``pathway_get_for_user``); the goals are added by the page from the goals app."""
    patient = pathway.patient
    assessment = (
        models.StopPoint.objects.filter(
            pathway__patient=patient, definition__code="HPH2", completed_at__isnull=False
        )
        .select_related("definition")
        .order_by("-completed_at", "-pk")
        .first()
    )
    findings: list[ReportAnswer] = []
    if assessment is not None:
        findings = [
            _report_answer(a)
            for a in _answered(
                assessment.answers.filter(item__definition_id=assessment.definition_id)
            )
            .select_related("item", "stop_point__definition")
            .order_by("item__order", "item__pk")
        ]
    return GpSummary(
        assessment=assessment,
        findings=findings,
        care_plan=care_plan_medication_first(care_plan(patient=patient)),
        events=recent_events(patient=patient),
        open_stop_points=open_stop_points(pathway=pathway, now=now),
    )


def admission_report(*, pathway: models.Pathway) -> AdmissionReport:
    """What the hospital needs at admission (HPH6): the medication entries of the care plan,
    the latest function and IPLOS answers from HPH2/HPH5, next of kin and the latest admission.
    Four queries. The caller has already checked access (``pathway_get_for_user``)."""
    patient = pathway.patient
    function = _answered(
        models.ChecklistAnswer.objects.filter(
            stop_point__pathway__patient=patient,
            stop_point__definition__code__in=FUNCTION_CODES,
            item__domain__in=FUNCTION_DOMAINS,
        )
    )
    latest = _latest_per_item_key(function)
    answers = sorted(latest.values(), key=lambda a: (a.item.domain, a.item.order, a.item.key))
    admission = (
        models.PathwayEvent.objects.filter(patient=patient, kind=models.EventKindChoices.ADMISSION)
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return AdmissionReport(
        medication=[
            e for e in care_plan(patient=patient) if e.domain == models.AssessmentDomain.MEDICATION
        ],
        function=[_report_answer(a) for a in answers],
        next_of_kin=list(patient.next_of_kin.all()),
        admission=admission,
    )
