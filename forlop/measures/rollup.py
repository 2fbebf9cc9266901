"""The maintained rollup (issue 16 item 3): every computed shipped measure's numerator and
denominator per unit and period (``MeasureCell``), so every municipality's measures are read
from a small table in one aggregate query instead of one pass over the patient data per
measure.

**Filled by the grouped pass**: a case row is what ``compute.counts_by_pathway_field`` gives
for its pathway and period as of the rollup's ``as_of``, and a cell the sum of its unit's case
rows: the numbers are the live computation's by construction, and a municipality's are the sum
of its units' (a pathway has one unit, a unit one organisation; numerators and denominators
are counts or sums, so they add up; a summed duration is kept as a duration, exact).

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
A refresh finds the pathways touched by either since the last one, recomputes only their
case rows (``MeasureCase``: each pathway's own part per period, from the same grouped query
restricted to those pathways and grouped by pathway), and re-sums the cells those rows left
or entered from the case rows; every other cell stays as it is. A case that moved to another
period (a corrected time) is handled as well: its old row names the cell it leaves.

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
from django.db.models import Max, Q, QuerySet, Sum

from forlop.measures.compute import PeriodCount, Scope, counts_by_pathway_field, period_floor
from forlop.measures.compute.base import period_starts
from forlop.measures.compute.queries import _number
from forlop.measures.models import (
    Computation,
    Measure,
    MeasureCase,
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
    units: int  # units with a cell re-summed (incremental), or every unit (rebuild)
    since: date | None  # the earliest period re-summed
    cells: int  # cells written
    as_of: datetime
    pathways: int = 0  # pathways recomputed (incremental)


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


def _write_cases(
    measure: Measure,
    *,
    first: date,
    last: date,
    as_of: datetime,
    owners: dict[int, tuple[int, int]],
    pathways: Sequence[int] | None = None,
) -> set[tuple[int, date]]:
    """Compute the measure's case rows (per pathway and period) from ``first`` to ``last``,
    of every pathway or of ``pathways``: one grouped query and one insert (the old rows must
    be gone). ``owners``: pathway -> (unit, patient). Returns the (unit, period) cells hit."""
    starts = period_starts(first, last, measure.period)
    scope = Scope(level=ScopeLevel.UNIT, code="rollup", name="", ids=_all_units())
    found = counts_by_pathway_field(
        measure, scope=scope, field="id", starts=starts, as_of=as_of, raw=True, pathways=pathways
    )
    rows = [
        (
            measure.pk,
            pathway,
            owners[pathway][1],
            owners[pathway][0],
            start,
            _number(numerator),
            numerator if isinstance(numerator, timedelta) else None,
            denominator,
        )
        for pathway, by_start in found.items()
        if pathway is not None
        for start, (numerator, denominator) in by_start.items()
    ]
    _insert_cases(rows)
    return {(row[3], row[4]) for row in rows}


_CASE_COLUMNS = (
    "measure_id",
    "pathway_id",
    "patient_id",
    "unit_id",
    "period_start",
    "numerator",
    "duration",
    "denominator",
)


def _insert_cases(rows: list[tuple[Any, ...]]) -> None:
    """Write case rows (a rebuild writes one per pathway, measure and month with a case: about
    700,000 at 40,000 patients): PostgreSQL's COPY, or batched inserts elsewhere."""
    if connection.vendor == "postgresql":
        table = MeasureCase._meta.db_table
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({', '.join(_CASE_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    MeasureCase.objects.bulk_create(
        (MeasureCase(**dict(zip(_CASE_COLUMNS, row, strict=True))) for row in rows),
        batch_size=5000,
    )


def _sum_cells(measure: Measure, cells: set[tuple[int, date]] | None = None) -> int:
    """Re-sum the measure's cells from its case rows: all of them, or those of the units and
    periods in ``cells`` (every pair of those units and periods, a superset). One delete, one
    aggregate query, one insert."""
    cases = MeasureCase.objects.filter(measure=measure)
    old = MeasureCell.objects.filter(measure=measure)
    if cells is not None:
        if not cells:
            return 0
        units = sorted({unit for unit, _start in cells})
        starts = sorted({start for _unit, start in cells})
        cases = cases.filter(unit_id__in=units, period_start__in=starts)
        old = old.filter(unit_id__in=units, period_start__in=starts)
    old.delete()
    sums = (
        cases.order_by()
        .values("unit_id", "period_start")
        .annotate(n=Sum("numerator"), t=Sum("duration"), d=Sum("denominator"))
        .values_list("unit_id", "period_start", "n", "t", "d")
    )
    written = MeasureCell.objects.bulk_create(
        (
            MeasureCell(
                measure=measure,
                unit_id=unit,
                period_start=start,
                numerator=_number(duration) if duration is not None else numerator,
                duration=duration,
                denominator=denominator,
            )
            for unit, start, numerator, duration, denominator in sums
        ),
        batch_size=5000,
    )
    return len(written)


def _owners(pathways: Sequence[int] | None = None) -> dict[int, tuple[int, int]]:
    """Pathway -> (unit, patient), of every pathway or of ``pathways`` (one query)."""
    from forlop.pathways.models import Pathway

    rows = Pathway.objects.order_by()
    if pathways is not None:
        rows = rows.filter(pk__in=list(pathways))
    return {
        pk: (unit, patient) for pk, unit, patient in rows.values_list("pk", "unit_id", "patient_id")
    }


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
        owners = _owners()
        units = _all_units()
        for measure in measures if measures is not None else rollup_measures():
            MeasureCase.objects.filter(measure=measure).delete()
            _write_cases(measure, first=first, last=last, as_of=as_of, owners=owners)
            written += _sum_cells(measure)
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


def _touched(
    *, audit_after: int, audit_upto: int, since: datetime, now: datetime
) -> tuple[list[int], list[int]]:
    """The pathways whose cases may differ between ``since`` and ``now``, and the patients
    whose data changed (audit events in (audit_after, audit_upto]): every pathway of those
    patients, and every pathway one of whose clocks passed. Two queries."""
    from forlop.core.models import AuditEvent
    from forlop.pathways.models import Pathway, StopPoint

    patients = sorted(
        {
            int(patient)
            for patient in AuditEvent.objects.filter(
                pk__gt=audit_after, pk__lte=audit_upto, patient_id__isnull=False
            )
            .exclude(verb__in=READ_VERBS)
            .values_list("patient_id", flat=True)
            if patient is not None
        }
    )
    passed = Q()
    for field in ("ends_at", "triggered_at"):
        passed |= Q(**{f"{field}__gt": since, f"{field}__lte": now})
    deadlines = StopPoint.objects.filter(passed).values("pathway_id")
    clocks = Q(patient_id__in=patients) | Q(pk__in=deadlines)
    for field in ("started_at", "discharged_at", "ended_at"):
        clocks |= Q(**{f"{field}__gt": since, f"{field}__lte": now})
    for day in sorted({*OUTCOME_DAYS, *_measure_days()}):
        window = timedelta(days=day)
        clocks |= Q(discharged_at__gt=since - window, discharged_at__lte=now - window)
    pathways = sorted(Pathway.objects.filter(clocks).order_by().values_list("pk", flat=True))
    return pathways, patients


def _measure_days() -> set[int]:
    out: set[int] = set()
    for parameters in rollup_measures().values_list("parameters", flat=True):
        days = (parameters or {}).get("days")
        if isinstance(days, int):
            out.add(days)
    return out


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
    pathways, patients = _touched(audit_after=after, audit_upto=head, since=since, now=now)
    owners = _owners(pathways)
    written = 0
    hit_all: set[tuple[int, date]] = set()
    for measure, state in kept:
        if pathways or patients:
            # The touched pathways' old case rows go (their patients' too: a pathway may be
            # gone), their new ones come, and the cells either touched are re-summed.
            old = MeasureCase.objects.filter(measure=measure).filter(
                Q(pathway_id__in=pathways) | Q(patient_id__in=patients)
            )
            hit = set(old.values_list("unit_id", "period_start").distinct())
            old.delete()
            hit |= _write_cases(
                measure,
                first=state.first,
                last=state.last,
                as_of=now,
                owners=owners,
                pathways=pathways,
            )
            written += _sum_cells(measure, hit)
            hit_all |= hit
        MeasureRollup.objects.filter(pk=state.pk).update(as_of=now, audit_seen=head)
    units = {unit for unit, _start in hit_all}
    since_day = min((start for _unit, start in hit_all), default=None)
    return RefreshReport(rebuilt, len(units), since_day, written, now, len(pathways))


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
