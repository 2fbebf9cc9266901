"""Reads of pathway data: the engine's public read API, one module per concern.

``access`` (one pathway or stop point, through the access function that audits), ``checklists``,
``worklist`` (the list, the badge and the print view share one scope), ``adherence``, ``chain``
and ``reports`` (care plan, GP summary, admission report). Lists are scoped in the database
with ``Patient.objects.visible_to`` and issue a constant number of queries. Statuses are derived
from stored times with the pure rules, never stored.
"""

from forlop.pathways.selectors.access import (
    checklist_read_audit,
    open_stop_points_for_patient,
    pathway_get_for_user,
    pathways_for_patient,
    stop_point_for_patient,
    stop_point_get_for_user,
)
from forlop.pathways.selectors.adherence import STATUSES as ADHERENCE_STATUSES
from forlop.pathways.selectors.adherence import (
    AdherenceBy,
    AdherenceRow,
    ChainCompleteness,
    TrendPoint,
    adherence,
    adherence_stop_points,
    adherence_stop_points_page,
    adherence_trend,
    three_of_four,
)
from forlop.pathways.selectors.board import (
    UnitBoard,
    board_unit_get_for_user,
    board_units,
    unit_board,
)
from forlop.pathways.selectors.chain import ChainLane, ChainStopPoint, ChainView, pathway_chain
from forlop.pathways.selectors.checklists import ChecklistRow, checklist_rows
from forlop.pathways.selectors.reports import (
    AdmissionReport,
    CarePlanEntry,
    FunctionScores,
    GpSummary,
    OpenStopPoint,
    ReportAnswer,
    admission_report,
    care_plan,
    care_plan_medication_first,
    events_for_patient,
    function_score_change,
    gp_summary,
    open_stop_points,
    recent_events,
)
from forlop.pathways.selectors.responsibility import (
    OWNER_PREFETCH,
    OWNER_SELECT,
    PartOwner,
    stop_point_owners,
    stop_point_responsible,
)
from forlop.pathways.selectors.timeline import (
    TimeChange,
    TimelineEntry,
    TimelineView,
    pathway_timeline,
    user_roles,
)
from forlop.pathways.selectors.ward import WardPatient, ward_patients, wards_for_user
from forlop.pathways.selectors.worklist import (
    ScheduleEntry,
    WorkItem,
    WorkList,
    awaiting_discharge,
    patient_initials,
    schedule,
    schedule_entry,
    worklist,
    worklist_counts,
    worklist_for_unit,
    worklist_scope,
)

__all__ = [
    "ADHERENCE_STATUSES",
    "OWNER_PREFETCH",
    "OWNER_SELECT",
    "AdherenceBy",
    "AdherenceRow",
    "AdmissionReport",
    "CarePlanEntry",
    "ChainCompleteness",
    "ChainLane",
    "ChainStopPoint",
    "ChainView",
    "ChecklistRow",
    "FunctionScores",
    "GpSummary",
    "OpenStopPoint",
    "PartOwner",
    "ReportAnswer",
    "ScheduleEntry",
    "TimeChange",
    "TimelineEntry",
    "TimelineView",
    "TrendPoint",
    "UnitBoard",
    "WardPatient",
    "WorkItem",
    "WorkList",
    "adherence",
    "adherence_stop_points",
    "adherence_stop_points_page",
    "adherence_trend",
    "admission_report",
    "awaiting_discharge",
    "board_unit_get_for_user",
    "board_units",
    "care_plan",
    "care_plan_medication_first",
    "checklist_read_audit",
    "checklist_rows",
    "events_for_patient",
    "function_score_change",
    "gp_summary",
    "open_stop_points",
    "open_stop_points_for_patient",
    "pathway_chain",
    "pathway_get_for_user",
    "pathway_timeline",
    "pathways_for_patient",
    "patient_initials",
    "recent_events",
    "schedule",
    "schedule_entry",
    "stop_point_for_patient",
    "stop_point_get_for_user",
    "stop_point_owners",
    "stop_point_responsible",
    "three_of_four",
    "unit_board",
    "user_roles",
    "ward_patients",
    "wards_for_user",
    "worklist",
    "worklist_counts",
    "worklist_for_unit",
    "worklist_scope",
]
