"""The SPC core reproduces qicharts2 0.8.1's reference results with the product's defaults.

No database. Every reference case is computed with the defaults of ``ChartSpec``; only
``test_reference_i_charts_are_screened`` turns screening off, to show what it changes.
"""

from __future__ import annotations

import itertools
import math
import statistics
from dataclasses import replace

import pytest

from forlop.measures.spc import (
    ChartResult,
    ChartSpec,
    Point,
    compute_chart,
)
from forlop.measures.tests import spc_reference as reference

EXPECTED_COLUMNS = [
    "x",
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "sigma.signal",
    "runs.signal",
    "longest.run",
    "longest.run.max",
    "n.crossings",
    "n.crossings.min",
    "part",
]
REFERENCE_I_CHARTS = [row["case"] for row in reference.manifest() if row["chart"] == "i"]


def reference_spec(case: dict[str, str]) -> ChartSpec:
    """The ChartSpec of one manifest row: what describes the chart, every option a default."""
    y, n = reference.inputs(case)
    return ChartSpec(
        chart=case["chart"],  # type: ignore[arg-type]
        y=tuple(y),
        n=None if n is None else tuple(n),
        part_ends_at=reference.part_ends_at(case),
        multiply=float(case["multiply"]),
    )


def point_row(result: ChartResult, point: Point) -> dict[str, object]:
    """One result point in the reference's column names."""
    runs = result.part_of(point).runs
    return {
        "x": point.x,
        "y": point.y,
        "n": point.n,
        "cl": point.cl,
        "lcl": point.lcl,
        "ucl": point.ucl,
        "sigma.signal": point.sigma_signal,
        "runs.signal": point.runs_signal,
        "longest.run": runs.longest_run,
        "longest.run.max": runs.longest_run_max,
        "n.crossings": runs.n_crossings,
        "n.crossings.min": runs.n_crossings_min,
        "part": point.part,
    }


def assert_matches(expected: str, got: object, where: str) -> None:
    if expected == "NA":
        assert got is None, f"{where}: expected NA, got {got!r}"
    elif expected in {"TRUE", "FALSE"}:
        assert got is (expected == "TRUE"), f"{where}: expected {expected}, got {got!r}"
    else:
        assert isinstance(got, int | float), f"{where}: expected {expected}, got {got!r}"
        assert not isinstance(got, bool), f"{where}: expected {expected}, got {got!r}"
        assert math.isclose(float(expected), got, rel_tol=1e-9, abs_tol=0.0) or (
            float(expected) == 0.0 and got == 0.0
        ), f"{where}: expected {expected}, got {got!r}"


# --------------------------------------------------------------------------- reference


def test_reference_files_are_copied() -> None:
    manifest = reference.manifest()
    assert len(manifest) == 29
    for case in manifest:
        assert (reference.REFERENCE / case["input"]).is_file()
        assert (reference.REFERENCE / case["expected"]).is_file()


@pytest.mark.parametrize("case", reference.manifest(), ids=lambda case: case["case"])
def test_reproduces_qicharts2_with_the_defaults(case: dict[str, str]) -> None:
    result = compute_chart(reference_spec(case))
    expected = reference.expected(case)
    assert list(expected[0]) == EXPECTED_COLUMNS
    assert len(result.points) == len(expected)
    # Every part has 12 useful points or more, so the product's rule withholds no signal.
    assert not result.too_few_points
    for point, row in zip(result.points, expected, strict=True):
        got = point_row(result, point)
        for column in EXPECTED_COLUMNS:
            assert_matches(row[column], got[column], f"{case['case']} x={row['x']} {column}")


def test_the_defaults_screen_moving_ranges() -> None:
    spec = ChartSpec(chart="i", y=(1.0, 2.0))
    assert spec.screen_moving_ranges is True
    assert spec.min_points_for_signal == 12
    assert spec.freeze is None
    assert spec.exclude == frozenset()


@pytest.mark.parametrize("name", REFERENCE_I_CHARTS)
def test_reference_i_charts_are_screened(name: str) -> None:
    """The reference limits are the screened textbook ones; where a moving range reaches the
    screen (cabg_age_i and syn01_i) the unscreened limits are wider and do not match."""
    case = reference.case(name)
    y, _n = reference.inputs(case)
    values = [value for value in y if value is not None]
    assert len(values) == len(y)
    centre, lcl, ucl = reference.i_limits_textbook(values, screened=True)
    _centre, wide_lcl, wide_ucl = reference.i_limits_textbook(values, screened=False)
    row = reference.expected(case)[0]
    assert math.isclose(float(row["cl"]), centre, rel_tol=1e-9)
    assert math.isclose(float(row["lcl"]), lcl, rel_tol=1e-9)
    assert math.isclose(float(row["ucl"]), ucl, rel_tol=1e-9)
    ranges = [abs(b - a) for a, b in itertools.pairwise(values)]
    reaches_screen = max(ranges) >= 3.267 * statistics.fmean(ranges)
    assert reaches_screen == (name in {"cabg_age_i", "syn01_i"})
    unscreened = compute_chart(replace(reference_spec(case), screen_moving_ranges=False))
    assert math.isclose(unscreened.points[0].ucl or 0.0, wide_ucl, rel_tol=1e-9)
    assert math.isclose(unscreened.points[0].lcl or 0.0, wide_lcl, rel_tol=1e-9)
    if reaches_screen:
        assert wide_ucl > ucl * (1 + 1e-6)
        assert not math.isclose(unscreened.points[0].ucl or 0.0, ucl, rel_tol=1e-9)
    else:
        assert math.isclose(wide_ucl, ucl, rel_tol=1e-9)
