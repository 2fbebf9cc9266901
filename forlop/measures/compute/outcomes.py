"""What the outcome measures count: days at home after discharge and the IPLOS function score's
change from HPH2 to HPH5 (see docs/hph.md). Plans for ``plans.PLANS``."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import (
    Avg,
    Case,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
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
    Plan,
    Scope,
    local_midnight,
    not_before,
    pathway_scope_q,
    period_floor,
    period_next,
)
from forlop.measures.models import Computation, Measure

# --------------------------------------------------------------------------------------------
# Days at home after discharge (an outcome measure; see docs/measures.md)
# --------------------------------------------------------------------------------------------


def _window_overlap(start: str, end: str) -> ExpressionWrapper:
    """The time from ``start`` to ``end`` that falls inside the outer pathway's window
    (``home_from`` to ``home_end``): the one clipping both kinds of time away use."""
    return ExpressionWrapper(
        Least(end, OuterRef("home_end"), output_field=DateTimeField())
        - Greatest(start, OuterRef("home_from"), output_field=DateTimeField()),
        output_field=DurationField(),
    )


def _withdrawn_not_before(as_of: datetime) -> Q:
    return not_before("withdrawn_at", as_of)


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
    - an admission recorded as an event (home care's "admitted to hospital") with no hospital
      stay recorded over it: from the admission to the return home (the next "home again" or
      admission event; none yet: the as-of time), clipped to the window;
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
        .annotate(overlap=_window_overlap("admitted_at", "until"))
        .order_by()
        .values("patient_id")
        .annotate(total=Sum("overlap"))
        .values("total")
    )
    # An admission home care recorded (``PathwayEvent`` kind admission) with no hospital stay
    # recorded over it: away from the admission to the return home (the next "home again" or
    # admission event; none yet: to the as-of time), clipped to the window. Where a stay
    # overlaps that time the stay's own times count instead (never both).
    returned_at = Coalesce(
        Subquery(
            PathwayEvent.objects.filter(
                _withdrawn_not_before(as_of),
                patient_id=OuterRef("patient_id"),
                kind__in=(EventKindChoices.RETURN_HOME, EventKindChoices.ADMISSION),
                created_at__lte=as_of,
                occurred_at__gt=OuterRef("occurred_at"),
            )
            .order_by("occurred_at")
            .values("occurred_at")[:1],
            output_field=DateTimeField(),
        ),
        Value(as_of),
        output_field=DateTimeField(),
    )
    stay_over_it = HospitalStay.objects.filter(
        patient_id=OuterRef("patient_id"),
        created_at__lte=as_of,
        admitted_at__lt=OuterRef("returned_at"),
    ).filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=OuterRef("occurred_at")))
    admissions_without_stay = (
        PathwayEvent.objects.filter(
            _withdrawn_not_before(as_of),
            patient_id=OuterRef("patient_id"),
            kind=EventKindChoices.ADMISSION,
            created_at__lte=as_of,
            occurred_at__lt=OuterRef("home_end"),
        )
        .annotate(returned_at=returned_at)
        .filter(returned_at__gt=OuterRef("home_from"))
        .exclude(Exists(stay_over_it))
        .annotate(overlap=_window_overlap("occurred_at", "returned_at"))
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
            admitted_without_stay=Coalesce(
                Subquery(admissions_without_stay, output_field=DurationField()),
                Value(timedelta(0)),
                output_field=DurationField(),
            )
        )
        .annotate(
            at_home=ExpressionWrapper(
                F("home_end") - F("home_from") - F("in_hospital") - F("admitted_without_stay"),
                output_field=DurationField(),
            )
        )
    )


def plan_days_at_home(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
    days = window_days(measure) or 30
    queryset = days_at_home_pathways(scope, as_of, days).filter(
        discharged_at__lte=as_of - timedelta(days=days)
    )
    every = Q(pk__isnull=False)
    return Plan(queryset, "discharged_at", every, every, sum_field="at_home")


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

    def answered(code: str) -> QuerySet:
        # The pathways with an IPLOS number answered at the stop point: an IN list the planner
        # starts from (few rows), rather than testing every pathway in scope for both stop
        # points (a scan of all stop points; 310 ms at 7,573 pathways with no answer at all).
        return ChecklistAnswer.objects.filter(
            stop_point__definition__code=code,
            stop_point__occurrence=1,
            stop_point__completed_at__lte=as_of,
            item__domain=AssessmentDomain.IPLOS,
            item__kind=ChecklistItem.Kind.NUMBER,
            value__isnull=False,
            created_at__lte=as_of,
        ).values("stop_point__pathway_id")

    return (
        Pathway.objects.filter(
            pathway_scope_q(scope),
            created_at__lte=as_of,
            # (implies both stop points completed as of the time: the answers are theirs)
            pk__in=answered(first_code),
        )
        .filter(pk__in=answered(then_code))
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


def plan_iplos_change(measure: Measure, scope: Scope, as_of: datetime) -> Plan:
    params = measure.parameters or {}
    queryset = iplos_change_pathways(
        scope,
        as_of,
        first_code=params.get("from", IPLOS_FROM),
        then_code=params.get("to", IPLOS_TO),
    )
    every = Q(pk__isnull=False)
    return Plan(queryset, "reassessed_at", every, every, sum_field="iplos_change")
