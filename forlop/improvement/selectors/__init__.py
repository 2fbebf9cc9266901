"""Reads for the improvement app: networks and teams a user may open, the derived deadlines
(tasks, status reports), the coordinator's overview and the measure scopes.

No selector returns patient data: the coordinator's pages read aggregates, summaries and the
team's own texts, never the raw interview notes. ``scopes``: measure scopes and chart notes;
``reach``: what a user may open; ``deadlines``: gatherings, tasks, reports, the calendar;
``cycles``: the model for improvement.
"""

from forlop.improvement.selectors.cycles import (
    AdoptedChange,
    Diagram,
    DiagramDriver,
    adopted_changes,
    aim_get_for_team,
    board_ideas,
    chart_notes_with_cycles,
    cycle_get_for_team,
    cycle_notes,
    cycle_stage,
    driver_diagram,
    idea_get_for_team,
    progress_history,
    team_cycles,
    team_ideas,
)
from forlop.improvement.selectors.deadlines import (
    ReportRow,
    TaskRow,
    TeamDeadlines,
    calendar_for_user,
    gathering_dates,
    network_calendar,
    network_gatherings,
    network_overview,
    reports_for_gathering,
    team_deadlines,
    team_guidance,
)
from forlop.improvement.selectors.reach import (
    gathering_get_for_user,
    may_change_gathering,
    national_event_networks,
    network_get_for_coordinator,
    team_get_for_user,
    teams_for_member,
)
from forlop.improvement.selectors.scopes import (
    annotations_for,
    chart_notes,
    networks_coordinated_by,
    scope_for_network,
    team_measures,
    team_scope,
)

__all__ = [
    "AdoptedChange",
    "Diagram",
    "DiagramDriver",
    "ReportRow",
    "TaskRow",
    "TeamDeadlines",
    "adopted_changes",
    "aim_get_for_team",
    "annotations_for",
    "board_ideas",
    "calendar_for_user",
    "chart_notes",
    "chart_notes_with_cycles",
    "cycle_get_for_team",
    "cycle_notes",
    "cycle_stage",
    "driver_diagram",
    "gathering_dates",
    "gathering_get_for_user",
    "idea_get_for_team",
    "may_change_gathering",
    "national_event_networks",
    "network_calendar",
    "network_gatherings",
    "network_get_for_coordinator",
    "network_overview",
    "networks_coordinated_by",
    "progress_history",
    "reports_for_gathering",
    "scope_for_network",
    "team_cycles",
    "team_deadlines",
    "team_get_for_user",
    "team_guidance",
    "team_ideas",
    "team_measures",
    "team_scope",
    "teams_for_member",
]
