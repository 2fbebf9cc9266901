"""Statistical process control (SPC): run charts and Shewhart control charts.

Plain Python (no Django, no clock): the numbers reproduce qicharts2 0.8.1 (R, Jacob Anhøj),
the reference implementation used in Nordic quality improvement. The project's reference
results live in ``forlop/measures/tests/data/spc_reference`` and are checked by the tests.

Charts: ``run`` (median), ``i`` (individuals, xmR), ``mr`` (moving range), ``p``
(proportions), ``c`` (counts) and ``u`` (rates).

Semantics, as in qicharts2:

* Subgroups are numbered from 1 (``x``). With a denominator ``n`` the plotted value is
  ``y / n`` (run, i and mr charts; p and u charts always have a denominator).
* **Parts**: ``part_ends_at`` lists the last subgroup of every part but the last; each part
  has its own centre line, limits and runs analysis.
* **Frozen baseline**: ``freeze=K`` computes the centre line and limits of every part from
  its first K subgroups only and extends them over the rest of the part. (qicharts2 itself
  ignores ``freeze`` when parts are given; with one part the two agree.)
* **Excluded subgroups** (``exclude``, 1-based) are left out of the centre line, the limits
  and the runs analysis, but are still plotted and may still fall outside the limits.
* **Runs analysis** (Anhøj rules) compares each included value with the centre line; points
  exactly on the centre line and missing values are not *useful* and are ignored. The part
  has a runs signal when the longest run is longer than ``round(log2(n_useful)) + 3`` or
  the number of crossings is below the 5th percentile of Binomial(n_useful - 1, 0.5)
  (qicharts2's ``qbinom(0.05, n - 1, 0.5)``). It is computed for control charts too; the
  mr chart reports the numbers but never signals (as qicharts2).
* **Too few points**: the product does not signal from a runs analysis with fewer than
  ``min_points_for_signal`` (default 12) useful points; the part then carries
  ``too_few_points=True`` instead. qicharts2 has no such rule: pass 0 to reproduce it.
* **Limits**: i chart sigma = average moving range / 1.128, by default after screening
  out moving ranges of 3.267 × their average or more and averaging the rest again (Nelson
  1982; Provost p. 156). That is what a qicharts2 user sees: ``library(qicharts2)`` sets
  its option ``qic.screenedmr``, and the reference results are computed with it.
  ``screen_moving_ranges=False`` uses every moving range, as ``qicharts2::qic()`` called
  without ``library()`` does (``forlop spc --no-mr-screening``). mr chart UCL = 3.267 ×
  average moving range and LCL = 0; p chart limits clipped to [0, 1]; c and u chart LCL
  clipped at 0.
* **Multiply** scales the plotted value, centre line and limits (a u chart per 10,000 days,
  say) after everything else is computed; the sigma signal compares the scaled numbers.
* A sigma signal is a value above the UCL or below the LCL.
"""

from forlop.measures.spc.anhoej import (
    DEFAULT_MIN_POINTS_FOR_SIGNAL,
    RunsAnalysis,
    binomial_quantile,
    longest_run_max,
    n_crossings_min,
    runs_analysis,
)
from forlop.measures.spc.charts import (
    CHART_TYPES,
    CHARTS_NEEDING_N,
    CHARTS_WITHOUT_N,
    ChartResult,
    ChartSpec,
    ChartType,
    Part,
    Point,
    compute_chart,
)
from forlop.measures.spc.shortcuts import c_chart, i_chart, mr_chart, p_chart, run_chart, u_chart

__all__ = [
    "CHARTS_NEEDING_N",
    "CHARTS_WITHOUT_N",
    "CHART_TYPES",
    "DEFAULT_MIN_POINTS_FOR_SIGNAL",
    "ChartResult",
    "ChartSpec",
    "ChartType",
    "Part",
    "Point",
    "RunsAnalysis",
    "binomial_quantile",
    "c_chart",
    "compute_chart",
    "i_chart",
    "longest_run_max",
    "mr_chart",
    "n_crossings_min",
    "p_chart",
    "run_chart",
    "runs_analysis",
    "u_chart",
]
