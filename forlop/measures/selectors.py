"""Reads: which scopes a user may see, the measures of a scope, and a measure's series with
its SPC chart, signals in words, annotations and closed-period differences.

Access (``scope_get_for_user``): improvement team members, unit leaders and administrators
see their organisation and its units. Scopes across organisations (a learning network's
aggregate) come from the scope sources in ``registry``, which decide who sees them. Nobody
sees a patient here: every number is an aggregate, and across organisations cells with a
denominator below ``settings.FORLOP_SUPPRESS_BELOW`` are suppressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from forlop.core.models import Organisation, Role, Unit, User
from forlop.measures import registry, spc
from forlop.measures.compute import (
    PeriodCount,
    Scope,
    StatusCounts,
    compute_counts,
    compute_main_checklist_distribution,
    compute_on_time_by_stop_point_and_period,
    compute_statuses_by_stop_point,
    period_floor,
    period_starts,
)
from forlop.measures.models import (
    Boundary,
    ChartKind,
    Computation,
    Direction,
    Measure,
    MeasureSnapshot,
    Period,
    ScopeLevel,
)
from forlop.measures.registry import ChartNote
from forlop.measures.svg import Annotation as SvgAnnotation

ORGANISATION_ROLES: frozenset[str] = frozenset(
    {Role.IMPROVEMENT_MEMBER, Role.UNIT_LEADER, Role.ADMINISTRATOR}
)
EDITOR_ROLES = ORGANISATION_ROLES


# --------------------------------------------------------------------------------------------
# Scopes and access
# --------------------------------------------------------------------------------------------


def scope_for_unit(unit: Unit) -> Scope:
    return Scope(level=ScopeLevel.UNIT, code=unit.code, name=unit.name, ids=(unit.pk,))


def scope_for_organisation(org: Organisation) -> Scope:
    level = (
        ScopeLevel.HOSPITAL
        if org.kind == Organisation.Kind.HOSPITAL_TRUST
        else ScopeLevel.MUNICIPALITY
    )
    return Scope(level=level, code=org.code, name=org.name, ids=(org.pk,))


def _user_organisations(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role__in=ORGANISATION_ROLES,
    ).distinct()


def scopes_for_user(*, user: User) -> list[Scope]:
    """Every scope the user may open: organisations first, then their units, then the scopes
    of the registered sources (networks)."""
    scopes: list[Scope] = []
    for org in _user_organisations(user).order_by("name"):
        scopes.append(scope_for_organisation(org))
        scopes.extend(scope_for_unit(unit) for unit in org.units.order_by("name"))
    for source in registry.scope_sources():
        scopes.extend(source.scopes_for_user(user=user))
    return scopes


def scope_get_for_user(*, user: User, level: str, code: str) -> Scope:
    """The scope, if the user may see it; Http404 otherwise (never says whether it exists)."""
    if level == ScopeLevel.UNIT:
        unit = (
            Unit.objects.filter(code=code, organisation__in=_user_organisations(user))
            .select_related("organisation")
            .first()
        )
        if unit is not None:
            return scope_for_unit(unit)
    elif level in (ScopeLevel.MUNICIPALITY, ScopeLevel.HOSPITAL):
        org = _user_organisations(user).filter(code=code).first()
        if org is not None and scope_for_organisation(org).level == level:
            return scope_for_organisation(org)
    else:
        for source in registry.scope_sources():
            scope = source.scope_get_for_user(user=user, level=level, code=code)
            if scope is not None:
                return scope
    raise Http404


def user_may_edit(*, user: User, scope: Scope) -> bool:
    """Annotations, hand-registered values and closing periods: an improvement team member,
    unit leader or administrator (active membership) of the scope's organisation. Network
    coordinators read their networks' aggregates only; nobody writes across organisations."""
    if not user.is_authenticated or scope.across_organisations:
        return False
    org = scope_organisation(scope)
    if org is None:
        return False
    return Organisation.objects.filter(
        pk=org.pk,
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role__in=EDITOR_ROLES,
    ).exists()


def scope_organisation(scope: Scope) -> Organisation | None:
    if scope.level == ScopeLevel.UNIT:
        unit = Unit.objects.select_related("organisation").filter(pk=scope.ids[0]).first()
        return unit.organisation if unit else None
    if scope.level not in (ScopeLevel.MUNICIPALITY, ScopeLevel.HOSPITAL):
        return None
    return Organisation.objects.filter(pk=scope.ids[0]).first()


