"""The maintained rollup (issue 16 item 3): every computed shipped measure's numerator and
denominator per unit and period (``MeasureCell``), so every municipality's measures are read
from a small table in one aggregate query instead of one pass over the patient data per
measure.

**Filled by the grouped pass**: a cell is what ``compute.counts_by_pathway_field`` gives for
its unit and period, as of the rollup's ``as_of``: the numbers are the live computation's by
construction, and a municipality's are the sum of its units' (a pathway has one unit, a unit
one organisation; numerators and denominators are counts or sums, so they add up).

**Equal to the live computation as of ``MeasureRollup.as_of``.** A computation as of a time
leaves out what was registered or done after it (``compute``'s as-of rule), so a cell
computed at T1 keeps the live value as of a later T unless, between T1 and T,
1. patient data changed: every write of patient data goes through a service that writes an
   audit row with the patient in the same transaction (the project's rule), and the audit
   chain's lock makes the rows' ids follow the commits, so the audit events after
   ``audit_seen`` name every patient whose data changed (reads are left out by verb); or
2. time alone moved a case: a deadline passed (a stop point's ``ends_at``; ``triggered_at``,
   ``started_at``, ``discharged_at`` or ``ended_at`` reached when registered ahead), or an
   outcome window after a discharge ended (30 and 90 days, or a measure's own ``days``).
A refresh finds the pathways touched by either since the last one, and recomputes their
units' cells from the earliest date that can put one of their cases in a period (the
pathway's start, discharge or ready-for-discharge time, or a stop point's deadline, trigger
or completion) to the rollup's last period; every other cell stays as it is.

Not covered, so a rebuild is needed (``forlop measures_rollup --rebuild``): a unit moved to
another organisation, and data written around the services (a bulk load such as
``forlop generate``). A measure whose definition changed (``updated_at``), or a range the
rollup does not hold, is rebuilt by the next refresh on its own.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Min, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Least

from forlop.core.tz import OSLO
from forlop.measures.compute import PeriodCount, Scope, counts_by_pathway_field, period_floor
from forlop.measures.compute.base import period_starts
from forlop.measures.compute.queries import _number
from forlop.measures.models import (
    Computation,
    Measure,
    MeasureCell,
    MeasureRollup,
    ScopeLevel,
)

# Audit verbs that only read: every other audit event with a patient may be a change.
READ_VERBS = (
    "patient.viewed",
    "patient.searched",
    "patient.access_log_viewed",
    "patient.access_refused",
    "pathway.viewed",
    "checklist.viewed",
    "worklist.viewed",
    "goals.viewed",
    "patient.summary_printed",
    "patient.exported",
    "emergency.granted",
    "emergency.reviewed",
    "emergency.escalated",
)
# The outcome windows after a discharge (readmission, nursing home, days at home).
OUTCOME_DAYS = (30, 90)


@dataclass(frozen=True, slots=True)
class RefreshReport:
    rebuilt: tuple[str, ...]  # measure codes rebuilt in full
    units: int  # units whose cells were recomputed (incremental)
    since: date | None  # from this day on
    cells: int  # cells written
    as_of: datetime


_ADVISORY_LOCK = 0x526F6C6C  # "Roll": one refresh of the rollup at a time


def _lock() -> None:
    """Serialise refreshes (inside a transaction): on PostgreSQL a transaction-level advisory
    lock; SQLite already holds its write lock from the transaction's start."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])


