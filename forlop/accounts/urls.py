from django.urls import path

from forlop.accounts import views

app_name = "accounts"

# Mounted under /login/ (config/urls.py), which the portal boundary lets every user reach.
urlpatterns = [
    path("totp/", views.totp_verify, name="totp-verify"),
    path("totp/enrol/", views.totp_enrol, name="totp-enrol"),
    path("oidc/<slug:provider>/", views.oidc_login, name="oidc-login"),
    path("oidc/<slug:provider>/callback/", views.oidc_callback, name="oidc-callback"),
]
