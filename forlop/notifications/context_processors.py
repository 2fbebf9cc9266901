"""The bell in the menu: the number of unread notifications, computed only if a page shows it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def bell(request: HttpRequest) -> dict[str, Any]:
    """`nav_bell`: the unread count (``selectors.bell_count``), lazy like the work-list badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> dict[str, int]:
        from forlop.notifications.selectors import bell_count
        from forlop.pathways.context_processors import nav_scope

        now, scope = nav_scope(request)  # the badge's scope, built once per request
        return {"unread": bell_count(user=user, now=now, scope=scope)}

    return {"nav_bell": SimpleLazyObject(count)}
