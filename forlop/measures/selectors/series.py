"""A measure's series: points, the SPC chart spec, signals in words, snapshots and windows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from forlop.measures import registry, spc
from forlop.measures.compute import (
    PeriodCount,
    Scope,
    compute_counts,
    compute_counts_grouped,
    period_floor,
)
from forlop.measures.models import (
    ChartKind,
    Computation,
    Measure,
    MeasureSnapshot,
    Period,
)
from forlop.measures.registry import ChartNote
from forlop.measures.svg import Annotation as SvgAnnotation

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
    display: str = ""  # the period as people read it: "des. 2025", "uke 3 2025"

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
        """The periods as the chart and its texts show them (Norwegian dates)."""
        return [point.display or point.label for point in self.points]


def period_display(start: date, period: str) -> str:
    """A period as people read it, in the user's language: "des. 2025", "uke 3 2025".
    ``period_label`` stays the machine form (2025-12) for CSV, JSON and the command line."""
    return _period_display(start, period, get_language())


@lru_cache(maxsize=4096)
def _period_display(start: date, period: str, language: str | None) -> str:
    # Cached per language: every series of a dashboard or an export shows the same periods, and
    # formatting a date is most of the cost of a series (150 series x 24 months: 3,600 calls).
    if period == Period.WEEK:
        year, week, _weekday = start.isocalendar()
        return _("week %(week)d %(year)d") % {"week": week, "year": year}
    return formats.date_format(start, "N Y")


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
    language = get_language()  # once: reading it costs more than a cached label
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
                display=_period_display(count.period_start, measure.period, language),
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


def _long_runs(
    result: spc.ChartResult, part: spc.Part, limit: int
) -> list[tuple[int, int, int, str]]:
    """The part's runs longer than ``limit`` points, in order: (length, first x, last x, 'above'
    or 'below'). Points on the centre line and excluded points neither break nor extend a run,
    as in the runs analysis."""
    runs: list[tuple[int, int, int, str]] = []
    side_now, first_x, last_x, length = "", 0, 0, 0
    for point in result.points[part.first - 1 : part.last]:
        if point.y is None or point.cl is None or point.excluded or point.y == point.cl:
            continue
        side = "above" if point.y > point.cl else "below"
        if side == side_now:
            length, last_x = length + 1, point.x
            continue
        if length > limit:
            runs.append((length, first_x, last_x, side_now))
        side_now, first_x, last_x, length = side, point.x, point.x, 1
    if length > limit:
        runs.append((length, first_x, last_x, side_now))
    return runs


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
                # Every run over the limit, not only the longest: after a change both the
                # level before it and the level after it can be unusually long runs, and the
                # reader wants to see the one after the change as well.
                limit = runs.longest_run_max or 0
                for count, first, last, side in _long_runs(result, part, limit):
                    sentences.append(
                        _(
                            "A shift: %(count)d points in a row %(where)s %(centre)s "
                            "(%(first)s to %(last)s; at most %(max)d expected by chance)."
                        )
                        % {
                            "count": count,
                            "where": _("above") if side == "above" else _("below"),
                            "centre": centre,
                            "first": labels[first - 1],
                            "last": labels[last - 1],
                            "max": limit,
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
    annotations = (
        tuple(notes) if notes is not None else registry.notes_for(measure=measure, scope=scope)
    )
    return series_from_counts(
        measure, scope, counts, snapshots, annotations, chart=chart, as_of=as_of
    )


def measure_series_grouped(
    measure: Measure,
    *,
    scopes: Sequence[Scope],
    first: date,
    last: date,
    as_of: datetime,
    chart: str = "run",
    notes: Mapping[str, Sequence[ChartNote]] | None = None,
) -> dict[str, Series]:
    """``measure_series`` for many scopes (keyed by scope code), the numbers from one grouped
    pass (``compute.compute_counts_grouped``) and the closed periods' snapshots from one
    query, so the number of queries does not grow with the number of units or
    municipalities. ``notes``: the annotations per scope code (a scope left out has none);
    None asks the registered note store once per scope."""
    all_counts = compute_counts_grouped(measure, scopes=scopes, first=first, last=last, as_of=as_of)
    snapshots = _snapshots_by_scope([measure], scopes=scopes, first=first, last=last)
    return _series_by_scope(
        measure, all_counts, snapshots, scopes=scopes, chart=chart, as_of=as_of, notes=notes
    )


def _snapshots_by_scope(
    measures: Sequence[Measure], *, scopes: Sequence[Scope], first: date, last: date
) -> dict[tuple[int, str, str], dict[date, MeasureSnapshot]]:
    """The closed periods' snapshots of the measures in the scopes, in one query:
    (measure pk, level, scope code) -> period start -> snapshot."""
    snapshots: dict[tuple[int, str, str], dict[date, MeasureSnapshot]] = {}
    if not scopes or not measures:
        return snapshots
    periods = {measure.pk: measure.period for measure in measures}
    for snapshot in MeasureSnapshot.objects.filter(
        measure__in=measures,
        level__in={scope.level for scope in scopes},
        scope_code__in={scope.code for scope in scopes},
        period_start__gte=first,
        period_start__lte=last,
    ):
        if snapshot.period != periods[snapshot.measure_id]:
            continue  # the measure is shown per week (or month) here: not its snapshots
        key = (snapshot.measure_id, snapshot.level, snapshot.scope_code)
        snapshots.setdefault(key, {})[snapshot.period_start] = snapshot
    return snapshots


def _series_by_scope(
    measure: Measure,
    all_counts: Mapping[str, list[PeriodCount]],
    snapshots: Mapping[tuple[int, str, str], dict[date, MeasureSnapshot]],
    *,
    scopes: Sequence[Scope],
    chart: str,
    as_of: datetime,
    notes: Mapping[str, Sequence[ChartNote]] | None,
) -> dict[str, Series]:
    out: dict[str, Series] = {}
    for scope in scopes:
        annotations = (
            tuple(notes.get(scope.code, ()))
            if notes is not None
            else registry.notes_for(measure=measure, scope=scope)
        )
        out[scope.code] = series_from_counts(
            measure,
            scope,
            all_counts[scope.code],
            snapshots.get((measure.pk, scope.level, scope.code), {}),
            annotations,
            chart=chart,
            as_of=as_of,
        )
    return out


def measures_series_from_rollup(
    measures: Sequence[Measure],
    *,
    scopes: Sequence[Scope],
    first: date,
    last: date,
    charts: Mapping[int, str] | None = None,
    notes: Mapping[str, Sequence[ChartNote]] | None = None,
) -> dict[int, dict[str, Series]] | None:
    """Every measure's series for every scope (measure pk -> scope code -> series) read from
    the maintained rollup (``measures.rollup``): two queries for the numbers and one for the
    snapshots, whatever the number of measures and scopes. The series are as of the time
    the rollup was refreshed (``Series.as_of``), and equal the grouped pass as of then.
    None when the rollup cannot answer (see ``rollup.rollup_counts``): the caller computes
    live. ``charts``: the chart per measure pk (default the run chart); ``notes`` as in
    ``measure_series_grouped``."""
    from forlop.measures.rollup import rollup_counts

    found = rollup_counts(measures, scopes=scopes, first=first, last=last)
    if found is None:
        return None
    snapshots = _snapshots_by_scope(measures, scopes=scopes, first=first, last=last)
    return {
        measure.pk: _series_by_scope(
            measure,
            found.counts[measure.pk],
            snapshots,
            scopes=scopes,
            chart=(charts or {}).get(measure.pk, "run"),
            as_of=found.as_of,
            notes=notes,
        )
        for measure in measures
    }


def dashboard_series(
    measures: Sequence[Measure],
    *,
    scope: Scope,
    today: date,
    now: datetime,
    max_age: timedelta | None,
) -> list[Series]:
    """Every measure's run chart for one scope over its default window, in the measures'
    order: the dashboard's and its exports' numbers, so the page and its downloads agree.

    Read from the maintained rollup (``measures_series_from_rollup``) where it holds the
    measure and was refreshed at most ``max_age`` ago (the series are then as of that
    refresh, ``Series.as_of``); computed live as of ``now`` otherwise: a measure the rollup
    does not hold (a team's own, a manual one), a rollup older than ``max_age`` (or
    ``max_age`` None), or a period closed after the refresh (its snapshot would be compared
    with numbers older than itself). A municipality's dashboard at a million pathways: 783 ms
    live, 244 ms from the rollup (docs/benchmarks.md)."""
    found: dict[int, Series] = {}
    if max_age is not None:
        by_window: dict[tuple[date, date], list[Measure]] = {}
        for measure in measures:
            if (
                measure.organisation_id is None
                and measure.active
                and measure.computation != Computation.MANUAL
            ):
                window = default_window(today=today, period=measure.period)
                by_window.setdefault(window, []).append(measure)
        for (first, last), group in by_window.items():
            read = measures_series_from_rollup(group, scopes=[scope], first=first, last=last)
            if read is None:
                continue
            as_of = read[group[0].pk][scope.code].as_of
            if now - as_of > max_age:
                continue
            closed_since = set(
                MeasureSnapshot.objects.filter(
                    measure__in=group,
                    level=scope.level,
                    scope_code=scope.code,
                    as_of__gt=as_of,
                ).values_list("measure_id", flat=True)
            )
            for measure in group:
                if measure.pk not in closed_since:
                    found[measure.pk] = read[measure.pk][scope.code]
    out = []
    for measure in measures:
        series = found.get(measure.pk)
        if series is None:
            first, last = default_window(today=today, period=measure.period)
            series = measure_series(measure, scope=scope, first=first, last=last, as_of=now)
        out.append(series)
    return out


def series_from_counts(
    measure: Measure,
    scope: Scope,
    counts: list[PeriodCount],
    snapshots: dict[date, MeasureSnapshot],
    annotations: tuple[ChartNote, ...],
    *,
    chart: str,
    as_of: datetime,
) -> Series:
    """A series from its counts: points (small cells suppressed), parts, chart, signals."""
    points, suppressed_count = series_points(
        measure, scope=scope, counts=counts, snapshots=snapshots
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
    # Notes in the same period share one marker with their whole texts: the chart puts a
    # label that does not fit beside its line in a key under the chart, never cut short.
    svg_annotations = [
        SvgAnnotation(x=x, label="; ".join(texts)) for x, texts in sorted(by_x.items())
    ]
    if chart not in chart_types_for(measure):
        chart = "run"
    spec = chart_spec(measure, points, chart, tuple(sorted(part_ends)))
    result = spc.compute_chart(spec)
    labels = [point.display or point.label for point in points]
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
