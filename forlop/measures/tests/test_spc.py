"""Tests of the SPC core's edge cases, validation and properties (no database).

The code under test imports no Django and no test here takes the ``db`` fixture. The
qicharts2 reference results are checked in ``test_spc_reference.py``.
"""

from __future__ import annotations

import ast
import itertools
import math
import statistics
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forlop.measures import spc
from forlop.measures.spc import (
    ChartSpec,
    RunsAnalysis,
    binomial_quantile,
    c_chart,
    compute_chart,
    i_chart,
    longest_run_max,
    mr_chart,
    n_crossings_min,
    p_chart,
    run_chart,
    runs_analysis,
    u_chart,
)

# --------------------------------------------------------------------------- Anhøj limits

# The Anhøj table of critical values (Anhøj and Olesen 2014, "Run charts revisited"):
# n useful -> (longest run max, crossings min).
ANHOEJ_TABLE = {
    10: (6, 2),
    12: (7, 3),
    14: (7, 4),
    16: (7, 4),
    18: (7, 5),
    20: (7, 6),
    22: (7, 7),
    24: (8, 8),
    26: (8, 8),
    28: (8, 9),
    30: (8, 10),
    40: (8, 14),
    50: (9, 19),
    60: (9, 23),
    80: (9, 32),
    100: (10, 41),
}


@pytest.mark.parametrize(("n", "limits"), ANHOEJ_TABLE.items())
def test_anhoej_table(n: int, limits: tuple[int, int]) -> None:
    assert (longest_run_max(n), n_crossings_min(n)) == limits


def test_binomial_quantile_small_cases() -> None:
    assert binomial_quantile(0.05, 0) == 0
    assert binomial_quantile(0.05, 1) == 0
    assert binomial_quantile(0.05, 4) == 0  # P(X <= 0) = 1/16 >= 0.05
    assert binomial_quantile(0.05, 5) == 1  # P(X <= 0) = 1/32 < 0.05
    assert binomial_quantile(0.5, 10) == 5
    assert binomial_quantile(1.0, 7) == 7


@pytest.mark.parametrize("bad", [(-0.1, 3), (1.5, 3), (0.05, -1)])
def test_binomial_quantile_rejects_bad_arguments(bad: tuple[float, int]) -> None:
    with pytest.raises(ValueError, match="must be"):
        binomial_quantile(*bad)


def test_limits_need_a_useful_point() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        longest_run_max(0)
    with pytest.raises(ValueError, match="at least 1"):
        n_crossings_min(0)


# --------------------------------------------------------------------------- run chart edges


def test_all_points_on_the_median() -> None:
    result = run_chart([5.0] * 15)
    part = result.parts[0]
    assert part.cl == 5.0
    assert part.runs.n_obs == 15
    assert part.runs.n_useful == 0
    assert part.runs.longest_run is None
    assert part.runs.n_crossings is None
    assert part.runs.too_few_points
    assert not part.runs.signal
    assert not result.runs_signal


def test_points_on_the_median_do_not_break_a_run() -> None:
    # 1 1 1 2 3 3 3: median 2, the middle point is ignored: one run of 3 below, 3 above.
    analysis = runs_analysis([1, 1, 1, 2, 3, 3, 3], 2, min_points_for_signal=0)
    assert analysis.n_useful == 6
    assert analysis.longest_run == 3
    assert analysis.n_crossings == 1
    # Value equal to the centre between two values on the same side joins them into one run.
    analysis = runs_analysis([1, 2, 1, 3], 2, min_points_for_signal=0)
    assert (analysis.longest_run, analysis.n_crossings) == (2, 1)


def test_too_few_points_flag_instead_of_signal() -> None:
    shifted = [1.0] * 5 + [9.0] * 5  # one crossing, fewer than the 2 expected for n = 10
    product = run_chart(shifted)
    assert product.too_few_points
    assert product.parts[0].runs.few_crossings
    assert not product.runs_signal
    assert not any(point.runs_signal for point in product.points)
    without_rule = run_chart(shifted, min_points_for_signal=0)
    assert not without_rule.too_few_points
    assert without_rule.runs_signal
    assert all(point.runs_signal for point in without_rule.points)


