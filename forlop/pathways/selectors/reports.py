"""What pages and prints report about a patient: the daily care plan (the answers carried into
it), the GP summary before HPH3 and the admission report (HPH6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Avg, Case, FloatField, Max, Q, QuerySet, When
from django.db.models.functions import Cast

from forlop.core.models import User
from forlop.pathways import mappers, models, rules
from forlop.pathways.selectors.responsibility import stop_point_responsible
from forlop.patients.models import Patient


@dataclass(frozen=True, slots=True)
class CarePlanEntry:
    key: str
    text: str
    kind: str
    domain: str
    domain_label: str
    value: Any
    not_relevant_reason: str
    answered_at: datetime
    answered_by: User
    stop_point_code: str
    pathway_id: int
    unit: str = ""


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
            kind=a.item.kind,
            domain=a.item.domain,
            domain_label=str(domains.get(a.item.domain, "")),
            value=a.value,
            not_relevant_reason=a.not_relevant_reason,
            answered_at=a.answered_at,
            answered_by=a.answered_by,
            stop_point_code=a.stop_point.definition.code,
            pathway_id=a.stop_point.pathway_id,
            unit=a.item.number_unit,
        )
        for a in sorted(latest.values(), key=lambda a: (a.item.domain, a.item.key))
    ]


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
    kind: str
    domain: str
    value: Any
    not_relevant_reason: str
    stop_point_code: str
    answered_at: datetime
    unit: str = ""
    pathway_id: int = 0


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
    assessment: models.StopPoint | None  # this pathway's signed HPH2, else the latest earlier one
    findings: list[ReportAnswer]
    care_plan: list[CarePlanEntry]  # medication first
    events: list[models.PathwayEvent]
    open_stop_points: list[OpenStopPoint]
    pathway_id: int = 0

    @property
    def assessment_is_earlier(self) -> bool:
        """The findings come from an earlier pathway: this one's HPH2 is not signed yet."""
        return self.assessment is not None and self.assessment.pathway_id != self.pathway_id


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
        kind=answer.item.kind,
        domain=answer.item.domain,
        value=answer.value,
        not_relevant_reason=answer.not_relevant_reason,
        stop_point_code=answer.stop_point.definition.code,
        answered_at=answer.answered_at,
        unit=answer.item.number_unit,
        pathway_id=answer.stop_point.pathway_id,
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
            status=mappers.stop_point_status(sp, now=now),
            responsible=stop_point_responsible(sp),
        )
        for sp in pathway.stop_points.open()
        .select_related("definition", "assignee")
        .order_by("due_at", "pk")
    ]


def recent_events(
    *, patient: Patient, limit: int = REPORT_EVENT_LIMIT
) -> list[models.PathwayEvent]:
    """Falls, admissions, declines and out-of-hours contacts, newest first (not those
    withdrawn as recorded in error). One query."""
    return list(
        models.PathwayEvent.objects.filter(
            patient=patient, kind__in=REPORT_EVENT_KINDS, withdrawn_at__isnull=True
        )
        .select_related("recorded_by")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def events_for_patient(*, patient: Patient, limit: int = 5) -> list[models.PathwayEvent]:
    """The patient's latest events of every kind, newest first, withdrawn ones included (they
    show as withdrawn). One query; the caller has already checked access to ``patient``."""
    return list(
        models.PathwayEvent.objects.filter(patient=patient)
        .select_related("recorded_by")
        .order_by("-occurred_at", "-pk")[:limit]
    )


def gp_summary(*, pathway: models.Pathway, now: datetime) -> GpSummary:
    """What the GP needs before the visit (HPH3): the HPH2 findings, the care plan, recent
    events and the open stop points. Five queries. The caller has already checked access
    (``pathway_get_for_user``); the goals are added by the page from the goals app.

    The findings are this pathway's signed HPH2; while it is not signed, the latest signed
    HPH2 of an earlier pathway, which the page shows as earlier with its date.
    """
    patient = pathway.patient
    assessment = (
        models.StopPoint.objects.filter(
            pathway__patient=patient,
            pathway__started_at__lte=pathway.started_at,
            definition__code="HPH2",
            completed_at__isnull=False,
        )
        .select_related("definition")
        .order_by(
            # this pathway's first, then the newest
            Case(When(pathway=pathway, then=0), default=1),
            "-completed_at",
            "-pk",
        )
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
        pathway_id=pathway.pk,
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


# The stop points between which the IPLOS function score's change is shown (the shipped HPH
# records it at both; the measure "iplos-change-hph2-hph5" uses the same rule).
IPLOS_FIRST, IPLOS_THEN = "HPH2", "HPH5"


@dataclass(frozen=True, slots=True)
class FunctionScores:
    """The pathway's IPLOS function score at HPH2 and HPH5 and when each was completed."""

    scores: rules.FunctionScoreChange
    first_at: datetime | None
    then_at: datetime | None


def function_score_change(*, pathway: models.Pathway) -> FunctionScores | None:
    """The IPLOS function score at HPH2 and at HPH5 of this pathway (first occurrences,
    completed): the mean of the number items in the IPLOS domain of each, averaged in the
    database (one query; a second when nothing is recorded, to tell "not recorded yet" from
    a template that records no such score: then None). The caller has checked access."""
    rows = {
        row["stop_point__definition__code"]: row
        for row in models.ChecklistAnswer.objects.filter(
            stop_point__pathway_id=pathway.pk,
            stop_point__definition__code__in=(IPLOS_FIRST, IPLOS_THEN),
            stop_point__occurrence=1,
            stop_point__completed_at__isnull=False,
            item__domain=models.AssessmentDomain.IPLOS,
            item__kind=models.ChecklistItem.Kind.NUMBER,
            value__isnull=False,
        )
        .values("stop_point__definition__code")
        .annotate(score=Avg(Cast("value", FloatField())), completed=Max("stop_point__completed_at"))
        .order_by()
    }
    if (
        not rows
        and not models.ChecklistItem.objects.filter(
            definition__version_id=pathway.version_id,
            definition__code__in=(IPLOS_FIRST, IPLOS_THEN),
            domain=models.AssessmentDomain.IPLOS,
            kind=models.ChecklistItem.Kind.NUMBER,
        ).exists()
    ):
        return None
    first, then = rows.get(IPLOS_FIRST, {}), rows.get(IPLOS_THEN, {})
    return FunctionScores(
        scores=rules.FunctionScoreChange(first=first.get("score"), then=then.get("score")),
        first_at=first.get("completed"),
        then_at=then.get("completed"),
    )
