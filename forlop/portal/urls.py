"""The patient's own pages, mounted at /my/."""

from django.urls import path

from forlop.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("print/", views.portal_print, name="print"),
    path("record/", views.portal_record, name="record"),
    path("record/journal.json", views.portal_record_json, name="record-json"),
    path("record/journal.pdf", views.portal_record_pdf, name="record-pdf"),
]
