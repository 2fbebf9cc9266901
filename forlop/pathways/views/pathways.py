"""A patient's pathways: the summary, starting one with a live preview, the collaboration chain,
and registering the times a pathway is anchored on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from forlop.core.errors import error_text
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import AuditVerb, Role
from forlop.pathways import selectors, services
from forlop.pathways.forms import PathwayAnchorsForm, PathwayStartForm
from forlop.pathways.views.common import answer_display, event_buttons
from forlop.patients.selectors import patient_get_for_user


@require_GET
def patient_pathways(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    """The pathway summary of one patient, loaded into the patient page (or as its own page)."""
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.PATHWAY_VIEWED
    )
    context = {
        "patient": patient,
        "pathways": list(selectors.pathways_for_patient(patient=patient)[:10]),
        "event_buttons": event_buttons(),
    }
    template = (
        "pathways/patient_pathways.html#pathway-summary"
        if request.htmx
        else "pathways/patient_pathways.html"
    )
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
def pathway_start(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    """Start a pathway; GET with the form's values (htmx or "Update preview") shows a preview."""
    patient = patient_get_for_user(user=request.user, patient_id=patient_id)
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = PathwayStartForm(data, patient=patient)
    preview: list[Any] | None = None
    preview_error = ""
    status = 200
    if form.is_bound and form.is_valid():
        if request.method == "POST":
            try:
                pathway = services.pathway_start(
                    actor=request.user,
                    patient=patient,
                    unit=form.cleaned_data["unit"],
                    primary_contact=form.cleaned_data.get("primary_contact"),
                    previous=form.cleaned_data.get("previous"),
                    **form.service_kwargs(),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
                status = 400
            else:
                messages.success(request, _("Pathway started."))
                return redirect("pathways:pathway-detail", pk=pathway.pk)
        else:
            try:
                roles = dict(Role.choices)
                preview = [
                    (row, roles.get(row.responsible_role, row.responsible_role))
                    for row in services.pathway_preview(**form.service_kwargs())
                ]
            except ValidationError as exc:
                preview_error = error_text(exc)
    elif form.is_bound and request.method == "POST":
        status = 400
    context = {
        "patient": patient,
        "form": form,
        "preview": preview,
        "preview_error": preview_error,
    }
    if request.htmx and request.method == "GET":
        return render(request, "pathways/pathway_start.html#pathway-preview", context)
    return render(request, "pathways/pathway_start.html", context, status=status)


@require_GET
def pathway_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pathway = selectors.pathway_get_for_user(user=request.user, pathway_id=pk)
    now = timezone.now()
    context = {
        "pathway": pathway,
        "patient": pathway.patient,
        "chain": selectors.pathway_chain(pathway=pathway, now=now),
        "care_plan": [
            (entry, answer_display(entry.value, kind=entry.kind))
            for entry in selectors.care_plan(patient=pathway.patient)
        ],
        "event_buttons": event_buttons(),
        "now": now,
        "anchors_missing": pathway.ended_at is None
        and (pathway.discharged_at is None or pathway.arrived_home_at is None),
    }
    return render(request, "pathways/pathway_detail.html", context)


@require_http_methods(["GET", "POST"])
def pathway_anchors(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Register the discharge or the arrival home when it happens; the stop points waiting for
    that time (HPH2 three days after the arrival home, …) are planned then."""
    pathway = selectors.pathway_get_for_user(user=request.user, pathway_id=pk)
    form = PathwayAnchorsForm(request.POST or None, pathway=pathway)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = services.pathway_anchors_set(
                    actor=request.user,
                    pathway=pathway,
                    discharged_at=form.cleaned_data.get("discharged_at"),
                    arrived_home_at=form.cleaned_data.get("arrived_home_at"),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, error_text(exc))
            else:
                codes = ", ".join(sp.definition.code for sp in created)
                messages.success(
                    request,
                    _("Saved. New stop points: %(codes)s.") % {"codes": codes}
                    if codes
                    else _("Saved."),
                )
                return redirect("pathways:pathway-detail", pk=pathway.pk)
        status = 400
    context = {"pathway": pathway, "patient": pathway.patient, "form": form}
    return render(request, "pathways/pathway_anchors.html", context, status=status)
