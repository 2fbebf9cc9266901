"""The leaders' view: stop points done on time per stop point, unit and employee, and the
overdue list of the units they lead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Unit
from forlop.core.selectors import is_leader, led_units
from forlop.pathways import selectors
from forlop.pathways.forms import AdherencePeriodForm
from forlop.pathways.views.common import patient_panels


@require_GET
def leader_view(request: AuthedHttpRequest) -> HttpResponse:
    if not is_leader(user=request.user):
        raise PermissionDenied
    units = led_units(user=request.user).select_related("organisation")
    today = timezone.localdate()
    initial = {"date_from": today - timedelta(days=30), "date_to": today}
    form = AdherencePeriodForm(request.GET or None, units=units, initial=initial)
    now = timezone.now()
    tables: list[tuple[str, str, list[Any]]] = []
    overdue: list[Any] = []
    status = 200
    if not form.is_bound or form.is_valid():
        data: dict[str, Any] = form.cleaned_data if form.is_bound else initial
        unit: Unit | None = data.get("unit")
        chosen: list[Unit] = [unit] if unit is not None else list(units)
        groupings: list[tuple[selectors.AdherenceBy, str]] = [
            ("definition", _("Per stop point")),
            ("unit", _("Per unit")),
            ("employee", _("Per employee")),
        ]
        for by, title in groupings:
            rows = selectors.adherence(
                units=chosen,
                date_from=data["date_from"],
                date_to=data["date_to"],
                now=now,
                by=by,
            )
            tables.append((by, title, list(rows)))
        unit_ids = {unit.pk for unit in chosen}
        work = selectors.worklist(user=request.user, now=now, unit=unit)
        overdue = [item for item in work.overdue if item.stop_point.pathway.unit_id in unit_ids]
    else:
        status = 400
    context = {
        "form": form,
        "tables": tables,
        "overdue": overdue,
        "now": now,
        **patient_panels(item.patient for item in overdue),
    }
    template = "pathways/leader.html#leader-results" if request.htmx else "pathways/leader.html"
    return render(request, template, context, status=status)
