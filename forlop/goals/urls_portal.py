"""The patient's own pages, mounted at /my/."""

from django.urls import path

from forlop.goals import portal_views

app_name = "portal"

urlpatterns = [
    path("", portal_views.portal_home, name="home"),
    path("print/", portal_views.portal_print, name="print"),
]
