"""Core pages: home, password change, CSRF failure and error pages."""

from __future__ import annotations

import sys

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from forlop.core import selectors, services
from forlop.core.forms import MembershipAddForm
from forlop.core.http import AuthedHttpRequest
from forlop.core.selectors import landing_url_name
from forlop.core.validation import int_param


@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    """The front page: each role's work (``selectors.landing_url_name``)."""
    return redirect(landing_url_name(user=request.user))


@require_http_methods(["GET", "POST"])
def password_change(request: AuthedHttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("home")
    return render(
        request, "core/password_change.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def members(request: AuthedHttpRequest) -> HttpResponse:
    """An administrator's page: who works in the units of their organisation, in which role."""
    if not selectors.administered_organisation_ids(user=request.user):
        raise PermissionDenied
    units = selectors.units_administered_by(user=request.user)
    form = MembershipAddForm(request.POST if "add" in request.POST else None, units=units)
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if "add" in request.POST and form.is_valid():
                services.membership_add(
                    actor=request.user,
                    user=form.cleaned_data["username"],
                    unit=form.cleaned_data["unit"],
                    role=form.cleaned_data["role"],
                )
                messages.success(request, _("The role has been given."))
                return redirect("core:members")
            if "end" in request.POST:
                raw = request.POST.get("membership", "").strip()
                membership = get_object_or_404(
                    selectors.memberships_administered_by(user=request.user).filter(active=True),
                    pk=int_param(raw),
                )
                services.membership_end(actor=request.user, membership=membership)
                messages.success(request, _("The role has been ended."))
                return redirect("core:members")
        except ValidationError as exc:
            form.add_error(None, exc)
    context = {
        "form": form,
        "memberships": selectors.memberships_administered_by(user=request.user).filter(active=True),
    }
    return render(request, "core/members.html", context, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    # The reason is for developers; the user gets a plain message in their language.
    return render(request, "403_csrf.html", status=403)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request context: nothing from the failing request reaches the page,
    and no context processor (they query the database) can fail a second time.

    A database that cannot be reached (restarting, a network fault) is a 503 with its own page:
    nothing was saved, and trying again in a moment will work.
    """
    exc = sys.exc_info()[1]
    if isinstance(exc, OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