def test_twelve_useful_points_may_signal() -> None:
    result = run_chart([1.0] * 6 + [9.0] * 6)
    assert not result.too_few_points
    assert result.runs_signal


def test_run_chart_with_denominator_plots_the_ratio_and_its_median() -> None:
    result = run_chart([1, 2, 3, 4], [2, 4, 4, 8], min_points_for_signal=0)
    assert [p.y for p in result.points] == [0.5, 0.5, 0.75, 0.5]
    assert result.parts[0].cl == 0.5  # median of the ratios, not sum(y) / sum(n)
    assert [p.n for p in result.points] == [2, 4, 4, 8]
    assert all(p.lcl is None and p.ucl is None for p in result.points)
    assert result.centre_is_median
    assert not result.has_limits


def test_missing_values_are_plotted_as_gaps_and_ignored() -> None:
    result = run_chart([1.0, None, 3.0, 2.0], min_points_for_signal=0)
    assert result.points[1].y is None
    assert result.parts[0].cl == 2.0
    assert result.parts[0].runs.n_useful == 2
    p = p_chart([1, 2, None, 3], [10, None, 10, 10])
    assert [point.y for point in p.points] == [0.1, None, None, 0.3]
    assert p.points[1].n is None  # qicharts2 drops both numerator and denominator
    assert p.points[1].lcl is None
    assert p.points[1].ucl is None
    assert p.parts[0].cl == pytest.approx(0.2)


def test_empty_series() -> None:
    result = run_chart([])
    assert result.points == ()
    assert len(result.parts) == 1
    assert result.parts[0].cl is None
    assert not result.runs_signal


# --------------------------------------------------------------------------- control charts


def test_constant_series() -> None:
    # Every moving range is 0: screening (r < 3.267 * 0) keeps none, so there are no limits
    # (qicharts2 gives NA); without screening the limits collapse onto the centre line.
    i = i_chart([4.0] * 14)
    assert {(p.cl, p.lcl, p.ucl) for p in i.points} == {(4.0, None, None)}
    assert not i.sigma_signal
    assert not i.runs_signal
    assert i.parts[0].runs.n_useful == 0
    unscreened = i_chart([4.0] * 14, screen_moving_ranges=False)
    assert {(p.cl, p.lcl, p.ucl) for p in unscreened.points} == {(4.0, 4.0, 4.0)}
    assert not unscreened.sigma_signal
    c = c_chart([4.0] * 14)
    assert c.parts[0].cl == 4.0
    assert c.points[0].lcl == 0.0  # 4 - 3 * 2 clipped at 0
    assert c.points[0].ucl == 10.0
    mr = mr_chart([4.0] * 14)
    assert mr.points[0].y is None
    assert {p.ucl for p in mr.points} == {0.0}


def test_single_point_i_chart_has_no_limits() -> None:
    result = i_chart([3.0])
    assert result.points[0].cl == 3.0
    assert result.points[0].lcl is None
    assert result.points[0].ucl is None
    assert not result.sigma_signal


def test_i_chart_limits_and_screening() -> None:
    y = [10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 10.0, 30.0, 10.0, 11.0, 10.0, 11.0]
    ranges = [abs(b - a) for a, b in itertools.pairwise(y)]
    unscreened = i_chart(y, screen_moving_ranges=False)
    mean = statistics.fmean(y)
    assert unscreened.parts[0].cl == pytest.approx(mean)
    assert unscreened.points[0].ucl == pytest.approx(mean + 3 * statistics.fmean(ranges) / 1.128)
    average = statistics.fmean(ranges)
    kept = [r for r in ranges if r < 3.267 * average]
    assert len(kept) == len(ranges) - 2
    screened = i_chart(y)
    assert screened.points[0].ucl == pytest.approx(mean + 3 * statistics.fmean(kept) / 1.128)
    assert screened.points[7].sigma_signal


