from django.urls import path

from forlop.pathways.views import checklists, events, leaders, pathways, reports, ward, worklist

app_name = "pathways"

urlpatterns = [
    path("worklist/", worklist.worklist, name="worklist"),
    path("worklist/print/", worklist.worklist_print, name="worklist-print"),
    path("leaders/", leaders.leader_view, name="leader"),
    path("leaders/stop-points/", leaders.leader_stop_points, name="leader-stop-points"),
    path("ward/", ward.ward_view, name="ward"),
    path("patients/<int:patient_id>/", pathways.patient_pathways, name="patient-pathways"),
    path("patients/<int:patient_id>/start/", pathways.pathway_start, name="pathway-start"),
    path("patients/<int:patient_id>/events/new/", events.event_record, name="event-record"),
    path("events/<int:pk>/correct/", events.event_correct, name="event-correct"),
    path("<int:pk>/", pathways.pathway_detail, name="pathway-detail"),
    path("<int:pk>/times/", pathways.pathway_times, name="pathway-times"),
    path("<int:pk>/times/<slug:action>/", pathways.pathway_time_action, name="pathway-time"),
    path("<int:pk>/gp-summary/", reports.gp_summary, name="gp-summary"),
    path("<int:pk>/admission-report/", reports.admission_report, name="admission-report"),
    path("stop-points/<int:pk>/", checklists.stop_point_detail, name="stop-point-detail"),
    path(
        "stop-points/<int:pk>/items/<int:item_id>/",
        checklists.checklist_answer,
        name="checklist-answer",
    ),
    path(
        "stop-points/<int:pk>/complete/",
        checklists.stop_point_complete,
        name="stop-point-complete",
    ),
    path(
        "stop-points/<int:pk>/parts/<slug:role>/complete/",
        checklists.stop_point_part_complete,
        name="stop-point-part-complete",
    ),
    path("stop-points/<int:pk>/reopen/", checklists.stop_point_reopen, name="stop-point-reopen"),
    path(
        "stop-points/<int:pk>/not-relevant/",
        checklists.stop_point_not_relevant,
        name="stop-point-not-relevant",
    ),
    path("stop-points/<int:pk>/assign/", checklists.stop_point_assign, name="stop-point-assign"),
]
