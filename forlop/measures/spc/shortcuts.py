"""One function per chart type (``run_chart``, ``i_chart`` ...): a ChartSpec from plain
arguments, computed by ``charts.compute_chart``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from forlop.measures.spc.anhoej import DEFAULT_MIN_POINTS_FOR_SIGNAL
from forlop.measures.spc.charts import ChartResult, ChartSpec, ChartType, compute_chart


def _spec(
    chart: ChartType,
    y: Sequence[float | None],
    n: Sequence[float | None] | None,
    part_ends_at: Sequence[int],
    freeze: int | None,
    exclude: Iterable[int],
    multiply: float,
    min_points_for_signal: int,
) -> ChartSpec:
    return ChartSpec(
        chart=chart,
        y=tuple(y),
        n=None if n is None else tuple(n),
        part_ends_at=tuple(part_ends_at),
        freeze=freeze,
        exclude=frozenset(exclude),
        multiply=multiply,
        min_points_for_signal=min_points_for_signal,
    )


def run_chart(
    y: Sequence[float | None],
    n: Sequence[float | None] | None = None,
    *,
    part_ends_at: Sequence[int] = (),
    freeze: int | None = None,
    exclude: Iterable[int] = (),
    multiply: float = 1.0,
    min_points_for_signal: int = DEFAULT_MIN_POINTS_FOR_SIGNAL,
) -> ChartResult:
    """Run chart: the median of each part (of y / n with a denominator)."""
    return compute_chart(
        _spec("run", y, n, part_ends_at, freeze, exclude, multiply, min_points_for_signal)
    )


def i_chart(
    y: Sequence[float | None],
    n: Sequence[float | None] | None = None,
    *,
    part_ends_at: Sequence[int] = (),
    freeze: int | None = None,
    exclude: Iterable[int] = (),
    multiply: float = 1.0,
    min_points_for_signal: int = DEFAULT_MIN_POINTS_FOR_SIGNAL,
    screen_moving_ranges: bool = True,
) -> ChartResult:
    """I (individuals) chart: mean ± 3 sigma, sigma from the (screened) moving ranges."""
    spec = _spec("i", y, n, part_ends_at, freeze, exclude, multiply, min_points_for_signal)
    return compute_chart(replace(spec, screen_moving_ranges=screen_moving_ranges))


def mr_chart(
    y: Sequence[float | None],
    n: Sequence[float | None] | None = None,
    *,
    part_ends_at: Sequence[int] = (),
    freeze: int | None = None,
    exclude: Iterable[int] = (),
    multiply: float = 1.0,
    min_points_for_signal: int = DEFAULT_MIN_POINTS_FOR_SIGNAL,
) -> ChartResult:
    """MR chart: moving ranges (the first of each part missing), UCL = 3.267 × mean."""
    return compute_chart(
        _spec("mr", y, n, part_ends_at, freeze, exclude, multiply, min_points_for_signal)
    )


def p_chart(
    y: Sequence[float | None],
    n: Sequence[float | None],
    *,
    part_ends_at: Sequence[int] = (),
    freeze: int | None = None,
    exclude: Iterable[int] = (),
    multiply: float = 1.0,
    min_points_for_signal: int = DEFAULT_MIN_POINTS_FOR_SIGNAL,
) -> ChartResult:
    """P chart: proportion y / n, CL = Σy / Σn, limits clipped to [0, 1]."""
    return compute_chart(
        _spec("p", y, n, part_ends_at, freeze, exclude, multiply, min_points_for_signal)
    )


def c_chart(
    y: Sequence[float | None],
    *,
    part_ends_at: Sequence[int] = (),
    freeze: int | None = None,
    exclude: Iterable[int] = (),
    multiply: float = 1.0,
    min_points_for_signal: int = DEFAULT_MIN_POINTS_FOR_SIGNAL,
) -> ChartResult:
    """C chart: counts, CL = mean, sigma = √CL, LCL clipped at 0."""
    return compute_chart(
        _spec("c", y, None, part_ends_at, freeze, exclude, multiply, min_points_for_signal)
    )


def u_chart(
    y: Sequence[float | None],
    n: Sequence[float | None],
    *,
    part_ends_at: Sequence[int] = (),
    freeze: int | None = None,
    exclude: Iterable[int] = (),
    multiply: float = 1.0,
    min_points_for_signal: int = DEFAULT_MIN_POINTS_FOR_SIGNAL,
) -> ChartResult:
    """U chart: rate y / n, CL = Σy / Σn, sigma = √(CL / n), LCL clipped at 0."""
    return compute_chart(
        _spec("u", y, n, part_ends_at, freeze, exclude, multiply, min_points_for_signal)
    )
