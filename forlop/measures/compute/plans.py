"""What each computation counts: one plan per measure kind, and the PLANS registry of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Greatest, Least

from forlop.measures.compute.base import (
    Scope,
    local_midnight,
    pathway_scope_q,
    period_floor,
    period_next,
)
from forlop.measures.models import Computation, Measure, Period

# --------------------------------------------------------------------------------------------
# The computations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    queryset: QuerySet
    date_field: str
    numerator: Q
    denominator: Q
    # A mean, not a share: the numerator is the sum of this annotation over the cases
    # (durations are summed in the database and read as days).
    sum_field: str | None = None


def _not_before(field: str, as_of: datetime) -> Q:
    """The event has not happened as of ``as_of`` (not recorded, or recorded later)."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": as_of})


def _stop_points(measure: Measure, scope: Scope, as_of: datetime, date_field: str) -> QuerySet:
    from forlop.pathways.models import StopPoint

    params = measure.parameters or {}
    queryset = StopPoint.objects.filter(
        pathway_scope_q(scope, "pathway__"),
        created_at__lte=as_of,
        pathway__created_at__lte=as_of,
    )
    if params.get("stop_point"):
        queryset = queryset.filter(definition__code=params["stop_point"])
    if date_field == "due_at":
        # Deadline measures count a stop point's first occurrence (repeats are follow-ups).
        queryset = queryset.filter(occurrence=1)
    if params.get("in_chain"):
        queryset = queryset.filter(definition__in_chain=True)
    return queryset


