"""Writes of pathway data: the engine's public write API, one module per concern.

``start`` (pathways), ``timeline`` (the pathway's own times, one service per action),
``events`` (one handler per event kind),
``checklists`` (answers and signing) and ``stop_points`` (reopen, not relevant, assign). Each
service checks the actor's service need for the patient, owns its transaction, plans with the
pure rules and writes its audit row inside that transaction, so nothing is half-saved. Bad input
raises ``ValidationError`` with a translated message and a typed code (``error_codes``).
"""

from forlop.pathways.error_codes import ChecklistConflict, RequiredItemsMissing
from forlop.pathways.services.checklists import (
    answer_clean,
    checklist_answer_save,
    stop_point_complete,
    stop_point_part_complete,
)
from forlop.pathways.services.events import event_record
from forlop.pathways.services.start import (
    END_REASON_READMITTED,
    PreviewRow,
    pathway_anchors_set,
    pathway_preview,
    pathway_start,
)
from forlop.pathways.services.stop_points import (
    MIN_REOPEN_REASON,
    stop_point_assign,
    stop_point_mark_not_relevant,
    stop_point_reopen,
)
from forlop.pathways.services.timeline import (
    DeadlineMove,
    TimesChanged,
    pathway_arrival_home_register,
    pathway_discharge_register,
    pathway_planned_discharge_move,
    pathway_ready_for_discharge_register,
    pathway_short_stay_register,
    pathway_time_correct,
)

__all__ = [
    "END_REASON_READMITTED",
    "MIN_REOPEN_REASON",
    "ChecklistConflict",
    "DeadlineMove",
    "PreviewRow",
    "RequiredItemsMissing",
    "TimesChanged",
    "answer_clean",
    "checklist_answer_save",
    "event_record",
    "pathway_anchors_set",
    "pathway_arrival_home_register",
    "pathway_discharge_register",
    "pathway_planned_discharge_move",
    "pathway_preview",
    "pathway_ready_for_discharge_register",
    "pathway_short_stay_register",
    "pathway_start",
    "pathway_time_correct",
    "stop_point_assign",
    "stop_point_complete",
    "stop_point_mark_not_relevant",
    "stop_point_part_complete",
    "stop_point_reopen",
]
