"""A patient's pathways: the summary, starting one with a live preview, the collaboration chain,
and the pathway's own timeline (registering and correcting its times)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.errors import error_text
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import AuditVerb, Role
from forlop.core.selectors import landing_url_name
from forlop.pathways import models, selectors, services
from forlop.pathways.forms import TIME_FORMS, PathwayStartForm, TimeCorrectionForm, TimeForm
from forlop.pathways.views.common import answer_display, event_buttons, safe_next
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_get_for_user


@require_GET
def patient_pathways(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    """The pathway summary of one patient, loaded into the patient page (or as its own page)."""
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.PATHWAY_VIEWED
    )
    pathways = list(selectors.pathways_for_patient(patient=patient))
    context = {
        "patient": patient,
        "running": [p for p in pathways if p.ended_at is None],
        "earlier": [p for p in pathways if p.ended_at is not None],
        "events": selectors.events_for_patient(patient=patient),
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
                preview = [
                    (
                        row,
                        " + ".join(
                            Role.label_of(role) for role in (row.responsible_role, *row.part_roles)
                        ),
                    )
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
            (entry, answer_display(entry.value, kind=entry.kind, unit=entry.unit))
            for entry in selectors.care_plan(patient=pathway.patient)
        ],
        "event_buttons": event_buttons(),
        "now": now,
        "timeline": selectors.pathway_timeline(pathway=pathway, user=request.user),
        "function_scores": selectors.function_score_change(pathway=pathway),
    }
    return render(request, "pathways/pathway_detail.html", context)


def _time_forms(
    pathway: Any, view: selectors.TimelineView, bound: TimeForm | None = None
) -> dict[str, TimeForm]:
    """The form of each action the viewer may take, with ``bound`` (a failed post) in place."""
    corrections = [(entry.kind.value, entry.label) for entry in view.entries if entry.may_correct]
    forms: dict[str, TimeForm] = {}
    if bound is not None and bound.action not in view.actions:
        forms[bound.action] = bound  # refused (a role without the right): show why
    for action in view.actions:
        form_class = TIME_FORMS[action]
        if bound is not None and bound.action == action:
            forms[action] = bound
        elif form_class is TimeCorrectionForm:
            forms[action] = TimeCorrectionForm(pathway=pathway, kinds=corrections)
        else:
            forms[action] = form_class(pathway=pathway)
    return forms


def _times_page(
    request: AuthedHttpRequest,
    pathway: Any,
    *,
    bound: TimeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.pathway_timeline(pathway=pathway, user=request.user)
    context = {
        "pathway": pathway,
        "patient": pathway.patient,
        "timeline": view,
        "forms": _time_forms(pathway, view, bound),
        "open_action": bound.action if bound is not None else request.GET.get("action", ""),
        # Where to go back after saving (the ward's list, say); checked again on the POST.
        "next": safe_next(request, ""),
    }
    return render(request, "pathways/pathway_times.html", context, status=status)


@require_GET
def pathway_times(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The pathway's own timeline: each time with who registered it, every correction with
    the deadlines it moved, and a form for each action the viewer's role may take."""
    pathway = selectors.pathway_get_for_user(user=request.user, pathway_id=pk)
    return _times_page(request, pathway)


def _act(
    request: AuthedHttpRequest, pathway: Any, action: str, data: dict[str, Any]
) -> services.TimesChanged:
    """Call the timeline service of ``action`` with a valid form's data."""
    actor = request.user
    if action == "ready":
        return services.pathway_ready_for_discharge_register(
            actor=actor,
            pathway=pathway,
            at=data["at"],
            planned_discharge_at=data["planned_discharge_at"],
        )
    if action == "planned":
        return services.pathway_planned_discharge_move(
            actor=actor,
            pathway=pathway,
            planned_discharge_at=data["planned_discharge_at"],
            reason=data.get("reason", ""),
        )
    if action == "discharge":
        return services.pathway_discharge_register(
            actor=actor, pathway=pathway, at=data["at"], short_stay_kind=data["destination"]
        )
    if action == "short-stay":
        return services.pathway_short_stay_register(
            actor=actor, pathway=pathway, kind=data["kind"], at=data["at"]
        )
    if action == "arrival":
        return services.pathway_arrival_home_register(actor=actor, pathway=pathway, at=data["at"])
    return services.pathway_time_correct(
        actor=actor, pathway=pathway, kind=data["kind"], at=data["at"], reason=data["reason"]
    )


@require_POST
def pathway_time_action(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    """Register, move or correct one time of the timeline (``services.timeline``). Bad input
    and a role without the right get the page back with the message; nothing is saved."""
    pathway = selectors.pathway_get_for_user(user=request.user, pathway_id=pk)
    if action not in TIME_FORMS:
        raise Http404
    form_class = TIME_FORMS[action]
    if form_class is TimeCorrectionForm:
        form: TimeForm = TimeCorrectionForm(
            request.POST,
            pathway=pathway,
            kinds=[(value, str(label)) for value, label in models.TimeKindChoices.choices],
        )
    else:
        form = form_class(request.POST, pathway=pathway)
    status = 400
    if form.is_valid():
        try:
            changed = _act(request, pathway, action, form.cleaned_data)
        except PermissionDenied as exc:
            form.add_error(None, error_text(exc))
            status = 403
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            parts = [_("Saved.")]
            if changed.created:
                parts.append(
                    _("New stop points: %(codes)s.")
                    % {"codes": ", ".join(sp.definition.short_name for sp in changed.created)}
                )
            if changed.moved:
                parts.append(
                    _("Deadlines moved: %(codes)s.")
                    % {"codes": ", ".join(move.code for move in changed.moved)}
                )
            messages.success(request, " ".join(parts))
            if (
                not Patient.objects.visible_to(request.user, now=timezone.now())
                .filter(pk=pathway.patient_id)
                .exists()
            ):
                # The discharge ends the ward's stay and with it the ward's access: back to
                # the ward's list (or the user's landing), not to a 404.
                messages.info(
                    request,
                    _(
                        "%(name)s is no longer at your unit, so the record is closed to "
                        "you. The home care service follows the patient from here."
                    )
                    % {"name": pathway.patient.full_name},
                )
                return redirect(safe_next(request, reverse(landing_url_name(user=request.user))))
            return redirect(
                safe_next(request, reverse("pathways:pathway-detail", args=[pathway.pk]))
            )
    return _times_page(request, pathway, bound=form, status=status)
