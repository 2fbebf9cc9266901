"""The work list page and its A4 print view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from forlop.core.context_processors import request_roles
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Unit
from forlop.core.selectors import units_for_user
from forlop.pathways import selectors
from forlop.pathways.context_processors import nav_counts_known, nav_scope
from forlop.pathways.forms import PrintDayForm, WorkListFilterForm
from forlop.pathways.views.common import event_buttons, patient_panels


@dataclass(frozen=True, slots=True)
class WorkSection:
    key: str
    title: str
    items: list[Any]
    total: int
    """Every card of the section: the heading's count (the page shows ``items``)."""
    page: selectors.SectionPage | None = None
    previous_query: str = ""
    next_query: str = ""


TITLES = {"overdue": _("Overdue"), "today": _("Due today"), "week": _("Due this week")}
PAGE_PARAMS = {"overdue": "overdue_page", "today": "today_page", "week": "week_page"}
"""The query parameter carrying each section's page (the other sections keep theirs)."""


def sections(work: selectors.WorkList) -> list[WorkSection]:
    """The whole list in three sections (the print view: every card of the day)."""
    parts = {"overdue": work.overdue, "today": work.due_today, "week": work.due_this_week}
    return [
        WorkSection(key, str(TITLES[key]), list(items), len(items)) for key, items in parts.items()
    ]


def _page_query(query: QueryDict, key: str, number: int) -> str:
    changed = query.copy()
    if number > 1:
        changed[PAGE_PARAMS[key]] = str(number)
    else:
        changed.pop(PAGE_PARAMS[key], None)
    return changed.urlencode()


def paged_sections(work: selectors.WorkListPage, query: QueryDict) -> list[WorkSection]:
    """One page of each section, with the links to the previous and next page of each."""
    return [
        WorkSection(
            page.key,
            str(TITLES[page.key]),
            page.items,
            page.total,
            page,
            _page_query(query, page.key, page.number - 1) if page.has_previous else "",
            _page_query(query, page.key, page.number + 1) if page.has_next else "",
        )
        for page in work.sections
    ]


@require_GET
def worklist(request: AuthedHttpRequest) -> HttpResponse:
    """The signed-in user's work list, optionally for one of their units or only their own."""
    units = units_for_user(user=request.user)
    form = WorkListFilterForm(request.GET or None, units=units)
    unit: Unit | None = None
    mine = False
    if form.is_bound:
        if not form.is_valid():
            # An invalid unit is a unit the user is not a member of: show nothing of it.
            raise Http404
        unit = form.cleaned_data["unit"]
        mine = form.cleaned_data["mine"]
    roles = request_roles(request)  # the menu's, read once
    scope = None
    if unit is None and not mine:
        # The user's own list is the menu's scope (the badge and the bell): built once, at
        # one moment, and the badge shows the headings' totals instead of counting again.
        now, scope = nav_scope(request)
    else:
        now = timezone.now()
    work = selectors.worklist_page(
        user=request.user,
        now=now,
        unit=unit,
        assignee=request.user if mine else None,
        pages={key: request.GET.get(param) for key, param in PAGE_PARAMS.items()},
        scope=scope,
        roles=roles,
    )
    if scope is not None:
        nav_counts_known(request, {"overdue": work.overdue.total, "today": work.today.total})
    discharge_work = (
        selectors.awaiting_discharge(user=request.user, now=now)
        if roles & {"hospital_nurse", "allocation_office"} and not mine
        else []
    )
    context = {
        "form": form,
        "unit": unit,
        "sections": paged_sections(work, request.GET),
        "paged": any(page.has_other_pages for page in work.sections),
        "per_page": selectors.PAGE_SIZE,
        "awaiting_discharge": discharge_work,
        "now": now,
        "event_buttons": event_buttons(),
        # The print view lists the whole day: the page numbers do not go with the filter.
        "print_query": _without_pages(request.GET),
        **patient_panels(work.patients()),
    }
    template = (
        "pathways/worklist.html#worklist-sections" if request.htmx else "pathways/worklist.html"
    )
    return render(request, template, context)


def _without_pages(query: QueryDict) -> str:
    kept = query.copy()
    for param in PAGE_PARAMS.values():
        kept.pop(param, None)
    return kept.urlencode()


def _day_now(day: date) -> datetime:
    """The clock time a day's list is computed at: now for today, else the start of the day."""
    if day == timezone.localdate():
        return timezone.now()
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@require_GET
def worklist_print(request: AuthedHttpRequest) -> HttpResponse:
    """The day on A4: overdue, due today and this week, for printing.

    Every card of the day, not only the page shown on the screen (the screen's headings give
    the same totals).

    The same list as the screen with the same filter: the user's own list, or a unit's when
    one is chosen, or only what is assigned to them.
    """
    units = units_for_user(user=request.user)
    form = PrintDayForm(request.GET, units=units)
    if not form.is_valid():
        if "unit" in form.errors and request.GET.get("unit"):
            raise Http404
        return render(request, "pathways/worklist_print.html", {"form": form}, status=400)
    unit = form.cleaned_data["unit"]
    mine = form.cleaned_data["mine"]
    day = form.cleaned_data["date"] or timezone.localdate()
    now = _day_now(day)
    work = selectors.worklist(
        user=request.user, now=now, unit=unit, assignee=request.user if mine else None
    )
    context = {
        "form": form,
        "unit": unit,
        "mine": mine,
        "day": day,
        "now": now,
        "sections": sections(work),
        **patient_panels(work.patients(), slot="line"),
    }
    return render(request, "pathways/worklist_print.html", context)
