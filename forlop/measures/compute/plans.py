"""What each computation counts: one plan per measure kind, and the PLANS registry of them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from forlop.measures.compute.base import (
    Plan,
    Scope,
    local_midnight,
    not_before,
    pathway_scope_q,
    period_floor,
    period_next,
)
from forlop.measures.compute.outcomes import (
    plan_days_at_home,
    plan_iplos_change,
)
from forlop.measures.models import Computation, Measure, Period

# --------------------------------------------------------------------------------------------
# The computations
# --------------------------------------------------------------------------------------------


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


def _plan_stop_point_on_time(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
    relevant = not_before("not_relevant_at", as_of) & (
        not_before("interrupted_at", as_of) | Q(completed_at__lte=as_of)
    )
    due = Q(ends_at__lte=as_of) | Q(completed_at__lte=as_of)
    denominator = relevant & due
    numerator = denominator & Q(completed_at__lte=as_of, completed_at__lt=F("ends_at"))
    queryset = _stop_points(measure, scope, as_of, "due_at")
    return Plan(queryset, "due_at", numerator, denominator, pathway_path="pathway__")


def _plan_admission_report(on_time: bool) -> Callable[[Measure, Scope, datetime], Plan]:
    def plan(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
        denominator = not_before("not_relevant_at", as_of) & Q(triggered_at__lte=as_of)
        numerator = denominator & Q(completed_at__lte=as_of)
        if on_time:
            numerator &= Q(completed_at__lt=F("ends_at"))
        queryset = _stop_points(measure, scope, as_of, "triggered_at")
        return Plan(queryset, "triggered_at", numerator, denominator, pathway_path="pathway__")

    return plan


def _plan_goals_recorded(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
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
    return Plan(queryset, "started_at", Q(has_goal) | Q(scored_here), Q(pk__isnull=False))


def _plan_event_within(kind: str, days: int) -> Callable[[Measure, Scope, datetime], Plan]:
    """Pathways started by a discharge whose window of ``days`` after the discharge has
    closed; numerator: an event of ``kind`` recorded in the window (counted once)."""

    def plan(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
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
        return Plan(queryset, "discharged_at", Q(happened), Q(pk__isnull=False))

    return plan


def _plan_readmission(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
    from forlop.pathways.models import EventKindChoices

    return _plan_event_within(EventKindChoices.ADMISSION, 30)(measure, scope, as_of)


def _plan_nursing_home(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
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


def _plan_what_matters(meaningful: bool) -> Callable[[Measure, Scope, datetime], Plan]:
    def plan(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
        rows = _what_matters_rows(scope, as_of)
        both = Q(change__isnull=False)
        if not meaningful:
            return Plan(rows, "scored_at", both, both, pathway_path="pathway__")
        rows = rows.annotate(
            meaningful_from=ExpressionWrapper(
                Cast("version__threshold", FloatField()) - Value(_ROUNDING_SLACK),
                output_field=FloatField(),
            )
        )
        # An improvement (positive change) at or beyond the version's threshold.
        return Plan(
            rows,
            "scored_at",
            both & Q(change__gte=F("meaningful_from")),
            both,
            pathway_path="pathway__",
        )

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
        not_before("completed_at", as_of),
        not_before("not_relevant_at", as_of),
        not_before("interrupted_at", as_of),
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


def _plan_main_checklists(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
    at_least = int((measure.parameters or {}).get("at_least", MAIN_CHECKLISTS_AT_LEAST))
    settled = Q(main_settled=True)
    return Plan(
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


PLANS: dict[str, Callable[[Measure, Scope, datetime], Plan]] = {
    Computation.STOP_POINT_ON_TIME: _plan_stop_point_on_time,
    Computation.ADMISSION_REPORT_SENT: _plan_admission_report(on_time=False),
    Computation.ADMISSION_REPORT_ON_TIME: _plan_admission_report(on_time=True),
    Computation.GOALS_RECORDED: _plan_goals_recorded,
    Computation.READMISSION_30_DAYS: _plan_readmission,
    Computation.WHAT_MATTERS_CHANGE: _plan_what_matters(meaningful=False),
    Computation.WHAT_MATTERS_MEANINGFUL: _plan_what_matters(meaningful=True),
    Computation.MAIN_CHECKLISTS: _plan_main_checklists,
    Computation.NURSING_HOME_90_DAYS: _plan_nursing_home,
    Computation.DAYS_AT_HOME: plan_days_at_home,
    Computation.IPLOS_CHANGE: plan_iplos_change,
}
