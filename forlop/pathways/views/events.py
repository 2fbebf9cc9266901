"""Recording an event (a fall, a decline, an admission …) in seconds, and correcting one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forlop.core.errors import error_text
from forlop.core.http import AuthedHttpRequest
from forlop.core.selectors import landing_url_name
from forlop.pathways import services
from forlop.pathways.forms import ENDING_EVENTS, EventCorrectForm, EventRecordForm
from forlop.pathways.models import EventKindChoices, PathwayEvent
from forlop.pathways.views.common import safe_next
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_get_for_user


@require_http_methods(["GET", "POST"])
def event_record(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    """The kind is preselected by the button that led here and the time defaults to now."""
    patient = patient_get_for_user(user=request.user, patient_id=patient_id)
    next_url = safe_next(request, reverse("patients:detail", args=[patient.pk]))
    if request.method == "POST":
        form = EventRecordForm(request.POST)
    else:
        kind = request.GET.get("kind", "")
        form = EventRecordForm(initial={"kind": kind if kind in EventKindChoices.values else None})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.event_record(
                    actor=request.user,
                    patient=patient,
                    kind=data["kind"],
                    occurred_at=data["occurred_at"],
                    note=data["note"],
                    ward=data.get("ward"),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Recorded: %(event)s.") % {"event": EventKindChoices(data["kind"]).label},
                )
                if (
                    not Patient.objects.visible_to(request.user, now=timezone.now())
                    .filter(pk=patient.pk)
                    .exists()
                ):
                    # A discharge ends the ward's access: back to the list, not to a 404.
                    messages.info(
                        request,
                        _(
                            "%(name)s is no longer at your unit, so the record is closed to "
                            "you. The home care service follows the patient from here."
                        )
                        % {"name": patient.full_name},
                    )
                    return redirect(landing_url_name(user=request.user))
                return redirect(next_url)
        status = 400
    context = {
        "patient": patient,
        "form": form,
        "next": next_url,
        "ending_events": sorted(ENDING_EVENTS),
    }
    return render(request, "pathways/event_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def event_correct(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Correct an event's time or note, or withdraw one recorded in error, with a reason."""
    event = get_object_or_404(PathwayEvent.objects.select_related("recorded_by"), pk=pk)
    patient = patient_get_for_user(user=request.user, patient_id=event.patient_id)
    next_url = safe_next(request, reverse("patients:detail", args=[patient.pk]))
    initial = {"occurred_at": timezone.localtime(event.occurred_at), "note": event.note}
    form = EventCorrectForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.event_correct(
                    actor=request.user,
                    event=event,
                    reason=data["reason"],
                    occurred_at=data["occurred_at"],
                    note=data["note"],
                    withdraw=data["withdraw"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(
                    request,
                    _("Withdrawn: %(event)s.") % {"event": event.get_kind_display()}
                    if data["withdraw"]
                    else _("Corrected: %(event)s.") % {"event": event.get_kind_display()},
                )
                return redirect(next_url)
        status = 400
    context = {"patient": patient, "event": event, "form": form, "next": next_url}
    return render(request, "pathways/event_correct.html", context, status=status)
