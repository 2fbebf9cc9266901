"""Navigation context: what the signed-in user may see in the menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from forlop.core.models import Role


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = set(user.memberships.filter(active=True).values_list("role", flat=True))
    return {
        "nav_roles": roles,
        "nav_is_leader": bool(roles & {Role.UNIT_LEADER, Role.ADMINISTRATOR}),
        "nav_is_staff_member": bool(roles),
        "nav_is_administrator": Role.ADMINISTRATOR in roles,
    }
