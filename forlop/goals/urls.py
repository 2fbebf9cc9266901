from django.urls import path

from forlop.goals import views

app_name = "goals"

urlpatterns = [
    path("patient/<int:patient_id>/", views.goals_page, name="page"),
    path("patient/<int:patient_id>/add/", views.goal_add, name="goal-add"),
    path("patient/<int:patient_id>/score/", views.scoring_record, name="scoring-record"),
    path("patient/<int:patient_id>/print/", views.goals_print, name="print"),
    path("patient/<int:patient_id>/goal/<int:goal_id>/", views.goal_edit, name="goal-edit"),
    path(
        "patient/<int:patient_id>/proposal/<int:proposal_id>/seen/",
        views.proposal_seen,
        name="proposal-seen",
    ),
    path(
        "patient/<int:patient_id>/proposal/<int:proposal_id>/accept/",
        views.proposal_accept,
        name="proposal-accept",
    ),
]
