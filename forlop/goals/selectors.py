"""Reads for 'what matters to you'.

None of these check access: the caller has already reached the patient through
`patients.selectors.patient_get_for_user` (staff, audited) or `portal_account_for_user`
(the patient's own login), and passes the patient in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery

from forlop.goals import rules
from forlop.goals.models import (
    Goal,
    GoalChange,
    PatientProposal,
    Scoring,
    WhatMattersFormVersion,
    WhatMattersQuestion,
)
from forlop.pathways.models import StopPoint
from forlop.patients.models import Patient


@dataclass(frozen=True, slots=True)
class ScorePoint:
    scoring_id: int
    scored_at: datetime
    kind: str
    value: int | None


@dataclass(frozen=True, slots=True)
class GoalRow:
    goal: Goal
    points: list[ScorePoint]  # one per scoring of the patient, value None when not scored
    changes: list[GoalChange] = field(default_factory=list)

    @property
    def latest(self) -> int | None:
        for point in reversed(self.points):
            if point.value is not None:
                return point.value
        return None

    @property
    def baseline(self) -> int | None:
        for point in self.points:
            if point.kind == Scoring.Kind.BASELINE:
                return point.value
        return None


@dataclass(frozen=True, slots=True)
class GoalSummary:
    version: WhatMattersFormVersion | None
    baseline: Scoring | None
    latest: Scoring | None  # the latest follow-up, if any
    baseline_average: Decimal | None
    latest_average: Decimal | None
    change: Decimal | None
    meaningful: bool
    threshold: Decimal | None
    threshold_source: str
    direction: str
    fully_paired: bool
    averages: list[tuple[Scoring, Decimal | None]]  # every scoring with its average

    @property
    def improved(self) -> bool:
        return self.change is not None and self.change > 0


@dataclass(frozen=True, slots=True)
class GoalsHeader:
    goals: list[Goal]
    latest_average: Decimal | None
    latest_scored_at: datetime | None
    unseen_proposals: int


def scorings_for_patient(*, patient: Patient) -> QuerySet[Scoring]:
    return (
        Scoring.objects.filter(patient=patient)
        .select_related("version", "recorded_by")
        .prefetch_related("scores")
        .order_by("scored_at", "pk")
    )


def goals_for_patient(
    *, patient: Patient, include_inactive: bool = True, scorings: list[Scoring] | None = None
) -> list[GoalRow]:
    """The patient's goals (active first) with their score at every scoring."""
    scorings = scorings if scorings is not None else list(scorings_for_patient(patient=patient))
    goals = Goal.objects.filter(patient=patient).prefetch_related("changes__changed_by")
    if not include_inactive:
        goals = goals.filter(status=Goal.Status.ACTIVE)
    by_scoring = {s.pk: {score.goal_id: score.value for score in s.scores.all()} for s in scorings}
    rows = [
        GoalRow(
            goal=goal,
            points=[
                ScorePoint(s.pk, s.scored_at, s.kind, by_scoring[s.pk].get(goal.pk))
                for s in scorings
            ],
            changes=list(goal.changes.all()),
        )
        for goal in goals
    ]
    rows.sort(key=lambda row: (not row.goal.is_active, row.goal.created_at, row.goal.pk))
    return rows


def goal_summary(*, patient: Patient, scorings: list[Scoring] | None = None) -> GoalSummary:
    """Baseline and latest follow-up averages, the change (positive = better) and whether it
    reaches the form version's threshold for meaningful change."""
    scorings = scorings if scorings is not None else list(scorings_for_patient(patient=patient))
    baseline = next((s for s in scorings if s.kind == Scoring.Kind.BASELINE), None)
    follow_ups = [s for s in scorings if s.kind == Scoring.Kind.FOLLOW_UP]
    latest = follow_ups[-1] if follow_ups else None
    version = (
        baseline.version
        if baseline
        else (scorings[0].version if scorings else _version_in_use(patient))
    )
    averages = [
        (s, rules.average({sc.goal_id: sc.value for sc in s.scores.all()})) for s in scorings
    ]
    if version is None:
        return GoalSummary(None, None, None, None, None, None, False, None, "", "", True, averages)
    direction = version.rules_direction
    base_scores = {sc.goal_id: sc.value for sc in baseline.scores.all()} if baseline else {}
    latest_scores = {sc.goal_id: sc.value for sc in latest.scores.all()} if latest else {}
    comparison = rules.compare(base_scores, latest_scores, direction=direction)
    return GoalSummary(
        version=version,
        baseline=baseline,
        latest=latest,
        baseline_average=comparison.baseline_average,
        latest_average=comparison.follow_up_average,
        change=comparison.change,
        meaningful=rules.is_meaningful(comparison.change, version.threshold),
        threshold=version.threshold,
        threshold_source=version.threshold_source,
        direction=version.direction,
        fully_paired=comparison.is_fully_paired,
        averages=averages,
    )


