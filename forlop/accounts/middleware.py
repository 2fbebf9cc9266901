"""The second factor after a password login (django-otp TOTP).

A user who logged in with a password must type a TOTP code before any other page (first time:
set up the authenticator app). A login through HelseID or ID-porten already has a second
factor and is not asked again. FORLOP_PASSWORD_SECOND_FACTOR = "off" turns this off, which
config/settings.py allows only with DEBUG (the local demo, `make run`).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

LOGIN_METHOD = "forlop_login_method"
EXEMPT_PREFIXES = ("/login/", "/logout/", "/i18n/", "/static/")


def second_factor_required(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if settings.FORLOP_PASSWORD_SECOND_FACTOR == "off":  # noqa: S105 - a mode
        return False
    if request.session.get(LOGIN_METHOD, "password") != "password":
        return False  # HelseID or ID-porten: a second factor already
    return not user.is_verified()


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if second_factor_required(request) and not request.path.startswith(EXEMPT_PREFIXES):
            target = reverse("accounts:totp-verify")
            return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
