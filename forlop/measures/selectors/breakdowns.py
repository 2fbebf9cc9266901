"""Breakdowns per stop point: on time, statuses, and the main checklist's distribution."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings

from forlop.measures import spc
from forlop.measures.compute import (
    Scope,
    StatusCounts,
    compute_main_checklist_distribution,
    compute_on_time_by_stop_point_and_period,
    compute_statuses_by_stop_point,
    compute_windows_not_over,
    window_days,
)
from forlop.measures.models import (
    Boundary,
    ChartKind,
    Computation,
    Direction,
    Measure,
    Period,
)
from forlop.measures.selectors.series import (
    Series,
    chart_spec,
    series_points,
    signal_texts,
)

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
        labels = [point.display or point.label for point in points]
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
    shown_code: str = ""
    """The code users see ("" for the daily care plan, whose code stays "DAILY")."""


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
    hidden: set[str] = set()
    for code, order, title, show_code in (
        StopPointDefinition.objects.filter(code__in=[c.code for c in counts])
        .order_by("-version__number", "-pk")
        .values_list("code", "order", "title", "show_code")
    ):
        if code not in titles and not show_code:
            hidden.add(code)
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
            shown_code="" if c.code in hidden else c.code,
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


# --------------------------------------------------------------------------------------------
# Outcome windows not over yet: shown beside the denominator
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WindowsNotOver:
    """Pathways discharged in the periods shown whose window (30 or 90 days) is not over
    yet: not in any denominator. ``count`` is None where it is suppressed."""

    days: int
    count: int | None


def windows_not_over(
    measure: Measure, *, scope: Scope, first: date, last: date, as_of: datetime
) -> WindowsNotOver | None:
    """None for a measure without a window after the discharge (one query otherwise)."""
    days = window_days(measure)
    if days is None:
        return None
    n = compute_windows_not_over(measure, scope=scope, first=first, last=last, as_of=as_of)
    below = _suppress_below(scope)
    return WindowsNotOver(days=days, count=None if 0 < n < below else n)