def scope_get_by_code(*, code: str) -> Scope | None:
    """For the CLI (no user): an organisation, a unit, or a registered source's scope (a
    network) by its code."""
    org = Organisation.objects.filter(code=code).first()
    if org is not None:
        return scope_for_organisation(org)
    unit = Unit.objects.filter(code=code).first()
    if unit is not None:
        return scope_for_unit(unit)
    for source in registry.scope_sources():
        scope = source.scope_get_by_code(code=code)
        if scope is not None:
            return scope
    return None


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------


def measures_for_scope(*, scope: Scope) -> QuerySet[Measure]:
    """The shipped defaults and, except across organisations, the organisation's own."""
    org = scope_organisation(scope)
    condition = Q(organisation__isnull=True)
    if org is not None:
        condition |= Q(organisation=org)
    return Measure.objects.filter(condition, active=True).order_by("order", "name", "pk")


def measure_get_for_scope(*, scope: Scope, code: str) -> Measure:
    measure = measures_for_scope(scope=scope).filter(code=code).first()
    if measure is None:
        raise Http404
    return measure


# --------------------------------------------------------------------------------------------
# Series
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    x: int
    period_start: date
    label: str
    numerator: float | None
    denominator: float | None
    value: float | None
    suppressed: bool
    snapshot_numerator: float | None = None
    snapshot_denominator: float | None = None
    snapshot_value: float | None = None

    @property
    def has_snapshot(self) -> bool:
        return self.snapshot_numerator is not None

    @property
    def changed_since_closed(self) -> bool:
        return self.has_snapshot and (
            self.snapshot_numerator != self.numerator
            or self.snapshot_denominator != self.denominator
        )


@dataclass(frozen=True, slots=True)
class Series:
    measure: Measure
    scope: Scope
    chart: spc.ChartType
    points: tuple[SeriesPoint, ...]
    result: spc.ChartResult
    annotations: tuple[ChartNote, ...]
    svg_annotations: tuple[SvgAnnotation, ...]
    signals: tuple[str, ...]
    suppressed_count: int
    suppress_below: int
    as_of: datetime

    @property
    def labels(self) -> list[str]:
        return [point.label for point in self.points]


def period_label(start: date, period: str) -> str:
    if period == Period.WEEK:
        year, week, _weekday = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start:%Y-%m}"


def chart_types_for(measure: Measure) -> tuple[spc.ChartType, ...]:
    return ("run", measure.chart)  # type: ignore[return-value]


def _value(count: PeriodCount, measure: Measure) -> float | None:
    if count.numerator is None:
        return None
    if count.denominator is None:
        return None if measure.computation != "manual" else count.numerator
    if count.denominator == 0:
        return None
    return count.numerator / count.denominator


def series_points(
    measure: Measure,
    *,
    scope: Scope,
    counts: list[PeriodCount],
    snapshots: dict[date, MeasureSnapshot] | None = None,
) -> tuple[list[SeriesPoint], int]:
    """Turn counts into plotted points, suppressing small cells across organisations."""
    threshold = int(getattr(settings, "FORLOP_SUPPRESS_BELOW", 5))
    points: list[SeriesPoint] = []
    suppressed_count = 0
    snapshots = snapshots or {}
    for x, count in enumerate(counts, start=1):
        small = (
            scope.across_organisations
            and count.denominator is not None
            and 0 < count.denominator < threshold
        )
        snapshot = snapshots.get(count.period_start)
        snapshot_values: dict[str, float | None] = {}
        if snapshot is not None and not small:
            snapshot_values = {
                "snapshot_numerator": snapshot.numerator,
                "snapshot_denominator": snapshot.denominator,
                "snapshot_value": _value(
                    PeriodCount(count.period_start, snapshot.numerator, snapshot.denominator),
                    measure,
                ),
            }
        if small:
            suppressed_count += 1
        points.append(
            SeriesPoint(
                x=x,
                period_start=count.period_start,
                label=period_label(count.period_start, measure.period),
                numerator=None if small else count.numerator,
                denominator=None if small else count.denominator,
                value=None if small else _value(count, measure),
                suppressed=small,
                **snapshot_values,
            )
        )
    return points, suppressed_count


