from django.urls import path

from forlop.patients import views

app_name = "patients"

urlpatterns = [
    path("", views.patient_list, name="list"),
    path("new/", views.patient_create, name="create"),
    path("search/", views.patient_search, name="search"),
    path("lookup/", views.patient_lookup, name="lookup"),
    path("emergency-access/", views.emergency_access_take, name="emergency-access"),
    path("<int:pk>/", views.patient_detail, name="detail"),
    path("<int:pk>/edit/", views.patient_update, name="edit"),
    path("<int:pk>/services/", views.patient_services, name="services"),
    path("<int:pk>/access-log/", views.patient_access_log, name="access-log"),
    path("audit/", views.audit_log, name="audit-log"),
    path("audit/emergency/", views.emergency_review_list, name="emergency-review-list"),
    path("audit/emergency/<int:pk>/review/", views.emergency_review, name="emergency-review"),
]
