"""Navigation context: the work-list counts shown in the menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject


def worklist_counts(request: HttpRequest) -> dict[str, Any]:
    """`nav_worklist_counts`: {"overdue": n, "today": n}, computed only if a template reads it.

    Lazy because htmx partials are rendered with the same context processors and never show
    the menu: they should not pay for the count queries.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def counts() -> dict[str, int]:
        from forlop.pathways.selectors import worklist_counts as select_counts

        return select_counts(user=user, now=timezone.now())

    return {"nav_worklist_counts": SimpleLazyObject(counts)}
