"""The hospital nurse's landing page: her ward's admitted patients and their discharge work."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from forlop.core.http import AuthedHttpRequest
from forlop.pathways import selectors
from forlop.pathways.views.common import patient_panels


@require_GET
def ward_view(request: AuthedHttpRequest) -> HttpResponse:
    wards = selectors.wards_for_user(user=request.user)
    if not wards:
        raise PermissionDenied
    now = timezone.now()
    rows = selectors.ward_patients(user=request.user, now=now)
    context = {
        "wards": wards,
        "rows": rows,
        "now": now,
        **patient_panels(row.patient for row in rows),
    }
    return render(request, "pathways/ward.html", context)
