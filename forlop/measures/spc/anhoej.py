"""Anhøj's runs analysis: the two run-chart rules (a long run, too few crossings).

Plain Python, no Django and no clock. The rules and their limits are those of qicharts2
0.8.1 (Jacob Anhøj): the longest run allowed is round(log2(n)) + 3 (Schilling 2012), the
fewest crossings the 5th percentile of Binomial(n - 1, 0.5) (Chen 2010), computed exactly as
R's ``qbinom``. The charts in ``forlop.measures.spc.charts`` apply it to every part.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from itertools import pairwise

DEFAULT_MIN_POINTS_FOR_SIGNAL = 12
#: The percentile of Binomial(n - 1, 0.5) below which crossings are too few.
CROSSINGS_PERCENTILE = 0.05
#: R's qbinom() lowers p by this relative fuzz to stay left-continuous.
_QBINOM_FUZZ = Fraction(1) - 64 * Fraction(2.220446049250313e-16)


@dataclass(frozen=True, slots=True)
class RunsAnalysis:
    """Anhøj runs analysis of one part.

    The numbers are None when there is no useful point. ``signal`` is the product's
    verdict: False whenever ``too_few_points`` is True.
    """

    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    long_run: bool
    few_crossings: bool
    too_few_points: bool
    signal: bool


@lru_cache(maxsize=1024)
def binomial_quantile(p: float, size: int) -> int:
    """The p-quantile of Binomial(size, 0.5), as R's ``qbinom(p, size, 0.5)``.

    The smallest k with P(X <= k) >= p, computed exactly with integers (R compares with a
    relative fuzz of 64 machine epsilons, reproduced here).
    """
    if size < 0:
        raise ValueError(f"size must be at least 0, not {size}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be between 0 and 1, not {p}")
    # P(X <= k) = sum(C(size, i) for i <= k) / 2**size; compare numerators exactly.
    threshold = Fraction(p) * _QBINOM_FUZZ * (1 << size)
    cumulative = 0
    term = 1  # C(size, 0)
    for k in range(size + 1):
        cumulative += term
        if cumulative >= threshold:
            return k
        term = term * (size - k) // (k + 1)
    return size


def longest_run_max(n_useful: int) -> int:
    """Longest run allowed in random variation: round(log2(n)) + 3 (Schilling 2012)."""
    if n_useful < 1:
        raise ValueError(f"n_useful must be at least 1, not {n_useful}")
    return round(math.log2(n_useful)) + 3


def n_crossings_min(n_useful: int) -> int:
    """Fewest crossings expected in random variation: qbinom(0.05, n - 1, 0.5) (Chen 2010)."""
    if n_useful < 1:
        raise ValueError(f"n_useful must be at least 1, not {n_useful}")
    return binomial_quantile(CROSSINGS_PERCENTILE, n_useful - 1)


def runs_analysis(
    values: Sequence[float | None],
    centre: float | None,
    *,
    min_points_for_signal: int = DEFAULT_MIN_POINTS_FOR_SIGNAL,
) -> RunsAnalysis:
    """Anhøj runs analysis of ``values`` around ``centre``.

    Missing values and values exactly on the centre line are ignored. With fewer than
    ``min_points_for_signal`` useful values the result is flagged ``too_few_points`` and
    does not signal (0 reproduces qicharts2, which always signals).
    """
    if min_points_for_signal < 0:
        raise ValueError("min_points_for_signal must be at least 0")
    sides: list[bool] = []  # True above the centre line
    if centre is not None:
        sides = [value > centre for value in values if value is not None and value != centre]
    n_useful = len(sides)
    if not n_useful:
        return RunsAnalysis(
            n_obs=len(values),
            n_useful=0,
            longest_run=None,
            longest_run_max=None,
            n_crossings=None,
            n_crossings_min=None,
            long_run=False,
            few_crossings=False,
            too_few_points=min_points_for_signal > 0,
            signal=False,
        )
    n_crossings = sum(1 for before, after in pairwise(sides) if before != after)
    longest = current = 1
    for before, after in pairwise(sides):
        current = current + 1 if before == after else 1
        longest = max(longest, current)
    limit = longest_run_max(n_useful)
    minimum = n_crossings_min(n_useful)
    long_run = longest > limit
    few_crossings = n_crossings < minimum
    too_few = n_useful < min_points_for_signal
    return RunsAnalysis(
        n_obs=len(values),
        n_useful=n_useful,
        longest_run=longest,
        longest_run_max=limit,
        n_crossings=n_crossings,
        n_crossings_min=minimum,
        long_run=long_run,
        few_crossings=few_crossings,
        too_few_points=too_few,
        signal=(long_run or few_crossings) and not too_few,
    )
