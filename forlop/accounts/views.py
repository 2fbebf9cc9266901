"""Login pages: the password login (with its second factor), TOTP enrolment and verification,
and the OpenID Connect round trip to HelseID or ID-porten."""

from __future__ import annotations

import base64
import logging

import requests
import segno
from authlib.integrations.base_client.errors import OAuthError
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from forlop.accounts import oidc, services
from forlop.accounts.forms import TokenForm
from forlop.accounts.middleware import LOGIN_METHOD, second_factor_required
from forlop.accounts.models import Provider
from forlop.core.http import AuthedHttpRequest

log = logging.getLogger("forlop.auth")
NEXT = "forlop_login_next"


class PasswordLoginView(auth_views.LoginView):
    """Username and password, then (SecondFactorMiddleware) a TOTP code unless turned off."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["national_logins"] = oidc.enabled_providers()
        context["password_login"] = settings.FORLOP_PASSWORD_LOGIN
        return context

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not settings.FORLOP_PASSWORD_LOGIN:
            raise PermissionDenied(_("Log in with HelseID or ID-porten."))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: object) -> HttpResponse:
        response = super().form_valid(form)  # type: ignore[arg-type]
        self.request.session[LOGIN_METHOD] = "password"
        return response


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


@login_not_required
@require_GET
def oidc_login(request: HttpRequest, provider: str) -> HttpResponse:
    config = oidc.provider_config(provider)
    if config is None:
        raise Http404
    request.session[NEXT] = _safe_next(request, request.GET.get("next"))
    redirect_uri = request.build_absolute_uri(reverse("accounts:oidc-callback", args=[provider]))
    extra = {"ui_locales": "nb"}
    if config.acr_values:
        extra["acr_values"] = config.acr_values
    try:
        response: HttpResponse = oidc.oauth_client(config).authorize_redirect(
            request, redirect_uri, **extra
        )
        return response
    except requests.RequestException:
        log.warning("%s is unreachable (discovery)", provider)
        return _login_failed(
            request, _("The login service cannot be reached. Try again soon."), 503
        )


@login_not_required
@require_GET
def oidc_callback(request: HttpRequest, provider: str) -> HttpResponse:
    config = oidc.provider_config(provider)
    if config is None:
        raise Http404
    client = oidc.oauth_client(config)
    try:
        token = client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if config.pid_claim not in claims:
            claims.update(client.userinfo(token=token))
    except OAuthError as exc:
        # A tampered or replayed state, a refused login, a bad token: nobody is logged in.
        log.warning("%s login refused: %s", provider, exc.error)
        return _login_failed(request, _("The login did not succeed. Try again."), 400)
    except requests.RequestException:
        log.warning("%s is unreachable (token)", provider)
        return _login_failed(
            request, _("The login service cannot be reached. Try again soon."), 503
        )
    try:
        user = services.user_for_claims(config=config, claims=claims)
    except PermissionDenied as exc:
        log.info("%s login of an unknown person refused", provider)
        return _login_failed(request, str(exc), 403)
    next_url = request.session.pop(NEXT, "")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[LOGIN_METHOD] = provider
    log.info("user %s logged in with %s", user.pk, provider)
    if next_url:
        return HttpResponseRedirect(next_url)
    return redirect("portal:home" if provider == Provider.IDPORTEN else "home")


def _login_failed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "accounts/login_failed.html", {"message": message}, status=status)


def _totp_device(user: object, *, confirmed: bool) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("pk").first()


@require_http_methods(["GET", "POST"])
def totp_enrol(request: AuthedHttpRequest) -> HttpResponse:
    """First password login: set up an authenticator app (scan the code, type one code)."""
    if _totp_device(request.user, confirmed=True) is not None:
        return redirect("accounts:totp-verify")
    device = _totp_device(request.user, confirmed=False) or TOTPDevice.objects.create(
        user=request.user, name="Forløp", confirmed=False
    )
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            log.info("user %s enrolled a TOTP device", request.user.pk)
            messages.success(request, _("Two-step login is set up."))
            return redirect(_safe_next(request, request.GET.get("next")) or "home")
        form.add_error("token", _("The code is wrong or too old. Type the code shown now."))
    secret = base64.b32encode(device.bin_key).decode()
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")
    context = {
        "form": form,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "qr": qr,
    }
    return render(request, "accounts/totp_enrol.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def totp_verify(request: AuthedHttpRequest) -> HttpResponse:
    """Every later password login: the code from the authenticator app."""
    device = _totp_device(request.user, confirmed=True)
    if device is None:
        return redirect("accounts:totp-enrol")
    if not second_factor_required(request):
        return redirect("home")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request, request.GET.get("next")) or "home")
        log.warning("user %s typed a wrong TOTP code", request.user.pk)
        form.add_error("token", _("The code is wrong or too old. Type the code shown now."))
    return render(
        request, "accounts/totp_verify.html", {"form": form}, status=400 if form.errors else 200
    )
