"""Recording an event (a fall, a decline, an admission …) in seconds."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from forlop.core.errors import error_text
from forlop.core.http import AuthedHttpRequest
from forlop.pathways import services
from forlop.pathways.forms import EventRecordForm
from forlop.pathways.models import EventKindChoices
from forlop.pathways.views.common import safe_next
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
                return redirect(next_url)
        status = 400
    context = {"patient": patient, "form": form, "next": next_url}
    return render(request, "pathways/event_form.html", context, status=status)