def chart_spec(
    measure: Measure, points: list[SeriesPoint], chart: str, part_ends_at: tuple[int, ...]
) -> spc.ChartSpec:
    usable = [p.value is not None for p in points]
    if chart in (ChartKind.P, "u"):
        y = tuple(p.numerator if ok else None for p, ok in zip(points, usable, strict=True))
        n = tuple(p.denominator if ok else None for p, ok in zip(points, usable, strict=True))
        return spc.ChartSpec(chart=chart, y=y, n=n, part_ends_at=part_ends_at)  # type: ignore[arg-type]
    if chart == ChartKind.C:
        y = tuple(p.numerator if ok else None for p, ok in zip(points, usable, strict=True))
        return spc.ChartSpec(chart="c", y=y, part_ends_at=part_ends_at)
    return spc.ChartSpec(
        chart=chart,  # type: ignore[arg-type]
        y=tuple(p.value for p in points),
        part_ends_at=part_ends_at,
    )


def _runs(result: spc.ChartResult, part: spc.Part) -> tuple[int, int, str]:
    """The longest run of the part: (first x, last x, 'above' or 'below')."""
    best = (0, 0, "")
    current_side, current_start, current_len = "", 0, 0
    last_x = 0
    for point in result.points[part.first - 1 : part.last]:
        if point.y is None or point.cl is None or point.excluded or point.y == point.cl:
            continue
        side = "above" if point.y > point.cl else "below"
        if side == current_side:
            current_len += 1
        else:
            current_side, current_start, current_len = side, point.x, 1
        last_x = point.x
        if current_len > best[1] - best[0] + 1 or not best[2]:
            best = (current_start, last_x, side)
    return best


def signal_texts(result: spc.ChartResult, labels: list[str], measure: Measure) -> tuple[str, ...]:
    """The chart's signals in words, part by part."""
    texts: list[str] = []
    centre = _("the median") if result.chart == "run" else _("the centre line")
    for part in result.parts:
        prefix = (
            _("Part %(number)d (%(first)s to %(last)s): ")
            % {
                "number": part.number,
                "first": labels[part.first - 1],
                "last": labels[part.last - 1],
            }
            if len(result.parts) > 1
            else ""
        )
        runs = part.runs
        sentences: list[str] = []
        if runs.too_few_points:
            sentences.append(
                _(
                    "Too few points for a runs analysis (%(n)d useful; at least %(minimum)d "
                    "needed): no signal is shown yet."
                )
                % {"n": runs.n_useful, "minimum": result.min_points_for_signal}
            )
        else:
            if runs.long_run:
                first, last, side = _runs(result, part)
                where = _("above") if side == "above" else _("below")
                sentences.append(
                    _(
                        "A shift: %(count)d points in a row %(where)s %(centre)s "
                        "(%(first)s to %(last)s; at most %(max)d expected by chance)."
                    )
                    % {
                        "count": runs.longest_run,
                        "where": where,
                        "centre": centre,
                        "first": labels[first - 1] if first else "",
                        "last": labels[last - 1] if last else "",
                        "max": runs.longest_run_max,
                    }
                )
            if runs.few_crossings:
                sentences.append(
                    _(
                        "Too few crossings: the line crosses %(centre)s %(crossings)d times; "
                        "at least %(min)d expected by chance."
                    )
                    % {
                        "centre": centre,
                        "crossings": runs.n_crossings,
                        "min": runs.n_crossings_min,
                    }
                )
            if not runs.long_run and not runs.few_crossings:
                sentences.append(_("No sign of non-random variation (no shift)."))
        if result.chart != "run":
            outside = [
                labels[p.x - 1] for p in result.points[part.first - 1 : part.last] if p.sigma_signal
            ]
            if outside:
                sentences.append(
                    _("Outside the control limits: %(periods)s.") % {"periods": ", ".join(outside)}
                )
            else:
                sentences.append(_("No points outside the control limits."))
        texts.append(prefix + " ".join(sentences))
    return tuple(texts)


def snapshots_for(
    *, measure: Measure, scope: Scope, first: date, last: date
) -> QuerySet[MeasureSnapshot]:
    return MeasureSnapshot.objects.filter(
        measure=measure,
        level=scope.level,
        scope_code=scope.code,
        period=measure.period,
        period_start__gte=first,
        period_start__lte=last,
    )


