"""Every write form is submitted once (issue 11, defect 8).

Each POST form carries a hidden one-time token (``{% submit_token %}``). The first POST with a
token claims it: a row in ``SubmittedForm``, whose unique key is also the lock between two
racing requests, on SQLite and PostgreSQL alike. A second POST with the same token (a double
click, a retry after a lost answer, a resent request) reaches no view, so it changes nothing:

- if the first led somewhere (a redirect, or htmx's ``HX-Redirect``/``HX-Location``), the
  second is sent there too, with a note that it was already saved: the result of the first;
- if the first is still being handled, the second gets 409 with a clear message;
- if the first was refused as invalid (4xx), the claim is released: nothing was saved, and
  the corrected form may be sent again;
- any other answer of the first (an htmx partial) makes the second reload the page it came
  from, which shows what the first saved.

Forms without a token (API clients, old pages) are handled as before; the API writes use their
own natural keys. The rows keep no form data, only the path and where the first led, and are
pruned after ``KEEP``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

FIELD = "_submit_token"
TOKEN = re.compile(r"[0-9a-f]{32}")
KEEP = timedelta(days=1)
REDIRECT_HEADERS = ("HX-Redirect", "HX-Location")


def _claim(request: HttpRequest, token: str) -> bool:
    from forlop.core.models import SubmittedForm

    try:
        with transaction.atomic():
            SubmittedForm.objects.create(token=token, user=request.user, path=request.path[:300])
    except IntegrityError:
        return False
    return True


def _location(response: HttpResponse) -> str:
    if 300 <= response.status_code < 400 and response.has_header("Location"):
        return response["Location"]
    for header in REDIRECT_HEADERS:
        if response.has_header(header):
            value = response[header]
            # HX-Location may be JSON ({"path": ...}); the plain form is a path.
            return value if value.startswith("/") else ""
    return ""


def _same_site(request: HttpRequest, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def _duplicate(request: HttpRequest, token: str) -> HttpResponse:
    from forlop.core.models import SubmittedForm

    first = SubmittedForm.objects.filter(token=token).first()
    if first is None or first.user_id != request.user.pk or first.path != request.path[:300]:
        # Another user's or another form's token: refused, never replayed to someone else.
        return render(request, "core/submit_conflict.html", status=409)
    if first.status is None:
        return render(request, "core/submit_conflict.html", {"in_progress": True}, status=409)
    messages.info(request, _("This was already saved. It was not saved twice."))
    target = first.location
    if not _same_site(request, target):
        referer = request.headers.get("Referer", "")
        target = referer if _same_site(request, referer) else "/"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = target
        return response
    return HttpResponseRedirect(target, status=303)


def submit_once_exempt(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For a view that only reads by POST (the live search, a look-up by identity number):
    its form is sent again and again with the same token, and each time must be answered."""
    view.submit_once_exempt = True  # type: ignore[attr-defined]
    return view


class SubmitOnceMiddleware:
    """After authentication and messages: a POST with a token already used reaches no view."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., HttpResponse], *args: object
    ) -> HttpResponse | None:
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        if getattr(view_func, "submit_once_exempt", False):
            return None
        try:
            token = request.POST.get(FIELD, "")
        except Exception:
            return None
        if not TOKEN.fullmatch(token):
            return None
        if not _claim(request, token):
            return _duplicate(request, token)
        request._submit_token = token  # type: ignore[attr-defined]
        return None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        token = getattr(request, "_submit_token", None)
        if token is None:
            return response
        from forlop.core.models import SubmittedForm

        claimed = SubmittedForm.objects.filter(token=token)
        if response.status_code >= 400:
            # Refused or failed: nothing was saved, so the same form may be sent again.
            claimed.delete()
        else:
            claimed.update(status=response.status_code, location=_location(response)[:500])
        return response


def submitted_forms_prune(*, now: timezone.datetime | None = None) -> int:
    """Remove claims older than ``KEEP``; returns how many."""
    from forlop.core.models import SubmittedForm

    cutoff = (now or timezone.now()) - KEEP
    deleted, _detail = SubmittedForm.objects.filter(created_at__lt=cutoff).delete()
    return deleted