def _plan_stop_point_on_time(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
    relevant = _not_before("not_relevant_at", as_of) & (
        _not_before("interrupted_at", as_of) | Q(completed_at__lte=as_of)
    )
    due = Q(ends_at__lte=as_of) | Q(completed_at__lte=as_of)
    denominator = relevant & due
    numerator = denominator & Q(completed_at__lte=as_of, completed_at__lt=F("ends_at"))
    return _Plan(_stop_points(measure, scope, as_of, "due_at"), "due_at", numerator, denominator)


def _plan_admission_report(on_time: bool) -> Callable[[Measure, Scope, datetime], _Plan]:
    def plan(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
        denominator = _not_before("not_relevant_at", as_of) & Q(triggered_at__lte=as_of)
        numerator = denominator & Q(completed_at__lte=as_of)
        if on_time:
            numerator &= Q(completed_at__lt=F("ends_at"))
        queryset = _stop_points(measure, scope, as_of, "triggered_at")
        return _Plan(queryset, "triggered_at", numerator, denominator)

    return plan


def _plan_goals_recorded(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
    from forlop.goals.models import Goal, Scoring
    from forlop.pathways.models import ChecklistItem, Pathway

    # Every pathway whose template asks "what matters to you?" (a what-matters item in any of
    # its checklists): a discharge, a new user, a decline at home and an annual review alike.
    asks = Exists(
        ChecklistItem.objects.filter(
            definition__version_id=OuterRef("version_id"), kind=ChecklistItem.Kind.WHAT_MATTERS
        )
    )
    queryset = Pathway.objects.filter(
        asks,
        pathway_scope_q(scope),
        created_at__lte=as_of,
        started_at__lte=as_of,
    )
    has_goal = Exists(
        Goal.objects.filter(patient_id=OuterRef("patient_id"), created_at__lte=as_of)
        .filter(created_at__gte=OuterRef("started_at") - timedelta(days=30))
        .filter(created_at__lte=OuterRef("started_at") + timedelta(days=14))
    )
    # Goals carried over from an earlier pathway count when they were scored in this one
    # (its own baseline): the patient was asked again, as at an annual review.
    scored_here = Exists(
        Scoring.objects.filter(pathway_id=OuterRef("pk"), created_at__lte=as_of).filter(
            scored_at__lte=OuterRef("started_at") + timedelta(days=14)
        )
    )
    return _Plan(queryset, "started_at", Q(has_goal) | Q(scored_here), Q(pk__isnull=False))


def _plan_event_within(kind: str, days: int) -> Callable[[Measure, Scope, datetime], _Plan]:
    """Pathways started by a discharge whose window of ``days`` after the discharge has
    closed; numerator: an event of ``kind`` recorded in the window (counted once)."""

    def plan(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
        from forlop.pathways.models import Pathway, PathwayEvent

        queryset = Pathway.objects.filter(
            pathway_scope_q(scope),
            start_reason=Pathway.StartReason.DISCHARGE,
            created_at__lte=as_of,
            discharged_at__isnull=False,
            discharged_at__lte=as_of - timedelta(days=days),
        )
        happened = Exists(
            PathwayEvent.objects.filter(
                patient_id=OuterRef("patient_id"), kind=kind, created_at__lte=as_of
            )
            .filter(occurred_at__gt=OuterRef("discharged_at"))
            .filter(occurred_at__lte=OuterRef("discharged_at") + timedelta(days=days))
        )
        return _Plan(queryset, "discharged_at", Q(happened), Q(pk__isnull=False))

    return plan


def _plan_readmission(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
    from forlop.pathways.models import EventKindChoices

    return _plan_event_within(EventKindChoices.ADMISSION, 30)(measure, scope, as_of)


def _plan_nursing_home(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
    from forlop.pathways.models import EventKindChoices

    return _plan_event_within(EventKindChoices.NURSING_HOME, 90)(measure, scope, as_of)


def _what_matters_rows(scope: Scope, as_of: datetime) -> QuerySet:
    """The first follow-up scoring of each episode (pathway) in scope, with the change paired
    per goal within that episode, as in ``goals.rules.pair_within_episode``: each goal scored
    in the follow-up is paired with its first score in the same pathway (its baseline: a goal
    added later has its own), and ``change`` is the mean of those per-goal differences, signed
    so that improvement is positive (for a ``lower_is_better`` form version a fall is an
    improvement). ``baseline_average`` and ``follow_up_average`` are over the paired goals.
    Scores from another pathway never pair; scorings outside a pathway are not counted. One
    aggregate query: the pairing is correlated subqueries."""
    from forlop.goals.models import Direction as FormDirection
    from forlop.goals.models import Score, Scoring
    from forlop.pathways.models import Pathway

    in_scope = Exists(
        Pathway.objects.filter(
            pathway_scope_q(scope), pk=OuterRef("pathway_id"), created_at__lte=as_of
        )
    )
    earlier_follow_up = Scoring.objects.filter(
        pathway_id=OuterRef("pathway_id"),
        kind=Scoring.Kind.FOLLOW_UP,
        created_at__lte=as_of,
    ).filter(
        Q(scored_at__lt=OuterRef("scored_at"))
        | Q(scored_at=OuterRef("scored_at"), pk__lt=OuterRef("pk"))
    )
    # A score of the follow-up, with the same goal's first score earlier in the pathway.
    baseline_value = Subquery(
        Score.objects.filter(
            goal_id=OuterRef("goal_id"),
            scoring__pathway_id=OuterRef("scoring__pathway_id"),
            scoring__scored_at__lt=OuterRef("scoring__scored_at"),
            scoring__created_at__lte=as_of,
            created_at__lte=as_of,
        )
        .order_by("scoring__scored_at", "scoring_id")
        .values("value")[:1]
    )

    def paired(expression: F | ExpressionWrapper) -> Subquery:
        return Subquery(
            Score.objects.filter(scoring_id=OuterRef("pk"), created_at__lte=as_of)
            .annotate(baseline_value=baseline_value)
            .filter(baseline_value__isnull=False)
            .order_by()
            .values("scoring_id")
            .annotate(result=Avg(expression, output_field=FloatField()))
            .values("result")[:1],
            output_field=FloatField(),
        )

    rows = (
        Scoring.objects.filter(
            in_scope,
            kind=Scoring.Kind.FOLLOW_UP,
            pathway__isnull=False,
            created_at__lte=as_of,
            scored_at__lte=as_of,
        )
        .exclude(Exists(earlier_follow_up))
        .annotate(
            follow_up_average=paired(F("value")),
            baseline_average=paired(F("baseline_value")),
        )
    )
    difference = ExpressionWrapper(
        F("follow_up_average") - F("baseline_average"), output_field=FloatField()
    )
    return rows.annotate(
        change=Case(
            When(
                version__direction=FormDirection.LOWER_IS_BETTER,
                then=ExpressionWrapper(
                    F("baseline_average") - F("follow_up_average"), output_field=FloatField()
                ),
            ),
            default=difference,
            output_field=FloatField(),
        )
    )


# The change as shown is rounded to one decimal, half up (goals.rules.round_one_decimal), and
# ``rules.is_meaningful`` compares that: a change of 2.25 shows as 2.3 and meets a threshold of
# 2.3. Averages of at most ten 0-10 scores differ from such a tie by far more than this slack.
_ROUNDING_SLACK = 0.05 + 1e-9


def _plan_what_matters(meaningful: bool) -> Callable[[Measure, Scope, datetime], _Plan]:
    def plan(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
        rows = _what_matters_rows(scope, as_of)
        both = Q(change__isnull=False)
        if not meaningful:
            return _Plan(rows, "scored_at", both, both)
        rows = rows.annotate(
            meaningful_from=ExpressionWrapper(
                Cast("version__threshold", FloatField()) - Value(_ROUNDING_SLACK),
                output_field=FloatField(),
            )
        )
        # An improvement (positive change) at or beyond the version's threshold.
        return _Plan(rows, "scored_at", both & Q(change__gte=F("meaningful_from")), both)

    return plan


# The HPH trial's adherence measure: patients who got at least 3 of the 4 main checklists
# (Røsstad et al.; see docs/hph.md). Which stop points are the main ones is template data
# (``StopPointDefinition.main_checklist``); how many are enough is the measure's parameter.
MAIN_CHECKLISTS_AT_LEAST = 3


def main_checklist_pathways(scope: Scope, as_of: datetime) -> QuerySet:
    """Pathways whose version has main checklists, each annotated with how many of its main
    checklists were done (``main_done``, on time or late, first occurrence) and whether the
    pathway is settled (``main_settled``): it has ended, or every main checklist of its
    version exists and none is still open before its deadline. Only settled pathways are
    counted, so a pathway in its first weeks does not look like a failure; one whose
    checklists were missed, interrupted or not relevant counts with those as not done."""
    from forlop.pathways.models import Pathway, StopPoint, StopPointDefinition

    main = StopPoint.objects.filter(
        pathway_id=OuterRef("pk"),
        definition__main_checklist=True,
        occurrence=1,
        created_at__lte=as_of,
    )

    def count_of(queryset: QuerySet, key: str) -> Coalesce:
        return Coalesce(
            Subquery(
                queryset.order_by().values(key).annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            Value(0),
        )

    pending = main.filter(
        _not_before("completed_at", as_of),
        _not_before("not_relevant_at", as_of),
        _not_before("interrupted_at", as_of),
        ends_at__gt=as_of,
    )
    in_version = StopPointDefinition.objects.filter(
        version_id=OuterRef("version_id"), main_checklist=True
    )
    return (
        Pathway.objects.filter(
            pathway_scope_q(scope),
            Exists(in_version),
            created_at__lte=as_of,
            started_at__lte=as_of,
        )
        .annotate(
            main_done=count_of(main.filter(completed_at__lte=as_of), "pathway_id"),
            main_planned=count_of(main, "pathway_id"),
            main_in_version=count_of(in_version, "version_id"),
        )
        .annotate(
            main_settled=Case(
                When(ended_at__lte=as_of, then=Value(True)),
                When(
                    Q(main_planned__gte=F("main_in_version")) & ~Exists(pending),
                    then=Value(True),
                ),
                default=Value(False),
            )
        )
    )


def _plan_main_checklists(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
    at_least = int((measure.parameters or {}).get("at_least", MAIN_CHECKLISTS_AT_LEAST))
    settled = Q(main_settled=True)
    return _Plan(
        main_checklist_pathways(scope, as_of),
        "started_at",
        settled & Q(main_done__gte=at_least),
        settled,
    )


def compute_main_checklist_distribution(
    *, scope: Scope, first: date, last: date, as_of: datetime, period: str = Period.MONTH
) -> dict[int, int]:
    """Settled pathways started from the period holding ``first`` to the one holding
    ``last``, by how many main checklists they got: {0: n, 1: n, ...} (one GROUP BY query;
    every count from 0 to the largest number of main checklists is present)."""
    from forlop.pathways.models import StopPointDefinition

    rows = (
        main_checklist_pathways(scope, as_of)
        .filter(
            main_settled=True,
            started_at__gte=local_midnight(period_floor(first, period)),
            started_at__lt=local_midnight(period_next(period_floor(last, period), period)),
        )
        .order_by()
        .values("main_done")
        .annotate(n=Count("pk"))
        .values_list("main_done", "n")
    )
    found = dict(rows)
    most = (
        StopPointDefinition.objects.filter(main_checklist=True)
        .order_by()
        .values("version_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("n", flat=True)
        .first()
    ) or 0
    return {done: found.get(done, 0) for done in range(max([most, *found]) + 1)}


# --------------------------------------------------------------------------------------------
# Days at home after discharge (an outcome measure; see docs/measures.md)
# --------------------------------------------------------------------------------------------


def _withdrawn_not_before(as_of: datetime) -> Q:
    return _not_before("withdrawn_at", as_of)


def days_at_home_pathways(scope: Scope, as_of: datetime, days: int) -> QuerySet:
    """Pathways started by a discharge from hospital (every one, whether or not its window is
    over), each annotated in the database with the time at home in the ``days`` days after the
    discharge (``at_home``, a duration) and when that window ends (``window_end``).

    Not at home, in the window (``discharged_at`` to ``discharged_at + days``):
    - from the discharge to the arrival home when a short-term or intermediate stay (or KAD)
      is registered on the pathway's timeline; without one the patient is home from the
      discharge (or from a later registered arrival home); a short stay with no arrival home
      yet counts as away to the end of the window;
    - every hospital stay (``patients.HospitalStay``) after that, up to its discharge (or the
      as-of time while it is open), clipped to the window;
    - from a move to a nursing home (long-term stay) or death to the end of the window.
    Events recorded after ``as_of`` or withdrawn as recorded in error do not count. Stays of
    one patient are assumed not to overlap (one hospital at a time)."""
    from forlop.pathways.models import EventKindChoices, Pathway, PathwayEvent
    from forlop.patients.models import HospitalStay

    def first_event(kind: str) -> Subquery:
        return Subquery(
            PathwayEvent.objects.filter(
                _withdrawn_not_before(as_of),
                patient_id=OuterRef("patient_id"),
                kind=kind,
                created_at__lte=as_of,
                occurred_at__gt=OuterRef("discharged_at"),
            )
            .order_by("occurred_at")
            .values("occurred_at")[:1],
            output_field=DateTimeField(),
        )

    window_end = ExpressionWrapper(
        F("discharged_at") + timedelta(days=days), output_field=DateTimeField()
    )
    stays = (
        HospitalStay.objects.filter(
            patient_id=OuterRef("patient_id"),
            created_at__lte=as_of,
            admitted_at__lt=OuterRef("home_end"),
        )
        .annotate(until=Coalesce("discharged_at", Value(as_of), output_field=DateTimeField()))
        .filter(until__gt=OuterRef("home_from"))
        .annotate(
            overlap=ExpressionWrapper(
                Least("until", OuterRef("home_end"), output_field=DateTimeField())
                - Greatest("admitted_at", OuterRef("home_from"), output_field=DateTimeField()),
                output_field=DurationField(),
            )
        )
        .order_by()
        .values("patient_id")
        .annotate(total=Sum("overlap"))
        .values("total")
    )
    return (
        Pathway.objects.filter(
            pathway_scope_q(scope),
            start_reason=Pathway.StartReason.DISCHARGE,
            created_at__lte=as_of,
            discharged_at__isnull=False,
        )
        .annotate(
            window_end=window_end,
            died_at=first_event(EventKindChoices.DEATH),
            nursing_home_at=first_event(EventKindChoices.NURSING_HOME),
        )
        .annotate(
            # The end of the time the patient could be at home: the window's end, or an
            # earlier death or move to a nursing home.
            home_end=Least(
                "window_end",
                Coalesce("died_at", "window_end"),
                Coalesce("nursing_home_at", "window_end"),
                output_field=DateTimeField(),
            )
        )
        .annotate(
            home_from=Case(
                When(
                    Q(short_stay_started_at__isnull=True)
                    & (
                        Q(arrived_home_at__isnull=True) | Q(arrived_home_at__lte=F("discharged_at"))
                    ),
                    then=F("discharged_at"),
                ),
                When(
                    arrived_home_at__isnull=False,
                    then=Least(
                        Greatest("arrived_home_at", "discharged_at", output_field=DateTimeField()),
                        "home_end",
                        output_field=DateTimeField(),
                    ),
                ),
                default=F("home_end"),
                output_field=DateTimeField(),
            )
        )
        .annotate(
            in_hospital=Coalesce(
                Subquery(stays, output_field=DurationField()),
                Value(timedelta(0)),
                output_field=DurationField(),
            )
        )
        .annotate(
            at_home=ExpressionWrapper(
                F("home_end") - F("home_from") - F("in_hospital"), output_field=DurationField()
            )
        )
    )


def _plan_days_at_home(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
    days = window_days(measure) or 30
    queryset = days_at_home_pathways(scope, as_of, days).filter(
        discharged_at__lte=as_of - timedelta(days=days)
    )
    every = Q(pk__isnull=False)
    return _Plan(queryset, "discharged_at", every, every, sum_field="at_home")


def window_days(measure: Measure) -> int | None:
    """How many days after the discharge a measure follows the patient (its window must be
    over before a pathway is counted), or None for a measure without such a window."""
    if measure.computation == Computation.READMISSION_30_DAYS:
        return 30
    if measure.computation == Computation.NURSING_HOME_90_DAYS:
        return 90
    if measure.computation == Computation.DAYS_AT_HOME:
        return int((measure.parameters or {}).get("days", 30))
    return None


def compute_windows_not_over(
    measure: Measure, *, scope: Scope, first: date, last: date, as_of: datetime
) -> int:
    """Pathways discharged from the period holding ``first`` to the one holding ``last``
    whose window (``window_days``) is not over as of ``as_of``: left out of the denominator,
    and shown beside it (one query)."""
    days = window_days(measure)
    if days is None:
        return 0
    from forlop.pathways.models import Pathway

    return Pathway.objects.filter(
        pathway_scope_q(scope),
        start_reason=Pathway.StartReason.DISCHARGE,
        created_at__lte=as_of,
        discharged_at__lte=as_of,
        discharged_at__gt=as_of - timedelta(days=days),
        discharged_at__gte=local_midnight(period_floor(first, measure.period)),
        discharged_at__lt=local_midnight(
            period_next(period_floor(last, measure.period), measure.period)
        ),
    ).count()


# --------------------------------------------------------------------------------------------
# The IPLOS function score from HPH2 to HPH5
# --------------------------------------------------------------------------------------------

# Where the score is recorded is template data: the number items in the IPLOS domain of the
# two stop points (the shipped HPH has "iplos-skar" at HPH2 and HPH5).
IPLOS_FROM, IPLOS_TO = "HPH2", "HPH5"


def iplos_change_pathways(
    scope: Scope, as_of: datetime, *, first_code: str = IPLOS_FROM, then_code: str = IPLOS_TO
) -> QuerySet:
    """Pathways with the IPLOS function score answered at both stop points (first
    occurrence, completed by ``as_of``), annotated with both scores (``iplos_first``,
    ``iplos_then``: the mean of the stop point's IPLOS number items), the change
    ``iplos_change`` (then − first; a fall is an improvement: 1 = manages alone, 5 = needs
    full help) and ``reassessed_at`` (when the later stop point was completed)."""
    from forlop.pathways.models import (
        AssessmentDomain,
        ChecklistAnswer,
        ChecklistItem,
        Pathway,
        StopPoint,
    )

    def stop_point(code: str) -> QuerySet:
        return StopPoint.objects.filter(
            pathway_id=OuterRef("pk"),
            definition__code=code,
            occurrence=1,
            completed_at__lte=as_of,
        )

    def score(code: str) -> Subquery:
        answers = (
            ChecklistAnswer.objects.filter(
                stop_point__pathway_id=OuterRef("pk"),
                stop_point__definition__code=code,
                stop_point__occurrence=1,
                stop_point__completed_at__lte=as_of,
                item__domain=AssessmentDomain.IPLOS,
                item__kind=ChecklistItem.Kind.NUMBER,
                value__isnull=False,
                created_at__lte=as_of,
            )
            .annotate(number=Cast("value", FloatField()))
            .order_by()
            .values("stop_point_id")
            .annotate(mean=Avg("number"))
            .values("mean")[:1]
        )
        return Subquery(answers, output_field=FloatField())

    return (
        Pathway.objects.filter(
            pathway_scope_q(scope),
            Exists(stop_point(first_code)),
            Exists(stop_point(then_code)),
            created_at__lte=as_of,
        )
        .annotate(
            iplos_first=score(first_code),
            iplos_then=score(then_code),
            reassessed_at=Subquery(
                stop_point(then_code).values("completed_at")[:1], output_field=DateTimeField()
            ),
        )
        .filter(iplos_first__isnull=False, iplos_then__isnull=False)
        .annotate(
            iplos_change=ExpressionWrapper(
                F("iplos_then") - F("iplos_first"), output_field=FloatField()
            )
        )
    )


def _plan_iplos_change(measure: Measure, scope: Scope, as_of: datetime) -> _Plan:
    params = measure.parameters or {}
    queryset = iplos_change_pathways(
        scope,
        as_of,
        first_code=params.get("from", IPLOS_FROM),
        then_code=params.get("to", IPLOS_TO),
    )
    every = Q(pk__isnull=False)
    return _Plan(queryset, "reassessed_at", every, every, sum_field="iplos_change")


PLANS: dict[str, Callable[[Measure, Scope, datetime], _Plan]] = {
    Computation.STOP_POINT_ON_TIME: _plan_stop_point_on_time,
    Computation.ADMISSION_REPORT_SENT: _plan_admission_report(on_time=False),
    Computation.ADMISSION_REPORT_ON_TIME: _plan_admission_report(on_time=True),
    Computation.GOALS_RECORDED: _plan_goals_recorded,
    Computation.READMISSION_30_DAYS: _plan_readmission,
    Computation.WHAT_MATTERS_CHANGE: _plan_what_matters(meaningful=False),
    Computation.WHAT_MATTERS_MEANINGFUL: _plan_what_matters(meaningful=True),
    Computation.MAIN_CHECKLISTS: _plan_main_checklists,
    Computation.NURSING_HOME_90_DAYS: _plan_nursing_home,
    Computation.DAYS_AT_HOME: _plan_days_at_home,
    Computation.IPLOS_CHANGE: _plan_iplos_change,
}
