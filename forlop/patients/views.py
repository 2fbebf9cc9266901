"""Patient pages: list, lookup, registration, detail, emergency access, access log and audit review."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.forms import form_save
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import AuditVerb, User
from forlop.core.selectors import is_leader, units_for_registration
from forlop.core.submit_once import submit_once_exempt
from forlop.core.validation import int_param, page_param, text_param
from forlop.patients import selectors, services
from forlop.patients.forms import (
    AuditFilterForm,
    EmergencyAccessForm,
    EmergencyReviewForm,
    IdentityLookupForm,
    NextOfKinForm,
    PatientCreateForm,
    PatientUpdateForm,
    ServiceAddForm,
    ServiceEndForm,
)
from forlop.patients.models import Patient

PAGE_SIZE = 50


@require_GET
def patient_list(request: AuthedHttpRequest) -> HttpResponse:
    if "q" in request.GET:
        # Searches are POSTs: a name or an identity number must never travel in a URL (it would
        # land in proxy logs and the browser history). Drop an old-style link's query.
        return redirect("patients:list")
    page = selectors.patient_page_for_user(
        user=request.user, page_number=page_param(request.GET.get("page")), page_size=PAGE_SIZE
    )
    context = {
        "page": page,
        "query": "",
        "lookup_form": IdentityLookupForm(),
        "can_register": units_for_registration(user=request.user).exists(),
    }
    template = (
        "patients/patient_list.html#patient-rows" if request.htmx else "patients/patient_list.html"
    )
    return render(request, template, context)


@require_POST
@submit_once_exempt
def patient_search(request: AuthedHttpRequest) -> HttpResponse:
    """The live name search (htmx posts as the user types): the first page of matches."""
    query = text_param(request.POST.get("q"), max_length=100)
    number_typed = any(ch.isdigit() for ch in query)
    page: Page[Patient]
    if number_typed:
        # Not searched, not echoed: identity numbers go in the lookup form.
        query, page = "", Paginator([], PAGE_SIZE).get_page(1)
    else:
        page = selectors.patient_page_for_user(user=request.user, query=query, page_size=PAGE_SIZE)
    context = {
        "page": page,
        "query": query,
        "searched": True,
        "number_typed": number_typed,
        "lookup_form": IdentityLookupForm(),
        "can_register": units_for_registration(user=request.user).exists(),
    }
    template = (
        "patients/patient_list.html#patient-rows" if request.htmx else "patients/patient_list.html"
    )
    return render(request, template, context)


@require_POST
@submit_once_exempt
def patient_lookup(request: AuthedHttpRequest) -> HttpResponse:
    form = IdentityLookupForm(request.POST)
    if not form.is_valid():
        page = selectors.patient_page_for_user(user=request.user, page_size=PAGE_SIZE)
        return render(
            request,
            "patients/patient_list.html",
            {
                "page": page,
                "lookup_form": form,
                "query": "",
                "can_register": units_for_registration(user=request.user).exists(),
            },
            status=400,
        )
    number = form.cleaned_data["identity_number"]
    found = selectors.patient_find_by_identity_number(
        user=request.user, identity_number=number, purpose="lookup"
    )
    if found.visible and found.patient is not None:
        return redirect("patients:detail", pk=found.patient.pk)
    # Not visible, unknown, or another data controller's: the same answer, which offers
    # emergency access without telling whether the patient exists.
    offer = EmergencyAccessForm(initial={"identity_number": number})
    return render(request, "patients/emergency_access.html", {"form": offer})


@require_POST
def emergency_access_take(request: AuthedHttpRequest) -> HttpResponse:
    form = EmergencyAccessForm(request.POST)
    if form.is_valid():
        try:
            grant = services.emergency_access_take(
                actor=request.user,
                identity_number=form.cleaned_data["identity_number"],
                reason_category=form.cleaned_data["reason_category"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            if "identity_number" in getattr(exc, "error_dict", {}):
                # Not among the records of the user's data controllers: the same answer as for
                # a number registered nowhere.
                messages.error(request, " ".join(exc.messages))
                return redirect("patients:list")
            form.add_error(None, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            return render(request, "patients/emergency_access.html", {"form": form}, status=403)
        else:
            messages.warning(
                request,
                _("Emergency access granted for a limited time. Your reason has been logged."),
            )
            return redirect("patients:detail", pk=grant.patient_id)
    return render(request, "patients/emergency_access.html", {"form": form}, status=400)


@require_http_methods(["GET", "POST"])
def patient_create(request: AuthedHttpRequest) -> HttpResponse:
    form = PatientCreateForm(request.POST or None, actor=request.user)
    if not form.serving_units().exists():
        raise PermissionDenied

    def create(data: dict[str, Any]) -> Patient:
        unit = data.pop("serving_unit")
        return services.patient_create(
            actor=request.user, municipality=unit.organisation, serving_unit=unit, **data
        )

    if request.method == "POST" and (patient := form_save(form, create, refusal_on_form=True)):
        messages.success(request, _("Patient registered."))
        return redirect("patients:detail", pk=patient.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "patients/patient_form.html", {"form": form}, status=status)


@require_GET
def patient_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    patient = selectors.patient_get_for_user(user=request.user, patient_id=pk)
    now = timezone.now()
    context = {
        "patient": patient,
        "services": patient.services.select_related("unit__organisation"),
        "stays": patient.stays.select_related("ward__organisation")[:5],
        "next_of_kin": patient.next_of_kin.all(),
        "emergency": selectors.patient_access_log(patient=patient)
        .filter(actor=request.user)
        .first(),
        "now": now,
    }
    return render(request, "patients/patient_detail.html", context)


@require_http_methods(["GET", "POST"])
def patient_update(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    patient = selectors.patient_get_for_user(user=request.user, patient_id=pk)
    form = PatientUpdateForm(request.POST or None, patient=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(actor=request.user, patient=patient, **form.cleaned_data)
        except ValidationError as exc:
            patient.refresh_from_db()
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes have been saved."))
            return redirect("patients:detail", pk=patient.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "patients/patient_edit.html", {"patient": patient, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def patient_services(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The units that serve the patient (a service decision: add one, or end one), and next of kin."""
    patient = selectors.patient_get_for_user(user=request.user, patient_id=pk)
    decides = services.service_decision_role(
        actor=request.user, patient=patient
    ) is not None and selectors.has_service_need(patient)
    add_form = ServiceAddForm(request.POST if "add" in request.POST else None, patient=patient)
    kin_form = NextOfKinForm(request.POST if "kin" in request.POST else None)
    status = 200
    if request.method == "POST":
        try:
            if "add" in request.POST and add_form.is_valid():
                services.patient_service_add(
                    actor=request.user, patient=patient, **add_form.cleaned_data
                )
                messages.success(request, _("The unit now serves the patient."))
                return redirect("patients:services", pk=patient.pk)
            if "kin" in request.POST and kin_form.is_valid():
                services.next_of_kin_add(
                    actor=request.user, patient=patient, **kin_form.cleaned_data
                )
                messages.success(request, _("Next of kin added."))
                return redirect("patients:services", pk=patient.pk)
            if "end" in request.POST:
                service = get_object_or_404(
                    patient.services.filter(ended_on__isnull=True),
                    pk=_int_or_none(request.POST.get("service")),
                )
                end_form = ServiceEndForm(request.POST)
                if end_form.is_valid():
                    services.patient_service_end(
                        actor=request.user, service=service, **end_form.cleaned_data
                    )
                    messages.success(request, _("The service has been ended."))
                    return redirect("patients:services", pk=patient.pk)
                messages.error(
                    request, " ".join(str(e) for errs in end_form.errors.values() for e in errs)
                )
            status = 400
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            status = 400
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            status = 403
    context = {
        "patient": patient,
        "services": patient.services.select_related("unit__organisation"),
        "next_of_kin": patient.next_of_kin.all(),
        "add_form": add_form,
        "kin_form": kin_form,
        "decides_services": decides,
        "end_form": ServiceEndForm(initial={"ended_on": timezone.localdate()}),
    }
    return render(request, "patients/patient_services.html", context, status=status)


