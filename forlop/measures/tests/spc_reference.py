"""The qicharts2 0.8.1 reference results in ``data/spc_reference``, read for the SPC tests.

Plain Python (no Django), so ``test_spc.py`` still runs without settings. A case is given by
its manifest row: the chart type, the columns, the parts and the multiplier describe the
chart; every other option is left at the product's default (see the README there).
"""

from __future__ import annotations

import csv
import statistics
from itertools import pairwise
from pathlib import Path

REFERENCE = Path(__file__).parent / "data" / "spc_reference"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def manifest() -> list[dict[str, str]]:
    return read_csv(REFERENCE / "manifest.csv")


def case(name: str) -> dict[str, str]:
    return next(row for row in manifest() if row["case"] == name)


def number(text: str) -> float | None:
    return None if text in {"", "NA"} else float(text)


def inputs(row: dict[str, str]) -> tuple[list[float | None], list[float | None] | None]:
    """The case's values and denominators (None when the chart has none)."""
    data = read_csv(REFERENCE / row["input"])
    y = [number(cells[row["y"]]) for cells in data]
    n = [number(cells[row["n"]]) for cells in data] if row["n"] else None
    return y, n


def part_ends_at(row: dict[str, str]) -> tuple[int, ...]:
    return (int(row["part_ends_at"]),) if row["part_ends_at"] else ()


def expected(row: dict[str, str]) -> list[dict[str, str]]:
    return read_csv(REFERENCE / row["expected"])


def i_limits_textbook(y: list[float], *, screened: bool) -> tuple[float, float, float]:
    """(centre, lcl, ucl) of an i chart as a textbook computes them, independently of spc.py.

    sigma = average moving range / 1.128; screened, the moving ranges of 3.267 times their
    average or more are left out first (Nelson 1982).
    """
    centre = statistics.fmean(y)
    ranges = [abs(b - a) for a, b in pairwise(y)]
    average = statistics.fmean(ranges)
    if screened:
        average = statistics.fmean(r for r in ranges if r < 3.267 * average)
    sigma = average / 1.128
    return centre, centre - 3 * sigma, centre + 3 * sigma
