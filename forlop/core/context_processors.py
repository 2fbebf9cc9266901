"""Navigation context: what the signed-in user may see in the menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from forlop.core.models import Role


def request_roles(request: HttpRequest) -> frozenset[str]:
    """The signed-in user's active roles, read once per request: the menu needs them on every
    page, and a page that needs them too (the work list) asks here instead of querying again.
    Kept on the request and keyed by the user, so never another user's."""
    user = request.user
    cached: tuple[int, frozenset[str]] | None = getattr(request, "_forlop_roles", None)
    if cached is None or cached[0] != user.pk:
        roles = frozenset(user.memberships.filter(active=True).values_list("role", flat=True))  # type: ignore[union-attr]
        cached = (user.pk, roles)
        request._forlop_roles = cached  # type: ignore[attr-defined]
    return cached[1]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = set(request_roles(request))
    return {
        "nav_roles": roles,
        "nav_is_leader": bool(roles & {Role.UNIT_LEADER, Role.ADMINISTRATOR}),
        "nav_is_staff_member": bool(roles),
        "nav_is_administrator": Role.ADMINISTRATOR in roles,
    }