def _int_or_none(value: str | None) -> int | None:
    return int_param(value)


@require_GET
def patient_access_log(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    patient = selectors.patient_get_for_user(
        user=request.user, patient_id=pk, verb=AuditVerb.ACCESS_LOG_VIEWED
    )
    page = Paginator(selectors.patient_access_log(patient=patient), PAGE_SIZE).get_page(
        page_param(request.GET.get("page"))
    )
    return render(request, "patients/patient_access_log.html", {"patient": patient, "page": page})


def _require_leader(user: User) -> None:
    if not is_leader(user=user):
        raise PermissionDenied


@require_GET
def audit_log(request: AuthedHttpRequest) -> HttpResponse:
    _require_leader(request.user)
    form = AuditFilterForm(
        request.GET or None, actors=selectors.audit_actors_for_leader(user=request.user)
    )
    events = selectors.audit_events_for_leader(user=request.user).none()
    if not request.GET or form.is_valid():
        data = form.cleaned_data if request.GET else {}
        tz = timezone.get_current_timezone()
        date_from = data.get("date_from")
        date_to = data.get("date_to")
        actor = data.get("actor")
        events = selectors.audit_events_for_leader(
            user=request.user,
            actor_id=actor.pk if actor else None,
            patient_id=data.get("patient"),
            verb=data.get("verb", ""),
            date_from=datetime.combine(date_from, time.min, tzinfo=tz) if date_from else None,
            date_to=datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=tz)
            if date_to
            else None,
            emergency_only=bool(data.get("emergency_only")),
        )
    page = Paginator(events, PAGE_SIZE).get_page(page_param(request.GET.get("page")))
    page.object_list = list(page.object_list)
    # Names only of the patients the leader has a service need for (one query, audited).
    names = selectors.patient_names_for_user(
        user=request.user, patient_ids=[e.patient_id for e in page.object_list]
    )
    for event in page.object_list:
        name = names.get(event.patient_id, "") if event.patient_id is not None else ""
        event.patient_name = name  # type: ignore[attr-defined]
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {"form": form, "page": page, "querystring": querystring.urlencode()}
    template = "patients/audit_log.html#audit-rows" if request.htmx else "patients/audit_log.html"
    return render(request, template, context)


@require_GET
def emergency_review_list(request: AuthedHttpRequest) -> HttpResponse:
    _require_leader(request.user)
    accesses = selectors.emergency_accesses_for_leader(user=request.user)
    return render(
        request,
        "patients/emergency_review.html",
        {
            "accesses": accesses[:200],
            "form": EmergencyReviewForm(),
            "review_hours": settings.FORLOP_EMERGENCY_REVIEW_HOURS,
        },
    )


@require_POST
def emergency_review(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_leader(request.user)
    access = get_object_or_404(selectors.emergency_accesses_for_leader(user=request.user), pk=pk)
    form = EmergencyReviewForm(request.POST)
    if form.is_valid():
        try:
            services.emergency_access_review(
                actor=request.user, access=access, note=form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Emergency access marked as reviewed."))
    return redirect("patients:emergency-review-list")