def test_mr_chart_first_point_missing_per_part_and_no_runs_signal() -> None:
    y = [1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 8.0, 9.0, 8.0, 9.0]
    result = mr_chart(y, part_ends_at=[6], min_points_for_signal=0)
    assert result.points[0].y is None
    assert result.points[6].y is None  # first point of part 2
    assert all(p.lcl == 0.0 for p in result.points)
    assert result.parts[0].cl == 1.0
    assert result.points[0].ucl == pytest.approx(3.267)
    # Runs numbers are reported but an mr chart never signals.
    small_then_large = [0.0, 1.0] * 6 + [0.0, 5.0] * 6  # 11 small ranges, then 12 large
    shifted = mr_chart(small_then_large, min_points_for_signal=0)
    assert shifted.parts[0].runs.long_run
    assert not shifted.runs_signal
    assert all(not p.runs_signal for p in shifted.points)


def test_p_chart_limits_clipped_to_zero_and_one() -> None:
    result = p_chart([1, 0, 1, 2, 9, 10], [10, 10, 10, 10, 10, 10])
    assert result.parts[0].cl == pytest.approx(23 / 60)
    high = p_chart([9, 10, 10, 9, 10, 10], [10, 10, 10, 10, 10, 2 * 5])
    assert all(p.ucl == 1.0 for p in high.points)
    low = p_chart([0, 1, 0, 0, 1, 0], [10, 10, 10, 10, 10, 10])
    assert all(p.lcl == 0.0 for p in low.points)
    assert all(0.0 <= (p.lcl or 0.0) <= (p.ucl or 0.0) <= 1.0 for p in result.points)


def test_p_chart_limits_vary_with_n() -> None:
    result = p_chart([5, 50], [10, 100])
    cl = 55 / 110
    assert result.points[0].ucl == pytest.approx(cl + 3 * math.sqrt(cl * (1 - cl) / 10))
    assert result.points[1].ucl == pytest.approx(cl + 3 * math.sqrt(cl * (1 - cl) / 100))


def test_u_chart_multiplier_scales_values_centre_and_limits() -> None:
    y, n = [1, 2, 1, 12], [1000.0, 1200.0, 900.0, 1100.0]
    plain = u_chart(y, n)
    scaled = u_chart(y, n, multiply=10_000)
    for a, b in zip(plain.points, scaled.points, strict=True):
        assert b.y == pytest.approx((a.y or 0.0) * 10_000)
        assert b.cl == pytest.approx((a.cl or 0.0) * 10_000)
        assert b.ucl == pytest.approx((a.ucl or 0.0) * 10_000)
        assert b.lcl == pytest.approx((a.lcl or 0.0) * 10_000)
        assert a.sigma_signal == b.sigma_signal
        assert b.n == a.n  # the denominator is not scaled
    assert scaled.points[3].sigma_signal
    assert all(p.lcl == 0.0 for p in scaled.points)  # clipped at 0


def test_c_chart_sigma_signal() -> None:
    result = c_chart([16, 15, 17, 14, 16, 18, 15, 40])
    cl = statistics.fmean([16, 15, 17, 14, 16, 18, 15, 40])
    assert result.parts[0].cl == pytest.approx(cl)
    assert result.points[0].ucl == pytest.approx(cl + 3 * math.sqrt(cl))
    assert [p.sigma_signal for p in result.points] == [False] * 7 + [True]
    assert result.parts[0].n_sigma_signals == 1


# --------------------------------------------------------------------------- parts, freeze, exclude


def test_parts_have_their_own_centre_limits_and_runs() -> None:
    before = [10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0]
    after = [20.0, 22.0, 21.0, 23.0, 20.0, 22.0, 21.0, 23.0, 20.0, 22.0, 21.0, 23.0]
    result = i_chart(before + after, part_ends_at=[12])
    assert [p.part for p in result.points] == [1] * 12 + [2] * 12
    first, second = result.parts
    assert (first.first, first.last, second.first, second.last) == (1, 12, 13, 24)
    assert first.cl == pytest.approx(11.5)
    assert second.cl == pytest.approx(21.5)
    assert not result.sigma_signal
    assert not result.runs_signal
    whole = i_chart(before + after)
    assert whole.runs_signal  # one long run below, one above the overall mean
    assert result.points[0].ucl != result.points[12].ucl


def test_part_ends_validation() -> None:
    with pytest.raises(ValueError, match="between 1 and 3"):
        run_chart([1, 2, 3, 4], part_ends_at=[4])
    with pytest.raises(ValueError, match="between 1 and 3"):
        run_chart([1, 2, 3, 4], part_ends_at=[0])
    with pytest.raises(ValueError, match="strictly increasing"):
        run_chart([1, 2, 3, 4], part_ends_at=[2, 1])


