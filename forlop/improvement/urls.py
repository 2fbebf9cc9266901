from django.urls import path

from forlop.improvement.views import board, evaluation, gatherings, method, network, reports, team

app_name = "improvement"

urlpatterns = [
    path("", network.improvement_index, name="index"),
    path("calendar/", gatherings.calendar, name="calendar"),
    path("events/new/", gatherings.national_event_create, name="event-create"),
    path("events/plan/", gatherings.national_events_plan, name="events-plan"),
    # The coordinator's network pages
    path("networks/<slug:code>/", network.network_detail, name="network"),
    path("networks/<slug:code>/edit/", network.network_edit, name="network-edit"),
    path("networks/<slug:code>/progress/", method.network_progress, name="network-progress"),
    path("networks/<slug:code>/plan/", network.network_plan, name="network-plan"),
    path(
        "networks/<slug:code>/gatherings/new/", gatherings.gathering_create, name="gathering-create"
    ),
    path("networks/<slug:code>/teams/new/", network.team_create, name="team-create"),
    path("networks/<slug:code>/guidance/new/", network.guidance_create, name="guidance-create"),
    path("gatherings/<int:pk>/", gatherings.gathering_detail, name="gathering"),
    path("gatherings/<int:pk>/edit/", gatherings.gathering_edit, name="gathering-edit"),
    path("gatherings/<int:pk>/invitasjon.ics", gatherings.gathering_ics, name="gathering-ics"),
    path(
        "gatherings/<int:pk>/invitations/send/",
        gatherings.gathering_invitations_send,
        name="gathering-invite",
    ),
    path("gatherings/<int:pk>/invitations/add/", gatherings.invitee_add, name="invitee-add"),
    path(
        "gatherings/<int:pk>/posters.<str:fmt>",
        gatherings.gathering_posters,
        name="gathering-posters",
    ),
    path("gatherings/<int:pk>/materials/", gatherings.material_create, name="material-create"),
    path("gatherings/<int:pk>/evaluation/new/", evaluation.survey_create, name="survey-create"),
    path("gatherings/<int:pk>/evaluation/", evaluation.survey_answer, name="survey-answer"),
    path("materials/<int:pk>/", gatherings.material_download, name="material"),
    path("guidance/<int:pk>/", network.guidance_detail, name="guidance"),
    path("guidance/<int:pk>/invitations/send/", network.guidance_invite, name="guidance-invite"),
    path(
        "guidance/<int:pk>/notes/<int:invitation>/", network.guidance_notes, name="guidance-notes"
    ),
    # The huddle board of a unit
    path("board/", board.board_index, name="board-index"),
    path("board/<slug:code>/", board.board, name="board"),
    path("board/<slug:code>/live/", board.board_live, name="board-live"),
    path("board/<slug:code>/settings/", board.board_settings, name="board-settings"),
    # The team's pages
    path("teams/<int:pk>/", team.team_detail, name="team"),
    path("teams/<int:pk>/tasks/<slug:code>/done/", team.task_done, name="task-done"),
    path("teams/<int:pk>/tasks/<slug:code>/undo/", team.task_undo, name="task-undo"),
    path("teams/<int:pk>/members/", team.team_members, name="team-members"),
    path("teams/<int:pk>/members/<int:member>/end/", team.team_member_end, name="member-end"),
    path("teams/<int:pk>/about/", team.team_edit, name="team-edit"),
    path("teams/<int:pk>/interviews/", team.interviews, name="interviews"),
    path("teams/<int:pk>/interviews/<int:number>/", team.interview_edit, name="interview"),
    path("teams/<int:pk>/interviews/summary/", team.interview_summary, name="interview-summary"),
    path("teams/<int:pk>/areas/", team.area_add, name="area-add"),
    path("teams/<int:pk>/areas/<int:area>/remove/", team.area_remove, name="area-remove"),
    path("teams/<int:pk>/aims/", team.aims, name="aims"),
    path("teams/<int:pk>/aims/<int:aim>/diagram/", method.aim_diagram, name="diagram"),
    path("teams/<int:pk>/aims/<int:aim>/drivers/", method.driver_add, name="driver-add"),
    path("teams/<int:pk>/aims/<int:aim>/ideas/", method.diagram_idea_add, name="diagram-idea"),
    path("teams/<int:pk>/aims/<int:aim>/status/", method.aim_status, name="aim-status"),
    path("teams/<int:pk>/drivers/<int:driver>/edit/", method.driver_edit, name="driver-edit"),
    path("teams/<int:pk>/drivers/<int:driver>/remove/", method.driver_remove, name="driver-remove"),
    path("teams/<int:pk>/measures/new/", method.manual_measure_create, name="manual-measure"),
    path("teams/<int:pk>/measures/values/", method.manual_value_add, name="manual-value"),
    path("teams/<int:pk>/ideas/", method.ideas, name="ideas"),
    path("teams/<int:pk>/ideas/<int:idea>/", method.idea_detail, name="idea"),
    path("teams/<int:pk>/ideas/<int:idea>/vote/", method.idea_vote, name="idea-vote"),
    path("teams/<int:pk>/ideas/<int:idea>/cycle/", method.idea_to_cycle, name="idea-cycle"),
    path("teams/<int:pk>/ideas/<int:idea>/spread/", method.spread_add, name="spread-add"),
    path(
        "teams/<int:pk>/ideas/<int:idea>/quality-system/",
        method.quality_system,
        name="quality-system",
    ),
    path("teams/<int:pk>/cycles/", method.cycles, name="cycles"),
    path("teams/<int:pk>/cycles/new/", method.cycle_create, name="cycle-create"),
    path("teams/<int:pk>/cycles/<int:cycle>/", method.cycle_detail, name="cycle"),
    path("teams/<int:pk>/cycles/<int:cycle>/next/", method.cycle_next, name="cycle-next"),
    path("teams/<int:pk>/progress/", method.progress, name="progress"),
    path(
        "teams/<int:pk>/progress/<int:score>/review/",
        method.progress_review,
        name="progress-review",
    ),
    path("teams/<int:pk>/plans/", method.plans, name="plans"),
    path(
        "teams/<int:pk>/plans/communication/<int:item>/done/",
        method.communication_done,
        name="communication-done",
    ),
    path(
        "teams/<int:pk>/plans/spread/<int:step>/adopted/",
        method.spread_adopted,
        name="spread-adopted",
    ),
    path(
        "teams/<int:pk>/guidance/<int:invitation>/", team.guidance_respond, name="guidance-respond"
    ),
    path("teams/<int:pk>/reports/<int:gathering>/", reports.report, name="report"),
    path(
        "teams/<int:pk>/reports/<int:gathering>/redraft/",
        reports.report_redraft,
        name="report-redraft",
    ),
    path(
        "teams/<int:pk>/reports/<int:gathering>/reopen/",
        reports.report_reopen,
        name="report-reopen",
    ),
    path(
        "teams/<int:pk>/reports/<int:gathering>/versions/<int:number>/",
        reports.report_version,
        name="report-version",
    ),
    path("teams/<int:pk>/posters/<int:gathering>/", reports.poster, name="poster"),
    path(
        "teams/<int:pk>/posters/<int:gathering>/poster.pdf", reports.poster_pdf, name="poster-pdf"
    ),
]
