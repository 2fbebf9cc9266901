from django.urls import path

from forlop.core import views

app_name = "core"

urlpatterns = [
    path("members/", views.members, name="members"),
]
