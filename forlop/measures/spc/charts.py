"""The charts: run, i, mr, p, c and u, with parts, a frozen baseline and exclusions.

See the package docstring (``forlop.measures.spc``) for the semantics.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import pairwise
from typing import Literal, get_args

from forlop.measures.spc.anhoej import DEFAULT_MIN_POINTS_FOR_SIGNAL, RunsAnalysis, runs_analysis

ChartType = Literal["run", "i", "mr", "p", "c", "u"]
CHART_TYPES: tuple[ChartType, ...] = get_args(ChartType)
CHARTS_NEEDING_N: frozenset[ChartType] = frozenset({"p", "u"})
CHARTS_WITHOUT_N: frozenset[ChartType] = frozenset({"c"})

#: Screening factor for moving ranges and the mr chart's UCL (D4 for subgroups of 2).
MR_UCL_FACTOR = 3.267
#: d2 for subgroups of 2: sigma = average moving range / d2.
D2 = 1.128


@dataclass(frozen=True, slots=True)
class ChartSpec:
    """What to compute: one series of subgroups, in order.

    ``y`` holds the values (for p, c and u charts: the numerator counts); ``n`` the
    denominators, or None. Missing values are None. ``part_ends_at`` and ``exclude`` are
    1-based subgroup numbers; ``freeze`` is a number of subgroups from the start of each part.
    ``screen_moving_ranges`` only matters for the i chart (see the module docstring); the
    defaults are the product's and reproduce qicharts2 as loaded with ``library()``, except
    that ``min_points_for_signal`` withholds a runs signal on fewer than 12 useful points.
    """

    chart: ChartType
    y: tuple[float | None, ...]
    n: tuple[float | None, ...] | None = None
    part_ends_at: tuple[int, ...] = ()
    freeze: int | None = None
    exclude: frozenset[int] = field(default_factory=frozenset)
    multiply: float = 1.0
    min_points_for_signal: int = DEFAULT_MIN_POINTS_FOR_SIGNAL
    screen_moving_ranges: bool = True


@dataclass(frozen=True, slots=True)
class Point:
    """One subgroup as plotted (values already multiplied)."""

    x: int
    y: float | None
    n: float | None
    cl: float | None
    lcl: float | None
    ucl: float | None
    sigma_signal: bool
    runs_signal: bool
    part: int
    excluded: bool
    baseline: bool


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a chart: subgroups ``first`` to ``last`` (1-based, inclusive)."""

    number: int
    first: int
    last: int
    cl: float | None
    runs: RunsAnalysis
    n_sigma_signals: int

    @property
    def runs_signal(self) -> bool:
        return self.runs.signal


@dataclass(frozen=True, slots=True)
class ChartResult:
    """A computed chart: one point per subgroup and one summary per part."""

    chart: ChartType
    points: tuple[Point, ...]
    parts: tuple[Part, ...]
    multiply: float
    min_points_for_signal: int

    @property
    def centre_is_median(self) -> bool:
        """True for run charts (median); control charts use a mean."""
        return self.chart == "run"

    @property
    def has_limits(self) -> bool:
        return self.chart != "run"

    @property
    def sigma_signal(self) -> bool:
        return any(point.sigma_signal for point in self.points)

    @property
    def runs_signal(self) -> bool:
        return any(part.runs.signal for part in self.parts)

    @property
    def too_few_points(self) -> bool:
        return any(part.runs.too_few_points for part in self.parts)

    def part_of(self, point: Point) -> Part:
        return self.parts[point.part - 1]


# --------------------------------------------------------------------------- statistics


def _mean(values: Iterable[float | None]) -> float | None:
    """Correctly rounded mean of the non-missing values (as R's mean), or None."""
    present = [Fraction(value) for value in values if value is not None]
    if not present:
        return None
    return float(sum(present, Fraction(0)) / len(present))


def _median(values: Iterable[float | None]) -> float | None:
    present = sorted(value for value in values if value is not None)
    if not present:
        return None
    half, odd = divmod(len(present), 2)
    if odd:
        return present[half]
    return float((Fraction(present[half - 1]) + Fraction(present[half])) / 2)


def _sum(values: Iterable[float | None]) -> float:
    return math.fsum(value for value in values if value is not None)


