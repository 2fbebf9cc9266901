from django.urls import path

from forlop.pathways import views

app_name = "pathways"

urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("worklist/print/", views.worklist_print, name="worklist-print"),
    path("leaders/", views.leader_view, name="leader"),
    path("patients/<int:patient_id>/", views.patient_pathways, name="patient-pathways"),
    path("patients/<int:patient_id>/start/", views.pathway_start, name="pathway-start"),
    path("patients/<int:patient_id>/events/new/", views.event_record, name="event-record"),
    path("<int:pk>/", views.pathway_detail, name="pathway-detail"),
    path("<int:pk>/gp-summary/", views.gp_summary, name="gp-summary"),
    path("<int:pk>/admission-report/", views.admission_report, name="admission-report"),
    path("stop-points/<int:pk>/", views.stop_point_detail, name="stop-point-detail"),
    path(
        "stop-points/<int:pk>/items/<int:item_id>/",
        views.checklist_answer,
        name="checklist-answer",
    ),
    path("stop-points/<int:pk>/complete/", views.stop_point_complete, name="stop-point-complete"),
    path("stop-points/<int:pk>/reopen/", views.stop_point_reopen, name="stop-point-reopen"),
    path(
        "stop-points/<int:pk>/not-relevant/",
        views.stop_point_not_relevant,
        name="stop-point-not-relevant",
    ),
    path("stop-points/<int:pk>/assign/", views.stop_point_assign, name="stop-point-assign"),
]