def test_frozen_baseline_extends_centre_and_limits() -> None:
    baseline = [10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0]
    later = [18.0] * 10
    result = i_chart(baseline + later, freeze=12)
    frozen = i_chart(baseline)
    assert result.parts[0].cl == frozen.parts[0].cl
    assert {p.ucl for p in result.points} == {frozen.points[0].ucl}
    assert [p.baseline for p in result.points] == [True] * 12 + [False] * 10
    # The runs analysis covers every point against the frozen centre line.
    assert result.parts[0].runs.n_obs == 22
    assert result.runs_signal
    assert all(p.sigma_signal for p in result.points[12:])
    # Freeze applies within each part.
    parted = run_chart([1.0, 2.0, 3.0, 9.0, 5.0, 6.0, 7.0, 9.0], part_ends_at=[4], freeze=2)
    assert [part.cl for part in parted.parts] == [1.5, 5.5]


def test_freeze_longer_than_the_part_uses_the_whole_part() -> None:
    assert run_chart([1.0, 2.0, 3.0], freeze=10).parts[0].cl == 2.0
    with pytest.raises(ValueError, match="freeze"):
        run_chart([1.0, 2.0, 3.0], freeze=0)


def test_excluded_points_are_plotted_but_not_computed() -> None:
    y = [10.0, 11.0, 10.0, 11.0, 100.0, 10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 10.0, 11.0]
    result = i_chart(y, exclude=[5])
    kept = [v for i, v in enumerate(y, start=1) if i != 5]
    assert result.parts[0].cl == pytest.approx(statistics.fmean(kept))
    point = result.points[4]
    assert point.excluded
    assert point.y == 100.0
    assert point.sigma_signal  # still compared with the limits
    assert result.parts[0].runs.n_obs == len(y) - 1
    # Moving ranges join the neighbours of the excluded point (as qicharts2).
    ranges = [abs(b - a) for a, b in itertools.pairwise(kept)]
    mean = statistics.fmean(kept)
    assert point.ucl == pytest.approx(mean + 3 * statistics.fmean(ranges) / 1.128)
    run = run_chart(y, exclude=[5], min_points_for_signal=0)
    assert run.parts[0].cl == statistics.median(kept)
    with pytest.raises(ValueError, match="Cannot exclude subgroup 14"):
        run_chart(y, exclude=[14])


# --------------------------------------------------------------------------- validation


def test_zero_denominator_raises_clear_error() -> None:
    with pytest.raises(ValueError, match=r"Subgroup 2 has a zero denominator \(n = 0\)"):
        p_chart([1, 2, 3], [10, 0, 10])
    with pytest.raises(ValueError, match="Subgroup 3 has a negative denominator"):
        u_chart([1, 2, 3], [10, 10, -1])
    with pytest.raises(ValueError, match="zero denominator"):
        run_chart([1, 2, 3], [1, 0, 1])


def test_invalid_inputs() -> None:
    with pytest.raises(ValueError, match="needs a denominator"):
        compute_chart(ChartSpec(chart="p", y=(1.0, 2.0)))
    with pytest.raises(ValueError, match="use a u chart"):
        compute_chart(ChartSpec(chart="c", y=(1.0,), n=(2.0,)))
    with pytest.raises(ValueError, match="same length"):
        compute_chart(ChartSpec(chart="run", y=(1.0, 2.0), n=(2.0,)))
    with pytest.raises(ValueError, match="Unknown chart type"):
        compute_chart(ChartSpec(chart="x", y=(1.0,)))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="larger than the denominator"):
        p_chart([11], [10])
    with pytest.raises(ValueError, match="cannot be negative"):
        c_chart([-1])
    with pytest.raises(ValueError, match="finite number"):
        run_chart([1.0, math.nan])
    with pytest.raises(ValueError, match="multiply"):
        run_chart([1.0], multiply=0)
    with pytest.raises(ValueError, match="min_points_for_signal"):
        run_chart([1.0], min_points_for_signal=-1)


