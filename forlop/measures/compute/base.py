"""The values computations share: a scope and a period's counts, periods, and a scope as a filter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)

from forlop.core.tz import OSLO
from forlop.measures.models import Period, ScopeLevel


@dataclass(frozen=True, slots=True)
class Scope:
    """Where a measure is computed, as plain data: a unit, a municipality, a hospital trust,
    or several organisations together (level ``network``: the scope comes from the app that
    keeps networks, through ``registry``).

    ``ids`` are the unit's pk (level unit) or the organisations' pks (other levels).
    ``across_organisations``: numbers are seen from outside the organisation (a network's
    aggregate): shown only as aggregates, small cells suppressed.
    """

    level: str
    code: str
    name: str
    ids: tuple[int, ...]
    across_organisations: bool = False


@dataclass(frozen=True, slots=True)
class PeriodCount:
    period_start: date
    numerator: float | None
    denominator: float | None


# --------------------------------------------------------------------------------------------
# Periods
# --------------------------------------------------------------------------------------------


def period_floor(day: date, period: str) -> date:
    if period == Period.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def period_next(start: date, period: str) -> date:
    if period == Period.WEEK:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def period_starts(first: date, last: date, period: str) -> list[date]:
    """Every period start from the period holding ``first`` to the one holding ``last``."""
    starts: list[date] = []
    current, stop = period_floor(first, period), period_floor(last, period)
    while current <= stop:
        starts.append(current)
        current = period_next(current, period)
    return starts


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO)


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return value.astimezone(OSLO).date()
    return value


# --------------------------------------------------------------------------------------------
# Scopes
# --------------------------------------------------------------------------------------------


def pathway_scope_q(scope: Scope, prefix: str = "") -> Q:
    """Pathways (reached through ``prefix``) that belong to the scope."""
    if scope.level == ScopeLevel.UNIT:
        return Q(**{f"{prefix}unit_id__in": scope.ids})
    if scope.level == ScopeLevel.HOSPITAL:
        from forlop.patients.models import HospitalStay

        # A hospital trust's pathways: patients who had a stay at one of its wards.
        return Q(
            Exists(
                HospitalStay.objects.filter(
                    patient_id=OuterRef(f"{prefix}patient_id"), ward__organisation_id__in=scope.ids
                )
            )
        )
    # Municipality, or a network: the pathways run by its member municipalities' units.
    return Q(**{f"{prefix}unit__organisation_id__in": scope.ids})


@dataclass(frozen=True, slots=True)
class Plan:
    """What one computation counts: the cases, the date that puts a case in a period, and the
    conditions of the numerator and the denominator."""

    queryset: QuerySet
    date_field: str
    numerator: Q
    denominator: Q
    # A mean, not a share: the numerator is the sum of this annotation over the cases
    # (durations are summed in the database and read as days).
    sum_field: str | None = None
    # The path from a case to its pathway ("" when the cases are pathways): how a grouped pass
    # (``grouped``) reaches a case's unit and organisation.
    pathway_path: str = ""


def not_before(field: str, as_of: datetime) -> Q:
    """The event has not happened as of ``as_of`` (not recorded, or recorded later)."""
    return Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": as_of})
