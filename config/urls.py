from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from forlop.accounts.views import PasswordLoginView
from forlop.core import views as core_views
from forlop.interop.json_api.urls import public_api_urls

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", PasswordLoginView.as_view(), name="login"),
    path("login/", include("forlop.accounts.urls")),  # second factor and national login
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", core_views.password_change, name="password-change"),
    path("i18n/setlang/", login_not_required(set_language), name="set-language"),
    path("patients/", include("forlop.patients.urls")),
    path("pathways/", include("forlop.pathways.urls")),
    path("goals/", include("forlop.goals.urls")),
    path("my/", include("forlop.portal.urls")),
    path("measures/", include("forlop.measures.urls")),
    path("improvement/", include("forlop.improvement.urls")),
    path("notifications/", include("forlop.notifications.urls")),
    path("pathway-templates/", include("forlop.interop.pages.urls")),  # export, import
    path("pathway-templates/", include("forlop.authoring.urls")),
    path("organisation/", include("forlop.core.urls")),
    path("fhir/r4/", include("forlop.interop.fhir.urls")),
    path("api/v1/", public_api_urls()),
    path("admin/", admin.site.urls),
]

handler400 = "forlop.interop.json_api.errors.bad_request"  # JSON on /api/, else the page
handler403 = "forlop.core.views.permission_denied"
handler404 = "forlop.core.views.page_not_found"
handler500 = "forlop.core.views.server_error"
