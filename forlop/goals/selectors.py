"""Reads for 'what matters to you'.

None of these check access: the caller has already reached the patient through
`patients.selectors.patient_get_for_user` (staff, audited) or `portal_account_for_user`
(the patient's own login), and passes the patient in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.cache import caches
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext

from forlop.goals import rules
from forlop.goals.models import (
    THRESHOLD_SOURCE_DEFAULT,
    Goal,
    GoalChange,
    PatientProposal,
    Scoring,
    WhatMattersFormVersion,
    WhatMattersQuestion,
)
from forlop.pathways import selectors as pathway_selectors
from forlop.pathways.models import Pathway, StopPoint
from forlop.pathways.registry import PANEL_CACHE
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
        """The goal's baseline in these scorings: its first score (a goal added later in the
        episode has its baseline in a follow-up sitting)."""
        for point in self.points:
            if point.value is not None:
                return point.value
        return None


@dataclass(frozen=True, slots=True)
class Episode:
    """One episode of a patient's goal scorings: a pathway (or the scorings outside any), its
    scorings in time order and the per-goal pairing within it."""

    pathway: Pathway | None
    scorings: list[Scoring]
    pairing: rules.EpisodeChange[int]
    flag: rules.ChangeFlag
    is_current: bool

    @property
    def started_at(self) -> datetime | None:
        if self.pathway is not None:
            return self.pathway.started_at
        return self.scorings[0].scored_at if self.scorings else None

    @property
    def ended_at(self) -> datetime | None:
        return self.pathway.ended_at if self.pathway is not None else None

    @property
    def title(self) -> str:
        if self.pathway is None:
            return gettext("Outside a pathway")
        return f"{self.pathway.version.template.name} ({self.pathway.get_start_reason_display()})"

    @property
    def change(self) -> Decimal | None:
        return self.pairing.change


@dataclass(frozen=True, slots=True)
class GoalSummary:
    """The current episode's scores: the average of every goal's baseline in it (its first
    score there), the average of the paired goals' latest scores, the change paired per goal
    (positive = better) and its flag; the earlier episodes (newest first) for the folded
    history."""

    version: WhatMattersFormVersion | None
    baseline: Scoring | None  # the current episode's first scoring
    latest: Scoring | None  # its latest follow-up, if any
    baseline_average: Decimal | None
    latest_average: Decimal | None
    change: Decimal | None
    meaningful: bool
    threshold: Decimal | None
    threshold_source: str
    direction: str
    fully_paired: bool
    averages: list[tuple[Scoring, Decimal | None]]  # the current episode's scorings
    flag: rules.ChangeFlag = rules.ChangeFlag.NONE
    decline_threshold: Decimal | None = None
    episode: Episode | None = None
    earlier: list[Episode] = field(default_factory=list)

    @property
    def improved(self) -> bool:
        return self.change is not None and self.change > 0

    @property
    def declined(self) -> bool:
        return self.flag == rules.ChangeFlag.DECLINED


@dataclass(frozen=True, slots=True)
class HeaderGoal:
    """What a header shows of an active goal: its text (read as a value, not a model)."""

    text: str


@dataclass(frozen=True, slots=True)
class GoalsHeader:
    goals: list[HeaderGoal]
    latest_average: Decimal | None
    latest_scored_at: datetime | None
    unseen_proposals: int
    proposals: list[PatientProposal] = field(default_factory=list)  # not seen yet, oldest first
    cache_key: str | None = None
    """Where it is cached (``goals_headers_for``), which names the patient's data as of this
    header: None when it was not cached."""


def threshold_source_text(source: str) -> str:
    """The source of a form version's threshold in the user's language. The default source
    is stored in English (it is data); shown, it is translated. A source a municipality typed
    itself is shown as typed."""
    if source == THRESHOLD_SOURCE_DEFAULT:
        return gettext("Abbott & Schmitt 2014: 1.3 small, 2.3 medium, 2.7 large")
    return source


def scorings_for_patient(*, patient: Patient) -> QuerySet[Scoring]:
    return (
        Scoring.objects.filter(patient=patient)
        .select_related("version", "recorded_by", "pathway__version__template")
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


def _sittings(scorings: Iterable[Scoring]) -> list[rules.Sitting[int]]:
    return [
        rules.Sitting(s.scored_at, {sc.goal_id: sc.value for sc in s.scores.all()}, s.pk)
        for s in scorings
    ]


def episodes_for_patient(
    *, patient: Patient, now: datetime, scorings: list[Scoring] | None = None
) -> list[Episode]:
    """The patient's episodes, newest first: every pathway with scorings, the running pathway
    (even before its first scoring) and the scorings outside a pathway. The current episode is
    the running pathway started last (`rules.episode_running`), else the newest episode with
    scorings. Scorings made after ``now`` are not paired."""
    scorings = scorings if scorings is not None else list(scorings_for_patient(patient=patient))
    by_pathway: dict[int | None, list[Scoring]] = {}
    for scoring in scorings:
        by_pathway.setdefault(scoring.pathway_id, []).append(scoring)
    pathways = {p.pk: p for p in pathway_selectors.pathways_for_patient(patient=patient)}
    running = rules.episode_running(
        [
            rules.EpisodeSpan(p.pk, p.started_at, p.ended_at)
            for p in pathways.values()
            if p.ended_at is None
        ],
        now,
    )
    if running is not None:
        by_pathway.setdefault(running.key, [])
    version = _version_in_use(patient) if scorings else None

    def start(key: int | None) -> datetime:
        if key is not None and key in pathways:
            return pathways[key].started_at
        rows = by_pathway[key]
        return rows[0].scored_at if rows else now

    keys = sorted(by_pathway, key=lambda k: (start(k), k or 0), reverse=True)
    if running is not None:
        current: int | None = running.key
    else:
        with_scores = [k for k in by_pathway if by_pathway[k]]
        current = (
            max(with_scores, key=lambda k: (by_pathway[k][-1].scored_at, by_pathway[k][-1].pk))
            if with_scores
            else None
        )
    episodes = []
    for key in keys:
        rows = by_pathway[key]
        form = rows[0].version if rows else version
        direction = form.rules_direction if form else rules.Direction.HIGHER_IS_BETTER
        pairing = rules.pair_within_episode(_sittings(rows), direction=direction, as_of=now)
        flag = (
            rules.change_flag(
                pairing.change,
                improvement_threshold=form.threshold,
                decline_threshold=form.decline_threshold,
            )
            if form
            else rules.ChangeFlag.NONE
        )
        episodes.append(
            Episode(
                pathway=pathways.get(key) if key is not None else None,
                scorings=rows,
                pairing=pairing,
                flag=flag,
                is_current=key == current,
            )
        )
    return episodes


def rows_in_scorings(
    rows: Iterable[GoalRow], scorings: Iterable[Scoring], *, scored_only: bool = False
) -> list[GoalRow]:
    """``rows`` (from `goals_for_patient`) with only the points of ``scorings`` (one episode);
    with ``scored_only``, only the goals scored in them. No queries."""
    ids = {s.pk for s in scorings}
    result = []
    for row in rows:
        points = [p for p in row.points if p.scoring_id in ids]
        if scored_only and not any(p.value is not None for p in points):
            continue
        result.append(GoalRow(goal=row.goal, points=points, changes=row.changes))
    return result


def goal_summary(
    *, patient: Patient, scorings: list[Scoring] | None = None, now: datetime | None = None
) -> GoalSummary:
    """The current episode's baseline and latest averages, the change paired per goal within
    it (positive = better) and its flag against the form version's thresholds: a meaningful
    improvement, or a decline at or beyond the decline threshold (see `GoalSummary`)."""
    now = now or timezone.now()
    scorings = scorings if scorings is not None else list(scorings_for_patient(patient=patient))
    episodes = episodes_for_patient(patient=patient, now=now, scorings=scorings)
    current = next((e for e in episodes if e.is_current), None)
    earlier = [e for e in episodes if not e.is_current and e.scorings]
    rows = current.scorings if current else []
    averages = [(s, rules.average({sc.goal_id: sc.value for sc in s.scores.all()})) for s in rows]
    version = rows[0].version if rows else _version_in_use(patient)
    if version is None:
        return GoalSummary(
            None,
            None,
            None,
            None,
            None,
            None,
            False,
            None,
            "",
            "",
            True,
            averages,
            episode=current,
            earlier=earlier,
        )
    pairing = (
        current.pairing
        if current
        else rules.pair_within_episode([], direction=version.rules_direction, as_of=now)
    )
    follow_ups = [s for s in rows if s.kind == Scoring.Kind.FOLLOW_UP]
    flag = current.flag if current else rules.ChangeFlag.NONE
    return GoalSummary(
        version=version,
        baseline=rows[0] if rows else None,
        latest=follow_ups[-1] if follow_ups else None,
        baseline_average=pairing.all_baselines_average,
        latest_average=pairing.latest_average,
        change=pairing.change,
        meaningful=flag in (rules.ChangeFlag.IMPROVED, rules.ChangeFlag.DECLINED),
        threshold=version.threshold,
        threshold_source=threshold_source_text(version.threshold_source),
        direction=version.direction,
        fully_paired=not pairing.baseline_only,
        averages=averages,
        flag=flag,
        decline_threshold=version.decline_threshold,
        episode=current,
        earlier=earlier,
    )


def _version_in_use(patient: Patient) -> WhatMattersFormVersion | None:
    goal = Goal.objects.filter(patient=patient).select_related("version").last()
    return goal.version if goal else None


def goals_header(*, patient: Patient) -> GoalsHeader | None:
    """Active goals, the latest average and the patient's unseen suggestions, for other pages'
    headers. No audit row: the page that includes it has already audited its read of the
    patient. None when there is neither a goal nor a suggestion."""
    return goals_headers(patient_ids=[patient.pk]).get(patient.pk)


def goals_headers(*, patient_ids: Iterable[int]) -> dict[int, GoalsHeader]:
    """`goals_header` for many patients in a fixed number of queries (work lists, print views):
    two when none of them has a goal or a suggestion (no header to show), three when some have."""
    ids = sorted(set(patient_ids))
    if not ids:
        return {}
    goals_by_patient: dict[int, list[HeaderGoal]] = {}
    # Of a goal, the headers show its text: values, not model instances (a work list shows a
    # few hundred goals; an instance costs ten times a tuple to make).
    for patient_id, text in (
        Goal.objects.filter(patient_id__in=ids, status=Goal.Status.ACTIVE)
        .order_by("patient_id", "pk")
        .values_list("patient_id", "text")
    ):
        goals_by_patient.setdefault(patient_id, []).append(HeaderGoal(text))
    proposals: dict[int, list[PatientProposal]] = {}
    for proposal in PatientProposal.objects.filter(
        patient_id__in=ids, seen_at__isnull=True
    ).order_by("patient_id", "created_at", "pk"):
        proposals.setdefault(proposal.patient_id, []).append(proposal)
    shown = sorted(goals_by_patient.keys() | proposals.keys())
    # Each patient's latest scoring and its scores, in one statement (values, no instances).
    latest_at: dict[int, datetime] = {}
    latest_scores: dict[int, dict[int, int | None]] = {}
    if shown:
        # A patient without a scoring gives NULL here, which matches no scoring: no filter
        # on it needed (one correlated subquery fewer to compile and to run).
        latest_ids = Patient.objects.filter(pk__in=shown).values(
            latest=Subquery(
                Scoring.objects.filter(patient=OuterRef("pk"))
                .order_by("-scored_at", "-pk")
                .values("pk")[:1]
            )
        )
        for patient_id, scored_at, goal_id, value in (
            Scoring.objects.filter(pk__in=latest_ids)
            .order_by()
            .values_list("patient_id", "scored_at", "scores__goal_id", "scores__value")
        ):
            latest_at[patient_id] = scored_at
            if goal_id is not None:  # a scoring without scores still has its date
                latest_scores.setdefault(patient_id, {})[goal_id] = value
    headers = {}
    # A patient with no goals yet but a suggestion from the portal gets a header too: the
    # patient's voice shows before the first conversation.
    for patient_id in shown:
        goals = goals_by_patient.get(patient_id, [])
        headers[patient_id] = GoalsHeader(
            goals=goals,
            latest_average=rules.average(latest_scores.get(patient_id, {}))
            if patient_id in latest_at
            else None,
            latest_scored_at=latest_at.get(patient_id),
            unseen_proposals=len(proposals.get(patient_id, [])),
            proposals=proposals.get(patient_id, []),
        )
    return headers


_NO_HEADER = False
"""Cached for a patient with neither a goal nor a suggestion: no header, and no query for it
next time either."""


def _header_key(patient: Patient) -> str | None:
    """The cache key of the patient's header as of its ``panel_version``, or None when the
    instance was read without that column (then it is loaded, not cached: reading the column
    would cost a query). The creation time tells apart two patients given the same id (a
    database emptied and filled again while the server ran)."""
    if {"panel_version", "created_at"} & patient.get_deferred_fields():
        return None
    return f"goals-header:{patient.pk}:{patient.created_at.timestamp()}:{patient.panel_version}"


def goals_headers_for(patients: Sequence[Patient]) -> dict[int, GoalsHeader]:
    """`goals_headers` of these patients, from the cache where their ``panel_version`` is
    current: a work list shows the same patients' goals page after page, and loading them
    took more of its time than anything else (docs/benchmarks.md). Zero queries when every
    header is cached; the three of `goals_headers` for the others.

    The cache is keyed by the version, which every change raises in its own transaction
    (``goals.signals``): a header read after the change is always loaded afresh. The cache is
    the process's memory (settings.CACHES); it holds goal texts, so it must not be pointed at
    a shared cache server (docs/security.md)."""
    cache = caches[PANEL_CACHE]
    keys = {patient.pk: key for patient in patients if (key := _header_key(patient))}
    found = cache.get_many(list(keys.values())) if keys else {}
    headers: dict[int, GoalsHeader] = {}
    missing: list[int] = []
    for patient in patients:
        key = keys.get(patient.pk)
        if key is not None and key in found:
            if found[key] is not _NO_HEADER:
                headers[patient.pk] = found[key]
        else:
            missing.append(patient.pk)
    if missing:
        loaded = goals_headers(patient_ids=missing)
        kept: dict[str, GoalsHeader | bool] = {}
        for pk in missing:
            header = loaded.get(pk)
            if pk in keys:
                if header is not None:
                    header = replace(header, cache_key=keys[pk])
                kept[keys[pk]] = header if header is not None else _NO_HEADER
            if header is not None:
                headers[pk] = header
        cache.set_many(kept)
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
    summary = goal_summary(patient=patient, scorings=scorings)
    current = summary.episode.scorings if summary.episode else []
    rows = goals_for_patient(patient=patient, include_inactive=False, scorings=current)
    return {
        "rows": rows,
        "summary": summary,
        "latest_scoring": current[-1] if current else None,
        "latest_average": summary.averages[-1][1] if summary.averages else None,
    }
