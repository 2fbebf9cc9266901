"""/fhir/r4/: the FHIR R4 endpoint (see docs/interop.md)."""

from django.urls import path, re_path

from forlop.interop.fhir import views

app_name = "fhir"

urlpatterns = [
    path("", views.transaction, name="base"),
    path("metadata", views.metadata, name="metadata"),
    path(".well-known/smart-configuration", views.smart_configuration, name="smart-configuration"),
    path("auth/token", views.token, name="token"),
    path("$export", views.export_kickoff, name="export"),
    path("bulk/<int:job_id>", views.export_status, name="bulk-status"),
    path("bulk/<int:job_id>/<str:name>", views.export_file, name="bulk-file"),
    path("Patient/<str:logical_id>/$everything", views.patient_everything, name="everything"),
    path(
        "CarePlan/<str:logical_id>/$admission-report",
        views.admission_report,
        name="admission-report",
    ),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)/_search$", views.search_post, name="search"),
    re_path(r"^(?P<resource_type>[A-Z][A-Za-z]+)$", views.type_endpoint, name="type"),
    re_path(
        r"^(?P<resource_type>[A-Z][A-Za-z]+)/(?P<logical_id>[A-Za-z0-9\-.]{1,64})$",
        views.instance_endpoint,
        name="instance",
    ),
    re_path(r"^(?P<rest>.*)$", views.not_supported, name="not-supported"),
]