def _finite_or_none(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return value


# --------------------------------------------------------------------------- charts


@dataclass(frozen=True, slots=True)
class _PartLines:
    y: list[float | None]
    cl: float | None
    lcl: list[float | None]
    ucl: list[float | None]


def _part_lines(
    chart: ChartType,
    y: list[float | None],
    counts: list[float | None],
    n: list[float | None] | None,
    base: list[bool],
    *,
    screen_moving_ranges: bool,
) -> _PartLines:
    """Centre line and limits of one part, before multiplying (qicharts2's qic.<chart>)."""
    size = len(y)
    none: list[float | None] = [None] * size
    if chart == "run":
        cl = _median(value for value, b in zip(y, base, strict=True) if b)
        return _PartLines(y, cl, none, none)
    if chart == "i":
        cl = _mean(value for value, b in zip(y, base, strict=True) if b)
        based = [value for value, b in zip(y, base, strict=True) if b]
        ranges: list[float | None] = [
            None if a is None or b is None or cl is None else abs((b - cl) - (a - cl))
            for a, b in pairwise(based)
        ]
        average = _mean(ranges)
        if screen_moving_ranges and average is not None:
            screen = MR_UCL_FACTOR * average
            average = _mean(r for r in ranges if r is not None and r < screen)
        if cl is None or average is None:
            return _PartLines(y, cl, none, none)
        sigma = average / D2
        lower, upper = cl - 3 * sigma, cl + 3 * sigma
        return _PartLines(y, cl, [lower] * size, [upper] * size)
    if chart == "mr":
        moving: list[float | None] = [None]
        moving += [None if a is None or b is None else abs(b - a) for a, b in pairwise(y)]
        cl = _mean(value for value, b in zip(moving, base, strict=True) if b)
        upper_mr = None if cl is None else MR_UCL_FACTOR * cl
        return _PartLines(moving, cl, [0.0] * size, [upper_mr] * size)
    if chart == "c":
        cl = _mean(value for value, b in zip(counts, base, strict=True) if b)
        if cl is None:
            return _PartLines(counts, cl, none, none)
        sigma = math.sqrt(cl)
        return _PartLines(counts, cl, [max(cl - 3 * sigma, 0.0)] * size, [cl + 3 * sigma] * size)
    # p and u: weighted means with a per-subgroup sigma.
    if n is None:
        raise ValueError(f"A {chart} chart needs a denominator (n).")
    denominator = _sum(d for d, b in zip(n, base, strict=True) if b)
    if denominator == 0:
        return _PartLines(y, None, none, none)
    cl = _sum(c for c, b in zip(counts, base, strict=True) if b) / denominator
    lcl: list[float | None] = []
    ucl: list[float | None] = []
    for size_i in n:
        if size_i is None:
            lcl.append(None)
            ucl.append(None)
            continue
        sigma = math.sqrt(cl * (1 - cl) / size_i) if chart == "p" else math.sqrt(cl / size_i)
        lower, upper = cl - 3 * sigma, cl + 3 * sigma
        lcl.append(max(lower, 0.0))
        ucl.append(min(upper, 1.0) if chart == "p" else upper)
    return _PartLines(y, cl, lcl, ucl)


def _check_number(value: float | None, what: str, index: int) -> None:
    if value is not None and (isinstance(value, bool) or not math.isfinite(value)):
        raise ValueError(f"Subgroup {index}: {what} must be a finite number, not {value!r}.")


def _validate(spec: ChartSpec) -> None:
    if spec.chart not in CHART_TYPES:
        raise ValueError(
            f"Unknown chart type {spec.chart!r}; choose one of {', '.join(CHART_TYPES)}."
        )
    count = len(spec.y)
    for index, value in enumerate(spec.y, start=1):
        _check_number(value, "the value", index)
    if spec.n is None:
        if spec.chart in CHARTS_NEEDING_N:
            raise ValueError(f"A {spec.chart} chart needs a denominator (n).")
    else:
        if spec.chart in CHARTS_WITHOUT_N:
            raise ValueError(
                "A c chart plots counts without a denominator; use a u chart for rates."
            )
        if len(spec.n) != count:
            raise ValueError(
                f"y has {count} values but n has {len(spec.n)}; they must be the same length."
            )
        for index, (value, size) in enumerate(zip(spec.y, spec.n, strict=True), start=1):
            _check_number(size, "the denominator", index)
            if size is None:
                continue
            if size == 0:
                raise ValueError(
                    f"Subgroup {index} has a zero denominator (n = 0); "
                    "a denominator must be positive."
                )
            if size < 0:
                raise ValueError(
                    f"Subgroup {index} has a negative denominator (n = {size}); "
                    "a denominator must be positive."
                )
            if spec.chart == "p" and value is not None and value > size:
                raise ValueError(
                    f"Subgroup {index}: the numerator ({value}) is larger than the "
                    f"denominator ({size}); a proportion cannot exceed 1."
                )
    if spec.chart in {"p", "c", "u"}:
        for index, value in enumerate(spec.y, start=1):
            if value is not None and value < 0:
                raise ValueError(
                    f"Subgroup {index}: a {spec.chart} chart counts events, "
                    f"so the value cannot be negative ({value})."
                )
    ends = spec.part_ends_at
    for end in ends:
        if not 1 <= end < count:
            raise ValueError(
                f"A part cannot end at subgroup {end}: it must be between 1 and {count - 1} "
                f"(the chart has {count} subgroups)."
            )
    if list(ends) != sorted(set(ends)):
        raise ValueError("part_ends_at must be strictly increasing.")
    if spec.freeze is not None and spec.freeze < 1:
        raise ValueError(f"freeze must be at least 1, not {spec.freeze}.")
    for index in spec.exclude:
        if not 1 <= index <= count:
            raise ValueError(f"Cannot exclude subgroup {index}: the chart has {count} subgroups.")
    if not (math.isfinite(spec.multiply) and spec.multiply > 0):
        raise ValueError(f"multiply must be a positive number, not {spec.multiply!r}.")
    if spec.min_points_for_signal < 0:
        raise ValueError("min_points_for_signal must be at least 0.")


def compute_chart(spec: ChartSpec) -> ChartResult:
    """Compute a chart. Raises ValueError with a clear message on invalid input."""
    _validate(spec)
    count = len(spec.y)
    # Plotted values before multiplying: y / n with a denominator (qicharts2 drops both when
    # either is missing), the raw value otherwise.
    counts: list[float | None] = list(spec.y)
    sizes: list[float | None] | None = None
    if spec.n is None:
        values: list[float | None] = list(spec.y)
    else:
        sizes = [None if v is None or s is None else s for v, s in zip(spec.y, spec.n, strict=True)]
        counts = [None if s is None else v for v, s in zip(spec.y, sizes, strict=True)]
        values = [
            None if v is None or s is None else v / s for v, s in zip(counts, sizes, strict=True)
        ]

    bounds = [0, *spec.part_ends_at, count]
    m = spec.multiply
    points: list[Point] = []
    parts: list[Part] = []
    for number, (start, stop) in enumerate(pairwise(bounds), start=1):
        indices = range(start, stop)
        included = [(i + 1) not in spec.exclude for i in indices]
        baseline = [
            spec.freeze is None or position < spec.freeze for position in range(len(indices))
        ]
        base = [inc and b for inc, b in zip(included, baseline, strict=True)]
        lines = _part_lines(
            spec.chart,
            values[start:stop],
            counts[start:stop],
            None if sizes is None else sizes[start:stop],
            base,
            screen_moving_ranges=spec.screen_moving_ranges,
        )
        runs = runs_analysis(
            [v for v, inc in zip(lines.y, included, strict=True) if inc],
            lines.cl,
            min_points_for_signal=spec.min_points_for_signal,
        )
        if spec.chart == "mr":  # qicharts2 reports the numbers but never signals an mr chart
            runs = _without_signal(runs)
        cl = None if lines.cl is None else lines.cl * m
        n_signals = 0
        for offset, i in enumerate(indices):
            y = lines.y[offset]
            y_m = None if y is None else y * m
            raw_lcl, raw_ucl = lines.lcl[offset], lines.ucl[offset]
            lcl = _finite_or_none(None if raw_lcl is None else raw_lcl * m)
            ucl = _finite_or_none(None if raw_ucl is None else raw_ucl * m)
            sigma = y_m is not None and (
                (ucl is not None and y_m > ucl) or (lcl is not None and y_m < lcl)
            )
            n_signals += sigma
            points.append(
                Point(
                    x=i + 1,
                    y=y_m,
                    n=None if sizes is None else sizes[i],
                    cl=cl,
                    lcl=lcl,
                    ucl=ucl,
                    sigma_signal=sigma,
                    runs_signal=runs.signal,
                    part=number,
                    excluded=not included[offset],
                    baseline=baseline[offset],
                )
            )
        parts.append(
            Part(
                number=number,
                first=start + 1,
                last=stop,
                cl=cl,
                runs=runs,
                n_sigma_signals=n_signals,
            )
        )
    return ChartResult(
        chart=spec.chart,
        points=tuple(points),
        parts=tuple(parts),
        multiply=m,
        min_points_for_signal=spec.min_points_for_signal,
    )


def _without_signal(runs: RunsAnalysis) -> RunsAnalysis:
    return RunsAnalysis(
        n_obs=runs.n_obs,
        n_useful=runs.n_useful,
        longest_run=runs.longest_run,
        longest_run_max=runs.longest_run_max,
        n_crossings=runs.n_crossings,
        n_crossings_min=runs.n_crossings_min,
        long_run=runs.long_run,
        few_crossings=runs.few_crossings,
        too_few_points=runs.too_few_points,
        signal=False,
    )
