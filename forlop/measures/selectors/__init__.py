"""Reads: which scopes a user may see, the measures of a scope, and a measure's series with
its SPC chart, signals in words, annotations and closed-period differences.

Access (``scope_get_for_user``): improvement team members, unit leaders and administrators
see their organisation and its units. Scopes across organisations (a learning network's
aggregate) come from the scope sources in ``registry``, which decide who sees them. Nobody
sees a patient here: every number is an aggregate, and across organisations cells with a
denominator below ``settings.FORLOP_SUPPRESS_BELOW`` are suppressed.

Split by concern: ``scopes`` (access), ``series`` (a measure's chart), ``breakdowns``
(per stop point); every name is re-exported here.
"""

from forlop.measures.compute import (
    period_starts,
)
from forlop.measures.selectors.breakdowns import (
    DistributionRow,
    StatusRow,
    StopPointAdherence,
    main_checklist_distribution,
    on_time_by_stop_point,
    shows_distribution,
    shows_statuses,
    shows_stop_point_breakdown,
    statuses_by_stop_point,
    windows_not_over,
)
from forlop.measures.selectors.scopes import (
    EDITOR_ROLES,
    ORGANISATION_ROLES,
    measure_get_for_scope,
    measures_for_scope,
    scope_for_organisation,
    scope_for_unit,
    scope_get_by_code,
    scope_get_for_user,
    scope_organisation,
    scopes_for_user,
    user_may_edit,
)
from forlop.measures.selectors.series import (
    Series,
    SeriesPoint,
    chart_spec,
    chart_types_for,
    dashboard_series,
    default_window,
    measure_series,
    measure_series_grouped,
    measures_series_from_rollup,
    period_display,
    period_label,
    series_from_counts,
    series_points,
    signal_texts,
    snapshots_for,
)

__all__ = [
    "EDITOR_ROLES",
    "ORGANISATION_ROLES",
    "DistributionRow",
    "Series",
    "SeriesPoint",
    "StatusRow",
    "StopPointAdherence",
    "chart_spec",
    "chart_types_for",
    "dashboard_series",
    "default_window",
    "main_checklist_distribution",
    "measure_get_for_scope",
    "measure_series",
    "measure_series_grouped",
    "measures_for_scope",
    "measures_series_from_rollup",
    "on_time_by_stop_point",
    "period_display",
    "period_label",
    "period_starts",
    "scope_for_organisation",
    "scope_for_unit",
    "scope_get_by_code",
    "scope_get_for_user",
    "scope_organisation",
    "scopes_for_user",
    "series_from_counts",
    "series_points",
    "shows_distribution",
    "shows_statuses",
    "shows_stop_point_breakdown",
    "signal_texts",
    "snapshots_for",
    "statuses_by_stop_point",
    "user_may_edit",
    "windows_not_over",
]