def test_results_are_frozen() -> None:
    result = run_chart([1.0, 2.0])
    with pytest.raises(AttributeError):
        result.points[0].y = 3.0  # type: ignore[misc]
    assert not hasattr(result, "__dict__")  # slots


def test_module_imports_neither_django_nor_the_clock() -> None:
    modules: set[str] = set()
    package = Path(spc.__file__).parent
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in package.glob("*.py")]
    assert len(trees) == 4  # __init__, anhoej, charts, shortcuts
    for node in (node for tree in trees for node in ast.walk(tree)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert not modules & {"django", "time", "datetime", "scipy", "numpy"}


# --------------------------------------------------------------------------- properties


def naive_runs(values: list[float], centre: float) -> tuple[int, int, int, int, bool] | None:
    """Straightforward runs analysis: (longest, longest max, crossings, crossings min, signal)."""
    signs = [1 if v > centre else -1 for v in values if v != centre]
    if not signs:
        return None
    runs = [len(list(group)) for _, group in itertools.groupby(signs)]
    n = len(signs)
    limit = round(math.log2(n)) + 3
    # Smallest k with P(X <= k) >= 0.05 for X ~ Binomial(n - 1, 1/2), with exact fractions.
    total = 2 ** (n - 1)
    k = 0
    while Fraction(sum(math.comb(n - 1, i) for i in range(k + 1)), total) < Fraction(1, 20):
        k += 1
    crossings = len(runs) - 1
    return max(runs), limit, crossings, k, max(runs) > limit or crossings < k


series = st.lists(st.integers(min_value=0, max_value=6).map(float), min_size=1, max_size=80)


@settings(max_examples=300, deadline=None)
@given(series)
def test_runs_analysis_matches_naive_implementation(values: list[float]) -> None:
    centre = statistics.median(values)
    expected = naive_runs(values, centre)
    got = runs_analysis(values, centre, min_points_for_signal=0)
    if expected is None:
        assert got.n_useful == 0
        assert got.longest_run is None
        assert not got.signal
        return
    assert (
        got.longest_run,
        got.longest_run_max,
        got.n_crossings,
        got.n_crossings_min,
        got.signal,
    ) == expected
    assert got.n_useful == sum(1 for v in values if v != centre)


@settings(max_examples=200, deadline=None)
@given(series, st.integers(min_value=0, max_value=30))
def test_run_chart_runs_match_naive_implementation(values: list[float], minimum: int) -> None:
    result = run_chart(values, min_points_for_signal=minimum)
    part = result.parts[0]
    assert part.cl == statistics.median(values)
    expected = naive_runs(values, statistics.median(values))
    analysis: RunsAnalysis = part.runs
    assert analysis.too_few_points == (analysis.n_useful < minimum)
    if expected is None:
        assert not analysis.signal
    else:
        assert analysis.signal == (expected[4] and analysis.n_useful >= minimum)
    assert all(p.runs_signal == analysis.signal for p in result.points)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=400), st.sampled_from([0.01, 0.05, 0.5, 0.95]))
def test_binomial_quantile_is_the_smallest_k_reaching_p(size: int, p: float) -> None:
    k = binomial_quantile(p, size)

    def cdf(upto: int) -> Fraction:
        return Fraction(sum(math.comb(size, i) for i in range(upto + 1)), 2**size)

    assert cdf(k) >= Fraction(p) * (1 - Fraction(64) * Fraction(2.220446049250313e-16))
    if k > 0:
        assert cdf(k - 1) < Fraction(p)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=20), st.integers(min_value=20, max_value=60)),
        min_size=2,
        max_size=40,
    )
)
def test_p_chart_properties(rows: list[tuple[int, int]]) -> None:
    result = p_chart([float(r[0]) for r in rows], [float(r[1]) for r in rows])
    cl = result.parts[0].cl
    assert cl == pytest.approx(sum(r[0] for r in rows) / sum(r[1] for r in rows))
    for point in result.points:
        assert point.lcl is not None
        assert point.ucl is not None
        assert 0.0 <= point.lcl <= (cl or 0.0) <= point.ucl <= 1.0
        assert point.sigma_signal == (
            point.y is not None and (point.y > point.ucl or point.y < point.lcl)
        )
