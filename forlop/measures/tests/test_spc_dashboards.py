"""The measure dashboards chart with the SPC defaults: they reproduce the qicharts2 reference.

``measure_series`` (the dashboards, their SVG charts and the exports) turns counts into
``SeriesPoint`` rows, builds its spec with ``chart_spec`` and calls ``spc.compute_chart``.
Here the reference inputs go through those same two steps, with nothing set but the data.
No database: the measure is an unsaved instance, which ``chart_spec`` only reads.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from forlop.measures import spc
from forlop.measures.models import ChartKind, Measure
from forlop.measures.selectors import SeriesPoint, chart_spec
from forlop.measures.tests import spc_reference as reference

#: The charts a dashboard draws: the run chart and a measure's control chart.
DASHBOARD_CHARTS = {"run", *ChartKind.values}
#: Cases a dashboard can draw: no multiplier, no moving-range chart.
CASES = [
    row
    for row in reference.manifest()
    if row["chart"] in DASHBOARD_CHARTS and row["multiply"] == "1"
]


def series_points(case: dict[str, str]) -> list[SeriesPoint]:
    """The reference input as the series selector hands it on (value = numerator / n)."""
    y, n = reference.inputs(case)
    points = []
    for x, numerator in enumerate(y, start=1):
        denominator = None if n is None else n[x - 1]
        if numerator is None:
            value = None
        elif denominator is None:
            value = numerator
        else:
            value = numerator / denominator
        start = date(2020 + (x - 1) // 12, (x - 1) % 12 + 1, 1)
        points.append(
            SeriesPoint(
                x=x,
                period_start=start,
                label=f"{start:%Y-%m}",
                numerator=numerator,
                denominator=denominator,
                value=value,
                suppressed=False,
            )
        )
    return points


def compare(expected: str, got: float | bool | int | None, where: str) -> None:
    if expected == "NA":
        assert got is None, where
    elif expected in {"TRUE", "FALSE"}:
        assert got is (expected == "TRUE"), where
    else:
        assert isinstance(got, int | float), where
        assert math.isclose(float(expected), got, rel_tol=1e-9), f"{where}: {expected} != {got}"


def test_the_dashboard_cases_cover_every_dashboard_chart() -> None:
    assert {row["chart"] for row in CASES} == DASHBOARD_CHARTS
    assert len(CASES) == 26
    assert {"cabg_age_i", "syn01_i"} <= {row["case"] for row in CASES}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["case"])
def test_dashboard_chart_reproduces_qicharts2(case: dict[str, str]) -> None:
    measure = Measure(code="reference", name=case["case"], chart=ChartKind.I)
    spec = chart_spec(measure, series_points(case), case["chart"], reference.part_ends_at(case))
    assert spec.screen_moving_ranges is True
    assert spec.min_points_for_signal == spc.DEFAULT_MIN_POINTS_FOR_SIGNAL
    result = spc.compute_chart(spec)
    expected = reference.expected(case)
    assert len(result.points) == len(expected)
    for point, row in zip(result.points, expected, strict=True):
        runs = result.part_of(point).runs
        where = f"{case['case']} x={row['x']}"
        compare(row["y"], point.y, f"{where} y")
        compare(row["cl"], point.cl, f"{where} cl")
        compare(row["lcl"], point.lcl, f"{where} lcl")
        compare(row["ucl"], point.ucl, f"{where} ucl")
        compare(row["sigma.signal"], point.sigma_signal, f"{where} sigma.signal")
        compare(row["runs.signal"], point.runs_signal, f"{where} runs.signal")
        compare(row["longest.run"], runs.longest_run, f"{where} longest.run")
        compare(row["n.crossings"], runs.n_crossings, f"{where} n.crossings")
        assert point.part == int(row["part"]), where
