"""Writes for the improvement app. Each service takes keyword arguments and an ``actor``,
checks the actor's network or team role (``access.require_*``), owns its transaction,
validates with ``full_clean()`` (a clear message in Norwegian when the input breaks a rule) and
writes an audit row where others rely on the change (deadlines, reports, team membership) or
where patient-derived text is stored (interview notes)."""

from forlop.improvement.services.charts import annotation_add
from forlop.improvement.services.evaluation import DEFAULT_QUESTIONS, survey_answer, survey_create
from forlop.improvement.services.guidance import (
    guidance_create,
    guidance_notes_save,
    guidance_respond,
)
from forlop.improvement.services.network import (
    gathering_save,
    material_add,
    network_plan_gatherings,
    network_update,
)
from forlop.improvement.services.reports import (
    poster_save,
    status_report_for,
    status_report_redraft,
    status_report_reopen,
    status_report_save,
    status_report_submit,
)
from forlop.improvement.services.team import (
    team_create,
    team_member_add,
    team_member_end,
    team_update,
)
from forlop.improvement.services.work import (
    IdentityWarningError,
    aim_create,
    improvement_area_add,
    improvement_area_remove,
    interview_save,
    interview_summary_save,
    task_mark_done,
    task_undo,
)

__all__ = [
    "DEFAULT_QUESTIONS",
    "IdentityWarningError",
    "aim_create",
    "annotation_add",
    "gathering_save",
    "guidance_create",
    "guidance_notes_save",
    "guidance_respond",
    "improvement_area_add",
    "improvement_area_remove",
    "interview_save",
    "interview_summary_save",
    "material_add",
    "network_plan_gatherings",
    "network_update",
    "poster_save",
    "status_report_for",
    "status_report_redraft",
    "status_report_reopen",
    "status_report_save",
    "status_report_submit",
    "survey_answer",
    "survey_create",
    "task_mark_done",
    "task_undo",
    "team_create",
    "team_member_add",
    "team_member_end",
    "team_update",
]
