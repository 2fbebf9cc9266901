from django.urls import path

from forlop.interop.pages import views

app_name = "template-exchange"

# Mounted under /pathway-templates/ next to authoring's pages (config/urls.py).
urlpatterns = [
    path("import/", views.template_import, name="import"),
    path("<int:pk>/export/", views.template_export, name="export"),
]
