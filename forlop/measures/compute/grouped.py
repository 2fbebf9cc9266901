"""Measures for many scopes in one grouped pass (issue 16): a measure x its periods for every
unit or municipality from ONE aggregate query grouped by scope and period, not a query per
scope.

``compute_counts_grouped`` gives, for each scope, exactly what ``compute_counts`` gives for
it alone: the same plan (``plans.PLANS``) is built once for the union of the scopes, and the
query is grouped by the case's unit (unit scopes) or the unit's organisation (municipality
scopes) as well as by the period (``TruncMonth``/``TruncWeek`` in Europe/Oslo, the time zone
of every Norwegian municipality: ``core.tz``). A pathway belongs to one unit and a unit to
one organisation, so the groups do not overlap and each group's count is its scope's count.

Scopes that are not one unit or one municipality keep their own query: a network's
aggregate (several organisations, already one query per measure), and a hospital trust
(its pathways are the patients who had a stay there; one pathway can belong to several
trusts, so no grouping gives it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from forlop.measures.compute.base import (
    PeriodCount,
    Scope,
    _as_date,
    local_midnight,
    period_next,
    period_starts,
)
from forlop.measures.compute.plans import PLANS
from forlop.measures.compute.queries import (
    _number,
    aggregates,
    compute_counts,
    manual_counts,
    trunc,
)
from forlop.measures.models import Computation, Measure, ScopeLevel

# The levels one grouped query serves, with the field (from a pathway) that names the group.
GROUP_FIELDS: dict[str, str] = {
    ScopeLevel.UNIT: "unit_id",
    ScopeLevel.MUNICIPALITY: "unit__organisation_id",
}


def groupable(scope: Scope) -> bool:
    """A scope one grouped query can serve: one unit, or one municipality."""
    return scope.level in GROUP_FIELDS and len(scope.ids) == 1


def compute_counts_grouped(
    measure: Measure,
    *,
    scopes: Sequence[Scope],
    first: date,
    last: date,
    as_of: datetime,
) -> dict[str, list[PeriodCount]]:
    """``compute_counts`` for every scope at once, keyed by the scope's code: one aggregate
    query per level among the scopes (units, municipalities), whatever their number; one
    query for a hand-registered measure; one per scope that cannot be grouped (networks,
    hospital trusts)."""
    starts = period_starts(first, last, measure.period)
    out: dict[str, list[PeriodCount]] = {}
    if measure.computation == Computation.MANUAL:
        counts = manual_counts(measure, starts=starts, as_of=as_of)
        return {scope.code: list(counts) for scope in scopes}
    by_level: dict[str, list[Scope]] = {}
    for scope in scopes:
        if groupable(scope):
            by_level.setdefault(scope.level, []).append(scope)
        else:
            out[scope.code] = compute_counts(
                measure, scope=scope, first=first, last=last, as_of=as_of
            )
    for level, group in by_level.items():
        found = _grouped_rows(measure, level=level, scopes=group, starts=starts, as_of=as_of)
        for scope in group:
            by_start = found.get(scope.ids[0], {})
            out[scope.code] = [
                PeriodCount(start, *by_start.get(start, (0.0, 0.0))) for start in starts
            ]
    return out


def _grouped_rows(
    measure: Measure, *, level: str, scopes: list[Scope], starts: list[date], as_of: datetime
) -> dict[int | None, dict[date, tuple[float, float]]]:
    """One query: group id -> period start -> (numerator, denominator)."""
    union = Scope(
        level=level,
        code="grouped",
        name="",
        ids=tuple(sorted({scope.ids[0] for scope in scopes})),
    )
    return counts_by_pathway_field(
        measure, scope=union, field=GROUP_FIELDS[level], starts=starts, as_of=as_of
    )


def counts_by_pathway_field(
    measure: Measure,
    *,
    scope: Scope,
    field: str,
    starts: list[date],
    as_of: datetime,
    raw: bool = False,
    pathways: Sequence[int] | None = None,
) -> dict[int | None, dict[date, tuple[Any, float]]]:
    """The measure in ``scope`` split by a field of the case's pathway (``unit_id``,
    ``unit__organisation_id``, ``primary_contact_id``) and by period, in one query: value of
    the field -> period start -> (numerator, denominator). Periods without cases are absent.
    ``raw``: the numerator as the database sums it (a duration stays a ``timedelta``, so
    sums of the groups add up exactly; the rollup keeps it so). ``pathways``: only the cases
    of these pathways (by pk)."""
    plan = PLANS[measure.computation](measure, scope, as_of)
    period = measure.period
    window = {
        f"{plan.date_field}__gte": local_midnight(starts[0]),
        f"{plan.date_field}__lt": local_midnight(period_next(starts[-1], period)),
    }
    group_field = f"{plan.pathway_path}{field}"
    queryset = plan.queryset
    if pathways is not None:
        queryset = queryset.filter(**{f"{plan.pathway_path}pk__in": list(pathways)})
    rows = (
        queryset.filter(**window)
        .annotate(period_start=trunc(plan.date_field, period))
        .order_by()
        .values(group_field, "period_start")
        .annotate(**aggregates(measure, plan))
        .values_list(group_field, "period_start", "numerator", "denominator")
    )
    found: dict[int | None, dict[date, tuple[Any, float]]] = {}
    for group, start, numerator, denominator in rows:
        value = numerator if raw and isinstance(numerator, timedelta) else _number(numerator)
        found.setdefault(group, {})[_as_date(start)] = (value, float(denominator))
    return found
