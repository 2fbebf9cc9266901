"""Writes: hand-registered values, team measures and closing a period (chart annotations are
kept by the note store in ``registry``).

Each service owns its transaction and validates with ``full_clean()``. Measures hold no
patient data, so no audit row is written (the audit log is for patient data).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from forlop.core.models import Organisation, User
from forlop.measures.compute import Scope, compute_counts, period_floor
from forlop.measures.models import (
    Boundary,
    ChartKind,
    Computation,
    Direction,
    ManualValue,
    Measure,
    MeasureSnapshot,
    Period,
)


def measure_create_manual(
    *,
    organisation: Organisation,
    code: str,
    name: str,
    numerator: str,
    description: str = "",
    period: str = Period.WEEK,
    direction: str = Direction.UP,
    target: float | None = None,
) -> Measure:
    """A measure the team registers by hand: a count per week (or month)."""
    with transaction.atomic():
        measure = Measure(
            organisation=organisation,
            code=code,
            name=name,
            description=description,
            numerator=numerator,
            denominator="",
            population="",
            computation=Computation.MANUAL,
            period=period,
            boundary=Boundary.REGISTERED,
            direction=direction,
            chart=ChartKind.C,
            is_proportion=False,
            target=target,
            order=1000,
        )
        measure.full_clean()
        measure.save()
    return measure


def manual_value_set(
    *,
    measure: Measure,
    period_start: date,
    numerator: float,
    denominator: float | None = None,
    comment: str = "",
    actor: User | None = None,
) -> ManualValue:
    with transaction.atomic():
        value, _created = ManualValue.objects.update_or_create(
            measure=measure,
            period_start=period_floor(period_start, measure.period),
            defaults={
                "numerator": numerator,
                "denominator": denominator,
                "comment": comment,
                "recorded_by": actor,
            },
        )
    return value


def period_close(
    *,
    measure: Measure,
    scope: Scope,
    period_start: date,
    actor: User | None,
    as_of: datetime | None = None,
) -> MeasureSnapshot:
    """Store the period's numbers as they are now. Closing again keeps the first snapshot:
    a later correction of the data then shows as a difference against it."""
    as_of = as_of or timezone.now()
    start = period_floor(period_start, measure.period)
    with transaction.atomic():
        existing = MeasureSnapshot.objects.filter(
            measure=measure,
            level=scope.level,
            scope_code=scope.code,
            period=measure.period,
            period_start=start,
        ).first()
        if existing is not None:
            return existing
        (count,) = compute_counts(measure, scope=scope, first=start, last=start, as_of=as_of)
        snapshot = MeasureSnapshot(
            measure=measure,
            level=scope.level,
            scope_code=scope.code,
            period=measure.period,
            period_start=start,
            numerator=count.numerator or 0.0,
            denominator=count.denominator,
            as_of=as_of,
            closed_by=actor,
        )
        snapshot.full_clean()
        snapshot.save()
    return snapshot
