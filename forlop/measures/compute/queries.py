"""The aggregate queries: counts per period, on time per stop point, statuses per stop point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import (
    Count,
    F,
    FloatField,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncMonth, TruncWeek

from forlop.core.tz import OSLO
from forlop.measures.compute.base import (
    PeriodCount,
    Plan,
    Scope,
    _as_date,
    local_midnight,
    not_before,
    pathway_scope_q,
    period_floor,
    period_next,
    period_starts,
)
from forlop.measures.compute.plans import PLANS
from forlop.measures.models import Computation, ManualValue, Measure, Period


def trunc(field: str, period: str) -> TruncMonth | TruncWeek:
    if period == Period.WEEK:
        return TruncWeek(field, tzinfo=OSLO)
    return TruncMonth(field, tzinfo=OSLO)


def compute_counts(
    measure: Measure, *, scope: Scope, first: date, last: date, as_of: datetime
) -> list[PeriodCount]:
    """Numerator and denominator of every period from ``first`` to ``last`` (inclusive),
    as of ``as_of``: one database query. Periods without cases have a zero denominator."""
    period = measure.period
    starts = period_starts(first, last, period)
    window_start = local_midnight(starts[0])
    window_end = local_midnight(period_next(starts[-1], period))
    found: dict[date, tuple[float | None, float | None]] = {}
    if measure.computation == Computation.MANUAL:
        return manual_counts(measure, starts=starts, as_of=as_of)
    plan = PLANS[measure.computation](measure, scope, as_of)
    rows = (
        plan.queryset.filter(
            **{f"{plan.date_field}__gte": window_start, f"{plan.date_field}__lt": window_end}
        )
        .annotate(period_start=trunc(plan.date_field, period))
        .order_by()
        .values("period_start")
        .annotate(**aggregates(measure, plan))
        .values_list("period_start", "numerator", "denominator")
    )
    for start, numerator, denominator in rows:
        found[_as_date(start)] = (_number(numerator), float(denominator))
    return [PeriodCount(start, *found.get(start, (0.0, 0.0))) for start in starts]


def aggregates(measure: Measure, plan: Plan) -> dict[str, Sum | Count]:
    """The numerator and denominator aggregates of a plan (a count, or a sum for a mean)."""
    numerator: Sum | Count
    if plan.sum_field:
        numerator = Sum(plan.sum_field, filter=plan.numerator)
    elif measure.computation == Computation.WHAT_MATTERS_CHANGE:
        numerator = Sum("change", filter=plan.numerator, output_field=FloatField())
    else:
        numerator = Count("pk", filter=plan.numerator)
    return {"numerator": numerator, "denominator": Count("pk", filter=plan.denominator)}


def manual_counts(measure: Measure, *, starts: list[date], as_of: datetime) -> list[PeriodCount]:
    """A hand-registered measure's values (the same in every scope: one query)."""
    found: dict[date, tuple[float | None, float | None]] = {}
    rows = ManualValue.objects.filter(
        measure=measure,
        period_start__gte=starts[0],
        period_start__lte=starts[-1],
        created_at__lte=as_of,
    ).values_list("period_start", "numerator", "denominator")
    for start, numerator, denominator in rows:
        found[period_floor(start, measure.period)] = (numerator, denominator)
    return [PeriodCount(start, *found.get(start, (None, None))) for start in starts]


def _number(value: float | int | timedelta | None) -> float:
    """A numerator as a number: a summed duration (time at home) is read as days."""
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return float(value or 0)


def _main_checklist_on_time(
    scope: Scope, first: date, last: date, as_of: datetime, period: str
) -> tuple[QuerySet, Q, Q]:
    """Main-checklist stop points (first occurrence) due from the period holding ``first`` to
    the one holding ``last``, with the on-time numerator and the due denominator."""
    from forlop.pathways.models import StopPoint

    relevant = not_before("not_relevant_at", as_of) & (
        not_before("interrupted_at", as_of) | Q(completed_at__lte=as_of)
    )
    denominator = relevant & (Q(ends_at__lte=as_of) | Q(completed_at__lte=as_of))
    numerator = denominator & Q(completed_at__lte=as_of, completed_at__lt=F("ends_at"))
    queryset = StopPoint.objects.filter(
        pathway_scope_q(scope, "pathway__"),
        definition__in_chain=True,
        occurrence=1,
        created_at__lte=as_of,
        pathway__created_at__lte=as_of,
        due_at__gte=local_midnight(period_floor(first, period)),
        due_at__lt=local_midnight(period_next(period_floor(last, period), period)),
    )
    return queryset, numerator, denominator


