from django.urls import path

from forlop.authoring import views

app_name = "authoring"

urlpatterns = [
    path("", views.template_list, name="list"),
    path("<int:pk>/", views.template_detail, name="detail"),
    path("<int:pk>/copy/", views.template_copy, name="copy"),
    path("<int:pk>/versions/new/", views.version_draft_create, name="version-create"),
    path("<int:pk>/diff/", views.version_diff, name="version-diff"),
    path("<int:pk>/migrate/", views.pathways_migrate, name="pathways-migrate"),
    path("versions/<int:pk>/edit/", views.version_edit, name="version-edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version-publish"),
    path("versions/<int:pk>/stop-points/new/", views.definition_create, name="definition-create"),
    path("stop-points/<int:pk>/", views.definition_update, name="definition-update"),
    path("stop-points/<int:pk>/delete/", views.definition_delete, name="definition-delete"),
    path("stop-points/<int:pk>/items/new/", views.item_create, name="item-create"),
    path("items/<int:pk>/", views.item_update, name="item-update"),
    path("items/<int:pk>/delete/", views.item_delete, name="item-delete"),
]
