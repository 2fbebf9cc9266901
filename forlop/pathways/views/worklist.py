"""The work list page and its A4 print view."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Unit
from forlop.core.selectors import units_for_user
from forlop.pathways import selectors
from forlop.pathways.forms import PrintDayForm, WorkListFilterForm
from forlop.pathways.views.common import event_buttons, patient_panels


@dataclass(frozen=True, slots=True)
class WorkSection:
    key: str
    title: str
    items: list[Any]


def sections(work: selectors.WorkList) -> list[WorkSection]:
    return [
        WorkSection("overdue", _("Overdue"), list(work.overdue)),
        WorkSection("today", _("Due today"), list(work.due_today)),
        WorkSection("week", _("Due this week"), list(work.due_this_week)),
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
    now = timezone.now()
    work = selectors.worklist(
        user=request.user, now=now, unit=unit, assignee=request.user if mine else None
    )
    roles = selectors.user_roles(request.user)
    discharge_work = (
        selectors.awaiting_discharge(user=request.user, now=now)
        if roles & {"hospital_nurse", "allocation_office"} and not mine
        else []
    )
    context = {
        "form": form,
        "unit": unit,
        "sections": sections(work),
        "awaiting_discharge": discharge_work,
        "now": now,
        "event_buttons": event_buttons(),
        "print_unit": unit or (units[0] if len(units) == 1 else None),
        **patient_panels(work.patients()),
    }
    template = (
        "pathways/worklist.html#worklist-sections" if request.htmx else "pathways/worklist.html"
    )
    return render(request, template, context)


def _day_now(day: date) -> datetime:
    """The clock time a day's list is computed at: now for today, else the start of the day."""
    if day == timezone.localdate():
        return timezone.now()
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


@require_GET
def worklist_print(request: AuthedHttpRequest) -> HttpResponse:
    """A district's day on A4: overdue, due today and this week, for printing."""
    units = units_for_user(user=request.user)
    form = PrintDayForm(request.GET or None, units=units)
    if not form.is_valid():
        if "unit" in form.errors and request.GET.get("unit"):
            raise Http404
        return render(request, "pathways/worklist_print.html", {"form": form}, status=400)
    unit = form.cleaned_data["unit"]
    day = form.cleaned_data["date"] or timezone.localdate()
    work = selectors.worklist(user=request.user, now=_day_now(day), unit=unit)
    context = {
        "form": form,
        "unit": unit,
        "day": day,
        "sections": sections(work),
        # The same entry as in the calendar feeds (pathways.selectors.ScheduleEntry): a whole
        # day or a time, and the stop point's address in Forløp.
        "print_base_url": settings.FORLOP_BASE_URL,
        **patient_panels(work.patients()),
    }
    return render(request, "pathways/worklist_print.html", context)
