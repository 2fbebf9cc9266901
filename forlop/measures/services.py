"""Writes: hand-registered values, team measures and closing a period (chart annotations are
kept by the note store in ``registry``).

Each service owns its transaction and validates with ``full_clean()``. Measures hold no
patient data, so no audit row is written (the audit log is for patient data).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import IntegrityError, transaction
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


class PeriodAlreadyClosed(Exception):  # noqa: N818 - reads as what happened
    """The period was closed already (perhaps a moment ago, by someone else): its first numbers
    are kept. Carries that snapshot, so the caller can say when and by whom."""

    def __init__(self, snapshot: MeasureSnapshot) -> None:
        super().__init__("period already closed")
        self.snapshot = snapshot


def period_close(
    *,
    measure: Measure,
    scope: Scope,
    period_start: date,
    actor: User | None,
    as_of: datetime | None = None,
) -> MeasureSnapshot:
    """Store the period's numbers as they are now. A period is closed once: closing it again,
    or at the same moment as someone else, raises PeriodAlreadyClosed and keeps the first
    snapshot (a later correction of the data then shows as a difference against it).

    The unique constraint decides a race: the losers' inserts fail in their own savepoint, so
    no one gets a 500 and the caller's transaction stays usable.
    """
    as_of = as_of or timezone.now()
    start = period_floor(period_start, measure.period)
    key = {
        "measure": measure,
        "level": scope.level,
        "scope_code": scope.code,
        "period": measure.period,
        "period_start": start,
    }
    existing = MeasureSnapshot.objects.filter(**key).first()
    if existing is not None:
        raise PeriodAlreadyClosed(existing)
    (count,) = compute_counts(measure, scope=scope, first=start, last=start, as_of=as_of)
    snapshot = MeasureSnapshot(
        **key,
        numerator=count.numerator or 0.0,
        denominator=count.denominator,
        as_of=as_of,
        closed_by=actor,
    )
    # The constraint is checked by the database below, atomically; a check here could race.
    snapshot.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            snapshot.save()
    except IntegrityError:
        raise PeriodAlreadyClosed(MeasureSnapshot.objects.get(**key)) from None
    return snapshot