def compute_on_time_by_stop_point(
    *, scope: Scope, first: date, last: date, as_of: datetime
) -> dict[str, tuple[int, int]]:
    """Adherence per stop point code over the whole window (one query): code -> (done on
    time, due). Main-checklist stop points only; the leaders' view."""
    queryset, numerator, denominator = _main_checklist_on_time(
        scope, first, last, as_of, Period.MONTH
    )
    rows = (
        queryset.order_by()
        .values("definition__code")
        .annotate(
            numerator=Count("pk", filter=numerator), denominator=Count("pk", filter=denominator)
        )
        .values_list("definition__code", "numerator", "denominator")
    )
    return {code: (num, den) for code, num, den in sorted(rows)}


def compute_on_time_by_stop_point_and_period(
    *, scope: Scope, first: date, last: date, as_of: datetime, period: str = Period.MONTH
) -> dict[str, list[PeriodCount]]:
    """Adherence per stop point code and period (one query): code -> a count for every period
    from ``first`` to ``last`` (zero where none was due). The small multiples of the leaders'
    view; summed over the periods it gives ``compute_on_time_by_stop_point``."""
    starts = period_starts(first, last, period)
    queryset, numerator, denominator = _main_checklist_on_time(scope, first, last, as_of, period)
    rows = (
        queryset.annotate(period_start=trunc("due_at", period))
        .order_by()
        .values("definition__code", "period_start")
        .annotate(
            numerator=Count("pk", filter=numerator), denominator=Count("pk", filter=denominator)
        )
        .values_list("definition__code", "period_start", "numerator", "denominator")
    )
    found: dict[str, dict[date, tuple[float, float]]] = {}
    for code, start, num, den in rows:
        found.setdefault(code, {})[_as_date(start)] = (float(num), float(den))
    return {
        code: [PeriodCount(start, *by_start.get(start, (0.0, 0.0))) for start in starts]
        for code, by_start in sorted(found.items())
    }


@dataclass(frozen=True, slots=True)
class StatusCounts:
    """One stop point's first occurrences due in the window, side by side: nothing leaves a
    denominator without being shown. ``open`` are not yet due (and in no denominator)."""

    code: str
    on_time: int
    late: int
    missed: int
    interrupted: int
    not_relevant: int
    open: int
    reasons: tuple[tuple[str, int], ...] = ()

    @property
    def due(self) -> int:
        """The adherence denominator: done (on time or late) and missed."""
        return self.on_time + self.late + self.missed


def compute_statuses_by_stop_point(
    *,
    scope: Scope,
    first: date,
    last: date,
    as_of: datetime,
    stop_point: str | None = None,
    period: str = Period.MONTH,
) -> list[StatusCounts]:
    """Per stop point code, every status as of ``as_of`` (two aggregate queries: the counts,
    and the not-relevant reasons). Main-checklist stop points only unless ``stop_point``
    names one. The on-time and due columns are the adherence measures' numerator and
    denominator."""
    from forlop.pathways.models import StopPoint

    # As the adherence measures count: not relevant first (even if done), then done (even if
    # interrupted later), then interrupted, then missed or still open by the deadline.
    not_relevant = Q(not_relevant_at__lte=as_of)
    done = Q(completed_at__lte=as_of)
    interrupted = Q(interrupted_at__lte=as_of) & ~done & ~not_relevant
    on_time = done & ~not_relevant & Q(completed_at__lt=F("ends_at"))
    late = done & ~not_relevant & Q(completed_at__gte=F("ends_at"))
    missed = ~done & ~not_relevant & ~interrupted & Q(ends_at__lte=as_of)
    open_ = ~done & ~not_relevant & ~interrupted & Q(ends_at__gt=as_of)
    queryset = StopPoint.objects.filter(
        pathway_scope_q(scope, "pathway__"),
        occurrence=1,
        created_at__lte=as_of,
        pathway__created_at__lte=as_of,
        due_at__gte=local_midnight(period_floor(first, period)),
        due_at__lt=local_midnight(period_next(period_floor(last, period), period)),
    )
    if stop_point:
        queryset = queryset.filter(definition__code=stop_point)
    else:
        queryset = queryset.filter(definition__in_chain=True)
    rows = (
        queryset.order_by()
        .values("definition__code")
        .annotate(
            on_time=Count("pk", filter=on_time),
            late=Count("pk", filter=late),
            missed=Count("pk", filter=missed),
            interrupted=Count("pk", filter=interrupted),
            not_relevant=Count("pk", filter=not_relevant),
            open=Count("pk", filter=open_),
        )
        .values_list(
            "definition__code", "on_time", "late", "missed", "interrupted", "not_relevant", "open"
        )
    )
    reasons: dict[str, list[tuple[str, int]]] = {}
    for code, reason, n in (
        queryset.filter(not_relevant)
        .order_by()
        .values("definition__code", "not_relevant_reason")
        .annotate(n=Count("pk"))
        .order_by("definition__code", "-n", "not_relevant_reason")
        .values_list("definition__code", "not_relevant_reason", "n")
    ):
        reasons.setdefault(code, []).append((reason, n))
    return [
        StatusCounts(code, *counts, reasons=tuple(reasons.get(code, ())))
        for code, *counts in sorted(rows)
    ]
