"""The boundary around the patient portal (/my/).

A portal user (a `PortalAccount`: the patient, or authorised next of kin) has no staff
membership and must reach nothing but their own pages. Two layers:

- `portal_account_required` on every portal view: the signed-in user's own account, else 404.
  The patient always comes from the account, never from the URL.
- `PortalBoundaryMiddleware` (add to MIDDLEWARE after AuthenticationMiddleware): a portal user
  asking for anything outside the portal, sign-in and static files gets a 404 (the home page
  redirects to the portal), so a forgotten check in a staff view cannot leak a page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate, ParamSpec

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from forlop.portal.models import PortalAccount
from forlop.portal.selectors import portal_account_for_user

P = ParamSpec("P")

# Paths a portal user may reach besides the portal itself.
ALLOWED_PREFIXES = ("/login/", "/logout/", "/i18n/", "/static/", "/password/")


def portal_account_required(
    view: Callable[Concatenate[HttpRequest, PortalAccount, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Pass the signed-in user's own PortalAccount to the view; 404 for everyone else."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        account = portal_account_for_user(user=request.user)  # type: ignore[arg-type]
        if account is None or request.user.memberships.exists():  # type: ignore[union-attr]
            raise Http404
        return view(request, account, *args, **kwargs)

    return wrapper


class PortalBoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated and self._is_portal_user(request, user):
            portal_root = reverse("portal:home")
            path = request.path
            if path == "/":
                return redirect(portal_root)
            if not (path.startswith(portal_root) or path.startswith(ALLOWED_PREFIXES)):
                raise Http404
        return self.get_response(request)

    SESSION_KEY = "forlop_portal_user"

    def _is_portal_user(self, request: HttpRequest, user: Any) -> bool:
        """Looked up once per session (login makes a new session), not on every request."""
        cached = request.session.get(self.SESSION_KEY)
        if cached is None:
            cached = PortalAccount.objects.filter(user=user).exists()
            request.session[self.SESSION_KEY] = cached
        return bool(cached)
