from django.urls import path

from forlop.measures import views

app_name = "measures"

urlpatterns = [
    path("", views.measure_index, name="index"),
    path("<str:level>/<slug:code>/", views.dashboard, name="dashboard"),
    path(
        "<str:level>/<slug:code>/export.<str:fmt>", views.dashboard_export, name="dashboard-export"
    ),
    path("<str:level>/<slug:code>/<slug:measure>/", views.measure_chart, name="chart"),
    path(
        "<str:level>/<slug:code>/<slug:measure>/annotate/",
        views.annotation_create,
        name="annotate",
    ),
    path("<str:level>/<slug:code>/<slug:measure>/close/", views.period_close_view, name="close"),
    path("<str:level>/<slug:code>/<slug:measure>/import/", views.values_import, name="import"),
    path(
        "<str:level>/<slug:code>/<slug:measure>/export.<str:fmt>",
        views.measure_export,
        name="export",
    ),
]