def default_window(*, today: date, period: str, count: int | None = None) -> tuple[date, date]:
    """The last 24 months (or 26 weeks) that have ended.

    The running period is left out: its deadlines have not all passed yet, so its share would
    be drawn from the early cases only and could signal a shift that is not there.
    """
    last = period_floor(period_floor(today, period) - timedelta(days=1), period)
    count = count or (24 if period == Period.MONTH else 26)
    if period == Period.WEEK:
        return last - timedelta(days=7 * (count - 1)), last
    months = last.year * 12 + last.month - 1 - (count - 1)
    return date(months // 12, months % 12 + 1, 1), last


def measure_series(
    measure: Measure,
    *,
    scope: Scope,
    first: date,
    last: date,
    as_of: datetime,
    chart: str = "run",
    notes: Sequence[ChartNote] | None = None,
) -> Series:
    """A measure's series, chart and signals (one aggregate query for the numbers).

    ``notes`` are the annotations to draw, as plain values; left out, they come from the
    registered note store (none registered: no notes)."""
    counts = compute_counts(measure, scope=scope, first=first, last=last, as_of=as_of)
    snapshots = {
        s.period_start: s
        for s in snapshots_for(measure=measure, scope=scope, first=first, last=last)
    }
    points, suppressed_count = series_points(
        measure, scope=scope, counts=counts, snapshots=snapshots
    )
    annotations = (
        tuple(notes) if notes is not None else registry.notes_for(measure=measure, scope=scope)
    )
    index = {point.period_start: point.x for point in points}
    by_x: dict[int, list[str]] = {}
    part_ends: set[int] = set()
    for note in annotations:
        x = index.get(period_floor(note.date, measure.period))
        if x is None:
            continue
        by_x.setdefault(x, []).append(note.text)
        if note.part_ends_here and 1 <= x < len(points):
            part_ends.add(x)
    # Notes in the same period share one marker: the first note and how many more.
    svg_annotations = [
        SvgAnnotation(
            x=x, label=texts[0][:40] if len(texts) == 1 else f"{texts[0][:30]} (+{len(texts) - 1})"
        )
        for x, texts in sorted(by_x.items())
    ]
    if chart not in chart_types_for(measure):
        chart = "run"
    spec = chart_spec(measure, points, chart, tuple(sorted(part_ends)))
    result = spc.compute_chart(spec)
    labels = [point.label for point in points]
    return Series(
        measure=measure,
        scope=scope,
        chart=result.chart,
        points=tuple(points),
        result=result,
        annotations=annotations,
        svg_annotations=tuple(svg_annotations),
        signals=signal_texts(result, labels, measure),
        suppressed_count=suppressed_count,
        suppress_below=int(getattr(settings, "FORLOP_SUPPRESS_BELOW", 5)),
        as_of=as_of,
    )


# --------------------------------------------------------------------------------------------
# Stop points on time, per stop point (the leaders' view on the adherence measure's page)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StopPointAdherence:
    """One main-checklist stop point: done on time over the window, and its run chart."""

    code: str
    title: str
    on_time: int
    due: int
    series: Series

    @property
    def share(self) -> float | None:
        return self.on_time / self.due if self.due else None


def shows_stop_point_breakdown(measure: Measure) -> bool:
    """The adherence measure over the whole main checklist is split by stop point."""
    return measure.computation == Computation.STOP_POINT_ON_TIME and bool(
        (measure.parameters or {}).get("in_chain")
    )


def on_time_by_stop_point(
    *, scope: Scope, first: date, last: date, as_of: datetime
) -> list[StopPointAdherence]:
    """Stop points done on time per stop point: totals over the window and a monthly run chart
    for each (one aggregate query for all the numbers). Across organisations, small cells
    are suppressed as in every series and left out of the totals."""
    from forlop.pathways.models import StopPointDefinition

    by_code = compute_on_time_by_stop_point_and_period(
        scope=scope, first=first, last=last, as_of=as_of, period=Period.MONTH
    )
    definitions: dict[str, tuple[int, str]] = {}
    for code, order, title in (
        StopPointDefinition.objects.filter(code__in=by_code, in_chain=True)
        .order_by("-version__number", "-pk")
        .values_list("code", "order", "title")
    ):
        definitions.setdefault(code, (order, title))
    rows: list[StopPointAdherence] = []
    for code, counts in by_code.items():
        order, title = definitions.get(code, (0, ""))
        # Not stored: a measure as data for one stop point, so the series code can be reused.
        measure = Measure(
            code=f"stop-point-{code.lower()}",
            name=f"{code} {title}".strip(),
            numerator="",
            computation=Computation.STOP_POINT_ON_TIME,
            parameters={"stop_point": code, "in_chain": True},
            period=Period.MONTH,
            boundary=Boundary.DEADLINE,
            direction=Direction.UP,
            chart=ChartKind.P,
            is_proportion=True,
        )
        points, suppressed_count = series_points(measure, scope=scope, counts=counts)
        result = spc.compute_chart(chart_spec(measure, points, "run", ()))
        labels = [point.label for point in points]
        series = Series(
            measure=measure,
            scope=scope,
            chart=result.chart,
            points=tuple(points),
            result=result,
            annotations=(),
            svg_annotations=(),
            signals=signal_texts(result, labels, measure),
            suppressed_count=suppressed_count,
            suppress_below=int(getattr(settings, "FORLOP_SUPPRESS_BELOW", 5)),
            as_of=as_of,
        )
        on_time = sum(int(p.numerator or 0) for p in points if not p.suppressed)
        due = sum(int(p.denominator or 0) for p in points if not p.suppressed)
        rows.append(StopPointAdherence(code, title, on_time, due, series))
    rows.sort(key=lambda row: (definitions.get(row.code, (0, ""))[0], row.code))
    return rows


# --------------------------------------------------------------------------------------------
# Honest denominators: every status side by side, and the 3-of-4 distribution
# --------------------------------------------------------------------------------------------


def _suppress_below(scope: Scope) -> int:
    """Across organisations, counts from 1 to below this are not shown; 0 inside."""
    return int(getattr(settings, "FORLOP_SUPPRESS_BELOW", 5)) if scope.across_organisations else 0


@dataclass(frozen=True, slots=True)
class StatusRow:
    """A stop point's statuses over the window, for the page. A count is ``None`` where it
    is suppressed (across organisations, fewer than the threshold)."""

    code: str
    title: str
    on_time: int | None
    late: int | None
    missed: int | None
    interrupted: int | None
    not_relevant: int | None
    open: int | None
    due: int | None
    reasons: tuple[tuple[str, int], ...]


def shows_statuses(measure: Measure) -> bool:
    return measure.computation == Computation.STOP_POINT_ON_TIME


def statuses_by_stop_point(
    measure: Measure, *, scope: Scope, first: date, last: date, as_of: datetime
) -> list[StatusRow]:
    """Done on time, done late, missed, interrupted, not relevant (with reasons) and not yet
    due, per stop point of the measure, over the window: the adherence denominator is
    on time + late + missed, and what is left out of it is shown beside it."""
    from forlop.pathways.models import StopPointDefinition

    params = measure.parameters or {}
    counts: list[StatusCounts] = compute_statuses_by_stop_point(
        scope=scope,
        first=first,
        last=last,
        as_of=as_of,
        stop_point=params.get("stop_point") or None,
        period=measure.period,
    )
    titles: dict[str, tuple[int, str]] = {}
    for code, order, title in (
        StopPointDefinition.objects.filter(code__in=[c.code for c in counts])
        .order_by("-version__number", "-pk")
        .values_list("code", "order", "title")
    ):
        titles.setdefault(code, (order, title))
    below = _suppress_below(scope)

    def shown(n: int) -> int | None:
        return None if 0 < n < below else n

    rows = [
        StatusRow(
            code=c.code,
            title=titles.get(c.code, (0, ""))[1],
            on_time=shown(c.on_time),
            late=shown(c.late),
            missed=shown(c.missed),
            interrupted=shown(c.interrupted),
            not_relevant=shown(c.not_relevant),
            open=shown(c.open),
            due=shown(c.due),
            reasons=() if below else c.reasons,
        )
        for c in counts
    ]
    rows.sort(key=lambda row: (titles.get(row.code, (0, ""))[0], row.code))
    return rows


@dataclass(frozen=True, slots=True)
class DistributionRow:
    done: int
    count: int | None
    share: float | None


def shows_distribution(measure: Measure) -> bool:
    return measure.computation == Computation.MAIN_CHECKLISTS


def main_checklist_distribution(
    *, scope: Scope, first: date, last: date, as_of: datetime
) -> list[DistributionRow]:
    """Settled pathways over the window by how many main checklists they got (0 to 4)."""
    found = compute_main_checklist_distribution(scope=scope, first=first, last=last, as_of=as_of)
    total = sum(found.values())
    below = _suppress_below(scope)
    return [
        DistributionRow(
            done=done,
            count=None if 0 < n < below else n,
            share=(n / total if total else None) if not 0 < n < below else None,
        )
        for done, n in found.items()
    ]


__all__ = [
    "DistributionRow",
    "Series",
    "SeriesPoint",
    "StatusRow",
    "StopPointAdherence",
    "main_checklist_distribution",
    "measure_series",
    "on_time_by_stop_point",
    "period_starts",
    "scope_get_for_user",
    "scopes_for_user",
    "statuses_by_stop_point",
]
