"""The patient's own pages, mounted at /my/."""

from django.urls import path

from forlop.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("print/", views.portal_print, name="print"),
]
