"""Measures computed in the database: one aggregate query per measure and scope.

Every computation returns, per period, a numerator and a denominator from a single
``GROUP BY period`` query (``TruncMonth``/``TruncWeek`` in Europe/Oslo and
``Count(filter=Q(...))``), never a loop over patients, so it costs the same whatever the
number of patients and gives the same numbers on SQLite and PostgreSQL.

**As of**: every query takes ``as_of``. Rows registered after it (``created_at``) are left out
and stop points completed, marked not relevant or interrupted after it count as not yet so. A
past period computed "as of" the time it was closed therefore gives the numbers it had then.

Split by concern: ``base`` (the scope and count values, periods), ``plans`` (what each
computation counts, ``PLANS``), ``queries`` (the aggregate queries), ``grouped`` (many scopes in one grouped
pass); every name is re-exported
here.
"""

from forlop.core.tz import OSLO  # re-exported: the measures command imports it from here
from forlop.measures.compute.base import (
    PeriodCount,
    Scope,
    local_midnight,
    pathway_scope_q,
    period_floor,
    period_next,
    period_starts,
)
from forlop.measures.compute.grouped import (
    compute_counts_grouped,
    counts_by_pathway_field,
    groupable,
)
from forlop.measures.compute.outcomes import (
    compute_windows_not_over,
    days_at_home_pathways,
    iplos_change_pathways,
    window_days,
)
from forlop.measures.compute.plans import (
    MAIN_CHECKLISTS_AT_LEAST,
    PLANS,
    compute_main_checklist_distribution,
    main_checklist_pathways,
)
from forlop.measures.compute.queries import (
    StatusCounts,
    compute_counts,
    compute_on_time_by_stop_point,
    compute_on_time_by_stop_point_and_period,
    compute_statuses_by_stop_point,
)

__all__ = [
    "MAIN_CHECKLISTS_AT_LEAST",
    "OSLO",
    "PLANS",
    "PeriodCount",
    "Scope",
    "StatusCounts",
    "compute_counts",
    "compute_counts_grouped",
    "compute_main_checklist_distribution",
    "compute_on_time_by_stop_point",
    "compute_on_time_by_stop_point_and_period",
    "compute_statuses_by_stop_point",
    "compute_windows_not_over",
    "counts_by_pathway_field",
    "days_at_home_pathways",
    "groupable",
    "iplos_change_pathways",
    "local_midnight",
    "main_checklist_pathways",
    "pathway_scope_q",
    "period_floor",
    "period_next",
    "period_starts",
    "window_days",
]