def rollup_window(*, today: date) -> tuple[date, date]:
    """The months the rollup holds by default: the 24 before this one, and this one (what the
    dashboards' default window and ``forlop measures``' default range need)."""
    months = today.year * 12 + today.month - 1 - 24
    first = date(months // 12, months % 12 + 1, 1)
    return first, today.replace(day=1)


def rollup_measures() -> QuerySet[Measure]:
    """The measures the rollup holds: the shipped (organisation-less) active computed ones."""
    return (
        Measure.objects.filter(organisation__isnull=True, active=True)
        .exclude(computation=Computation.MANUAL)
        .order_by("order", "code")
    )


def _all_units() -> tuple[int, ...]:
    from forlop.core.models import Unit

    return tuple(Unit.objects.order_by("pk").values_list("pk", flat=True))


def _write_cells(
    measure: Measure, *, units: Sequence[int], first: date, last: date, as_of: datetime
) -> int:
    """Recompute the measure's cells of ``units`` from ``first`` to ``last``: one grouped
    query, one delete, one insert."""
    starts = period_starts(first, last, measure.period)
    scope = Scope(level=ScopeLevel.UNIT, code="rollup", name="", ids=tuple(units))
    found = counts_by_pathway_field(
        measure, scope=scope, field="unit_id", starts=starts, as_of=as_of, raw=True
    )
    MeasureCell.objects.filter(
        measure=measure,
        unit_id__in=units,
        period_start__gte=starts[0],
        period_start__lte=starts[-1],
    ).delete()
    cells = [
        MeasureCell(
            measure=measure,
            unit_id=unit,
            period_start=start,
            numerator=_number(numerator),
            duration=numerator if isinstance(numerator, timedelta) else None,
            denominator=denominator,
        )
        for unit, by_start in found.items()
        if unit is not None
        for start, (numerator, denominator) in by_start.items()
    ]
    MeasureCell.objects.bulk_create(cells, batch_size=2000)
    return len(cells)


def _audit_head() -> int:
    from forlop.core.models import AuditEvent

    return int(AuditEvent.objects.aggregate(head=Max("pk"))["head"] or 0)


def rollup_rebuild(
    *, first: date, last: date, as_of: datetime, measures: Iterable[Measure] | None = None
) -> RefreshReport:
    """Compute every cell of the measures (default: all the rollup holds) from ``first`` to
    ``last`` as of ``as_of``: one grouped pass per measure over every unit."""
    written = 0
    codes: list[str] = []
    with transaction.atomic():
        _lock()
        head = _audit_head()  # before the computation: a change committed meanwhile is redone
        units = _all_units()
        for measure in measures if measures is not None else rollup_measures():
            MeasureCell.objects.filter(measure=measure).delete()
            if units:
                written += _write_cells(measure, units=units, first=first, last=last, as_of=as_of)
            MeasureRollup.objects.update_or_create(
                measure=measure,
                defaults={
                    "period": measure.period,
                    "first": period_floor(first, measure.period),
                    "last": period_floor(last, measure.period),
                    "as_of": as_of,
                    "audit_seen": head,
                    "definition_at": measure.updated_at,
                },
            )
            codes.append(measure.code)
    return RefreshReport(tuple(codes), len(units), first, written, as_of)


def _touched_pathways(
    *, audit_after: int, audit_upto: int, since: datetime, now: datetime
) -> QuerySet[Any]:
    """Pathways whose cells may differ between ``since`` and ``now``: their patient's data
    changed (audit events in (audit_after, audit_upto]) or one of their clocks passed."""
    from forlop.core.models import AuditEvent
    from forlop.pathways.models import Pathway, StopPoint

    changed = (
        AuditEvent.objects.filter(pk__gt=audit_after, pk__lte=audit_upto, patient_id__isnull=False)
        .exclude(verb__in=READ_VERBS)
        .values("patient_id")
    )
    passed = Q()
    for field in ("ends_at", "triggered_at"):
        passed |= Q(**{f"{field}__gt": since, f"{field}__lte": now})
    deadlines = StopPoint.objects.filter(passed).values("pathway_id")
    clocks = Q()
    for field in ("started_at", "discharged_at", "ended_at"):
        clocks |= Q(**{f"{field}__gt": since, f"{field}__lte": now})
    days = sorted({*OUTCOME_DAYS, *_measure_days()})
    for day in days:
        window = timedelta(days=day)
        clocks |= Q(discharged_at__gt=since - window, discharged_at__lte=now - window)
    return Pathway.objects.filter(Q(patient_id__in=changed) | Q(pk__in=deadlines) | clocks)


def _measure_days() -> set[int]:
    out: set[int] = set()
    for parameters in rollup_measures().values_list("parameters", flat=True):
        days = (parameters or {}).get("days")
        if isinstance(days, int):
            out.add(days)
    return out


def _earliest_day(pathways: QuerySet[Any]) -> tuple[list[int], date | None]:
    """The units of the pathways, and the earliest day that can put one of their cases in a
    period (two aggregate queries)."""
    from forlop.pathways.models import StopPoint

    row = pathways.order_by().aggregate(
        first=Min(
            Least(
                "started_at",
                Coalesce("discharged_at", "started_at"),
                Coalesce("ready_for_discharge_at", "started_at"),
            )
        )
    )
    units = sorted(
        {u for u in pathways.order_by().values_list("unit_id", flat=True).distinct() if u}
    )
    stops = StopPoint.objects.filter(pathway__in=pathways.values("pk")).aggregate(
        due=Min("due_at"), triggered=Min("triggered_at"), completed=Min("completed_at")
    )
    moments = [m for m in (row["first"], *stops.values()) if m is not None]
    if not moments:
        return units, None
    return units, min(moments).astimezone(OSLO).date()


def rollup_refresh(
    *, now: datetime, first: date | None = None, last: date | None = None
) -> RefreshReport:
    """Bring the rollup up to ``now``: rebuild the measures it does not hold yet (from
    ``first`` to ``last``, which must then be given), whose definition changed or whose
    range does not cover ``first``..``last``; for the others recompute only the cells of the
    units with a pathway touched since the last refresh (see the module's docstring)."""
    with transaction.atomic():
        _lock()
        return _refresh(now=now, first=first, last=last)


def _refresh(*, now: datetime, first: date | None, last: date | None) -> RefreshReport:
    measures = list(rollup_measures())
    states = {s.measure_id: s for s in MeasureRollup.objects.filter(measure__in=measures)}
    to_rebuild: list[Measure] = []
    kept: list[tuple[Measure, MeasureRollup]] = []
    for measure in measures:
        state = states.get(measure.pk)
        if (
            state is None
            or state.period != measure.period
            or state.definition_at != measure.updated_at
            or (first is not None and period_floor(first, measure.period) < state.first)
            or (last is not None and period_floor(last, measure.period) > state.last)
        ):
            to_rebuild.append(measure)
        else:
            kept.append((measure, state))
    rebuilt: tuple[str, ...] = ()
    if to_rebuild:
        span = list(states.values())
        lo = min([d for d in [first, *(s.first for s in span)] if d is not None], default=None)
        hi = max([d for d in [last, *(s.last for s in span)] if d is not None], default=None)
        if lo is None or hi is None:
            raise ValueError("rollup_refresh needs first and last to build the rollup")
        rebuilt = rollup_rebuild(first=lo, last=hi, as_of=now, measures=to_rebuild).rebuilt
    if not kept:
        return RefreshReport(rebuilt, 0, None, 0, now)
    head = _audit_head()
    # The measures refreshed together share their state (one refresh writes them all).
    after = min(state.audit_seen for _m, state in kept)
    since = min(state.as_of for _m, state in kept)
    touched = _touched_pathways(audit_after=after, audit_upto=head, since=since, now=now)
    units, day = _earliest_day(touched)
    written = 0
    for measure, state in kept:
        if units and day is not None:
            start = max(period_floor(day, measure.period), state.first)
            if start <= state.last:
                written += _write_cells(
                    measure, units=units, first=start, last=state.last, as_of=now
                )
        MeasureRollup.objects.filter(pk=state.pk).update(as_of=now, audit_seen=head)
    return RefreshReport(rebuilt, len(units), day, written, now)


def counts_equal(a: Sequence[PeriodCount], b: Sequence[PeriodCount]) -> bool:
    """Whether two series of counts are the same: periods and denominators exactly, and
    numerators exactly too except a float sum (the mean what-matters change: a sum of means),
    whose last bits depend on the order the database adds the cases in, in any computation,
    live or not; those agree to 1e-9."""
    return len(a) == len(b) and all(
        x.period_start == y.period_start
        and x.denominator == y.denominator
        and (
            x.numerator == y.numerator
            or (
                x.numerator is not None
                and y.numerator is not None
                and math.isclose(x.numerator, y.numerator, rel_tol=1e-9, abs_tol=1e-9)
            )
        )
        for x, y in zip(a, b, strict=True)
    )


@dataclass(frozen=True, slots=True)
class RollupCounts:
    counts: dict[int, dict[str, list[PeriodCount]]]  # measure pk -> scope code -> counts
    as_of: datetime  # the oldest as-of among the measures read


def rollup_counts(
    measures: Sequence[Measure], *, scopes: Sequence[Scope], first: date, last: date
) -> RollupCounts | None:
    """Every measure's counts for every scope (units, or municipalities) from the rollup: two
    queries (the states, the cells summed per measure, scope and period), whatever the
    number of measures and scopes. None when the rollup cannot answer: a measure it does not
    hold (as computed now, for this range), a scope that is not one unit or one
    municipality, or a mix of levels."""
    levels = {scope.level for scope in scopes}
    if (
        not measures
        or len(levels) != 1
        or not levels <= {ScopeLevel.UNIT, ScopeLevel.MUNICIPALITY}
        or any(len(scope.ids) != 1 for scope in scopes)
    ):
        return None
    states = {s.measure_id: s for s in MeasureRollup.objects.filter(measure__in=measures)}
    for measure in measures:
        state = states.get(measure.pk)
        if (
            state is None
            or measure.computation == Computation.MANUAL
            or state.period != measure.period
            or state.definition_at != measure.updated_at
            or period_floor(first, measure.period) < state.first
            or period_floor(last, measure.period) > state.last
        ):
            return None
    field = "unit_id" if levels == {ScopeLevel.UNIT} else "unit__organisation_id"
    lo = min(period_floor(first, m.period) for m in measures)
    rows = (
        MeasureCell.objects.filter(
            measure__in=measures, period_start__gte=lo, period_start__lte=last
        )
        .order_by()
        .values("measure_id", field, "period_start")
        .annotate(n=Sum("numerator"), t=Sum("duration"), d=Sum("denominator"))
        .values_list("measure_id", field, "period_start", "n", "t", "d")
    )
    found: dict[tuple[int, int], dict[date, tuple[float, float]]] = {}
    for measure_id, group, start, numerator, duration, denominator in rows:
        value = _number(duration) if duration is not None else float(numerator)
        found.setdefault((measure_id, group), {})[start] = (value, float(denominator))
    counts: dict[int, dict[str, list[PeriodCount]]] = {}
    for measure in measures:
        starts = period_starts(first, last, measure.period)
        counts[measure.pk] = {
            scope.code: [
                PeriodCount(
                    start, *found.get((measure.pk, scope.ids[0]), {}).get(start, (0.0, 0.0))
                )
                for start in starts
            ]
            for scope in scopes
        }
    return RollupCounts(counts, min(states[m.pk].as_of for m in measures))