def _version_in_use(patient: Patient) -> WhatMattersFormVersion | None:
    goal = Goal.objects.filter(patient=patient).select_related("version").last()
    return goal.version if goal else None


def goals_header(*, patient: Patient) -> GoalsHeader | None:
    """Active goals and the latest average, for other pages' headers. No audit row: the page
    that includes it has already audited its read of the patient. None when there are no goals."""
    goals = list(Goal.objects.filter(patient=patient, status=Goal.Status.ACTIVE))
    if not goals:
        return None
    latest = (
        Scoring.objects.filter(patient=patient)
        .prefetch_related("scores")
        .order_by("-scored_at", "-pk")
        .first()
    )
    average = (
        rules.average({sc.goal_id: sc.value for sc in latest.scores.all()}) if latest else None
    )
    unseen = PatientProposal.objects.filter(patient=patient, seen_at__isnull=True).count()
    return GoalsHeader(
        goals=goals,
        latest_average=average,
        latest_scored_at=latest.scored_at if latest else None,
        unseen_proposals=unseen,
    )


def goals_headers(*, patient_ids: Iterable[int]) -> dict[int, GoalsHeader]:
    """`goals_header` for many patients in a fixed number of queries (work lists, print views)."""
    ids = sorted(set(patient_ids))
    if not ids:
        return {}
    goals_by_patient: dict[int, list[Goal]] = {}
    for goal in Goal.objects.filter(patient_id__in=ids, status=Goal.Status.ACTIVE).order_by(
        "patient_id", "pk"
    ):
        goals_by_patient.setdefault(goal.patient_id, []).append(goal)
    latest_ids = (
        Patient.objects.filter(pk__in=ids)
        .annotate(
            latest=Subquery(
                Scoring.objects.filter(patient=OuterRef("pk"))
                .order_by("-scored_at", "-pk")
                .values("pk")[:1]
            )
        )
        .exclude(latest__isnull=True)
        .values_list("latest", flat=True)
    )
    latest = {
        sc.patient_id: sc
        for sc in Scoring.objects.filter(pk__in=list(latest_ids)).prefetch_related("scores")
    }
    unseen = dict(
        PatientProposal.objects.filter(patient_id__in=ids, seen_at__isnull=True)
        .values("patient_id")
        .annotate(n=Count("pk"))
        .values_list("patient_id", "n")
    )
    headers = {}
    for patient_id, goals in goals_by_patient.items():
        scoring = latest.get(patient_id)
        headers[patient_id] = GoalsHeader(
            goals=goals,
            latest_average=rules.average({sc.goal_id: sc.value for sc in scoring.scores.all()})
            if scoring
            else None,
            latest_scored_at=scoring.scored_at if scoring else None,
            unseen_proposals=unseen.get(patient_id, 0),
        )
    return headers


def question_for_language(
    *, version: WhatMattersFormVersion | None, language: str
) -> WhatMattersQuestion | None:
    """The question in the patient's language, falling back to bokmål, then any."""
    if version is None:
        return None
    questions = {q.language: q for q in version.questions.all()}
    base = language.split("-")[0]
    return (
        questions.get(language)
        or questions.get(base)
        or questions.get("nb")
        or next(iter(questions.values()), None)
    )


def proposals_for_patient(*, patient: Patient) -> QuerySet[PatientProposal]:
    return PatientProposal.objects.filter(patient=patient).select_related("author", "seen_by")


def scoring_for_stop_point(*, stop_point: StopPoint) -> Scoring | None:
    """The latest scoring recorded at a stop point (HPH2 baseline, HPH5 follow-up …)."""
    return Scoring.objects.filter(stop_point=stop_point).order_by("-scored_at", "-pk").first()


def goals_report(*, patient: Patient) -> dict[str, Any]:
    """The active goals with baseline and latest score and the averages, for printed reports
    of other apps (GP summary, admission report). No audit row: the printing page has reached
    the patient through its access function. Five queries."""
    scorings = list(scorings_for_patient(patient=patient))
    rows = goals_for_patient(patient=patient, include_inactive=False, scorings=scorings)
    summary = goal_summary(patient=patient, scorings=scorings)
    return {
        "rows": rows,
        "summary": summary,
        "latest_scoring": scorings[-1] if scorings else None,
        "latest_average": summary.averages[-1][1] if summary.averages else None,
    }
