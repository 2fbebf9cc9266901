"""Navigation context: the work-list counts shown in the menu."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from forlop.pathways import models


def nav_scope(request: HttpRequest) -> tuple[datetime, QuerySet[models.StopPoint]]:
    """(now, the user's work-list scope) for the menu, built once per request: the badge counts
    it and the bell (notifications) filters by it, at the same moment. The queryset's
    construction was a third of the menu's cost when each built its own."""
    cached = getattr(request, "_forlop_nav_scope", None)
    if cached is None:
        from forlop.pathways.selectors import worklist_scope

        now = timezone.now()
        cached = (now, worklist_scope(user=request.user, now=now))  # type: ignore[arg-type]
        request._forlop_nav_scope = cached  # type: ignore[attr-defined]
    return cached


def nav_counts_known(request: HttpRequest, counts: dict[str, int]) -> None:
    """The badge's counts when the page has counted them already: the work list page, over
    the same scope at the same moment (``nav_scope``), has the overdue and today totals of
    its headings. Kept on this request only, so they are never another user's or stale."""
    request._forlop_nav_counts = counts  # type: ignore[attr-defined]


def worklist_counts(request: HttpRequest) -> dict[str, Any]:
    """`nav_worklist_counts`: {"overdue": n, "today": n}, computed only if a template reads it.

    Lazy because htmx partials are rendered with the same context processors and never show
    the menu: they should not pay for the count queries.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def counts() -> dict[str, int]:
        from forlop.pathways.selectors import section_counts

        known: dict[str, int] | None = getattr(request, "_forlop_nav_counts", None)
        if known is not None:
            return known
        now, scope = nav_scope(request)
        # the scope and counts of ``selectors.worklist_counts`` (one aggregate query)
        return section_counts(scope, now=now, week=False)

    return {"nav_worklist_counts": SimpleLazyObject(counts)}
