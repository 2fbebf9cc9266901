"""Pathway pages: work lists, starting a pathway, checklists, the collaboration chain, events
and the leaders' view.

Every view parses (a form), fetches (a selector), acts (a service) and renders.

**htmx error convention (project-wide for these pages).** htmx 2 swaps only 2xx responses by
default and we keep that default. An htmx request that fails validation or loses an edit
conflict is answered **200 with the partial that shows the error** (the row, the form), so the
user sees the message where they acted. The same request without htmx (a plain form post, the
no-JavaScript fallback) gets the full page with the error and a 4xx status: 400 for invalid
input, 409 for an edit conflict. Network failures and 5xx answers, which never reach a swap,
are shown by forlop.js as a "not saved — try again" state on the element that sent them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.core.models import AuditVerb, Role, Unit
from forlop.core.selectors import is_leader, led_units, units_for_user
from forlop.pathways import selectors, services
from forlop.pathways.forms import (
    AdherencePeriodForm,
    AssignForm,
    ChecklistAnswerForm,
    EventRecordForm,
    PathwayStartForm,
    PrintDayForm,
    ReasonForm,
    RevisionForm,
    WorkListFilterForm,
)
from forlop.pathways.models import (
    ChecklistAnswer,
    ChecklistItem,
    EventKindChoices,
    StopPoint,
)
from forlop.pathways.rules import StopPointStatus
from forlop.patients.selectors import patient_get_for_user

# Status in words and a colour (Designsystemet data-color). Colour is never the only signal.
STATUS_LABELS: dict[str, Any] = {
    StopPointStatus.NOT_YET_OPEN: gettext_lazy("Not yet open"),
    StopPointStatus.DUE: gettext_lazy("Due"),
    StopPointStatus.OVERDUE: gettext_lazy("Overdue"),
    StopPointStatus.DONE: gettext_lazy("Done on time"),
    StopPointStatus.DONE_LATE: gettext_lazy("Done late"),
    StopPointStatus.NOT_RELEVANT: gettext_lazy("Not relevant"),
    StopPointStatus.INTERRUPTED: gettext_lazy("Interrupted"),
}
STATUS_COLOURS: dict[str, str] = {
    StopPointStatus.NOT_YET_OPEN: "neutral",
    StopPointStatus.DUE: "info",
    StopPointStatus.OVERDUE: "danger",
    StopPointStatus.DONE: "success",
    StopPointStatus.DONE_LATE: "warning",
    StopPointStatus.NOT_RELEVANT: "neutral",
    StopPointStatus.INTERRUPTED: "neutral",
}
CLOSED = {
    StopPointStatus.DONE,
    StopPointStatus.DONE_LATE,
    StopPointStatus.NOT_RELEVANT,
    StopPointStatus.INTERRUPTED,
}
# The event buttons, in the order the nurse needs them (HPH4 first).
EVENT_BUTTONS = [
    EventKindChoices.FALL,
    EventKindChoices.DECLINE,
    EventKindChoices.OUT_OF_HOURS_CONTACT,
    EventKindChoices.ADMISSION,
    EventKindChoices.RETURN_HOME,
    EventKindChoices.DEATH,
    EventKindChoices.SERVICES_ENDED,
]


@dataclass(frozen=True, slots=True)
class StatusView:
    value: str
    label: str
    colour: str


def status_view(status: Any) -> StatusView:
    value = str(getattr(status, "value", status))
    return StatusView(
        value=value,
        label=str(STATUS_LABELS.get(value, value)),
        colour=STATUS_COLOURS.get(value, "neutral"),
    )


# The kinds of scoring a "what matters" answer links to (pathways does not import goals).
SCORING_KIND_LABELS: dict[str, Any] = {
    "baseline": gettext_lazy("Baseline"),
    "follow_up": gettext_lazy("Follow-up"),
}


def answer_display(value: Any) -> str:
    """A stored answer in words: yes/no, a list joined, a linked scoring of the patient's
    goals, anything else as text."""
    if isinstance(value, dict) and "scoring" in value:
        kind = str(SCORING_KIND_LABELS.get(value.get("kind", ""), value.get("kind", "")))
        scored_on = value.get("scored_on")
        if scored_on:
            try:
                when = formats.date_format(date.fromisoformat(scored_on), "SHORT_DATE_FORMAT")
            except ValueError:
                when = str(scored_on)
            return _("Goals scored with the patient (%(kind)s, %(date)s)") % {
                "kind": kind.lower(),
                "date": when,
            }
        return _("Goals scored with the patient (%(kind)s)") % {"kind": kind.lower()}
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if value is None:
        return "–"
    return str(value)


def _event_buttons() -> list[tuple[str, str]]:
    return [(kind.value, str(kind.label)) for kind in EVENT_BUTTONS]


def _safe_next(request: AuthedHttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or _("You are not allowed to do that.")


def _codes(exc: ValidationError) -> set[str]:
    codes: set[str] = set()
    for error in exc.error_list if hasattr(exc, "error_list") else [exc]:
        if error.code:
            codes.add(error.code)
    if hasattr(exc, "error_dict"):
        for errors in exc.error_dict.values():
            codes.update(e.code for e in errors if e.code)
    if exc.code:
        codes.add(exc.code)
    return codes


# --------------------------------------------------------------------------------------------
# Work lists
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WorkSection:
    key: str
    title: str
    items: list[Any]


def _sections(worklist: Any) -> list[WorkSection]:
    return [
        WorkSection("overdue", _("Overdue"), list(worklist.overdue)),
        WorkSection("today", _("Due today"), list(worklist.due_today)),
        WorkSection("week", _("Due this week"), list(worklist.due_this_week)),
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
    context = {
        "form": form,
        "unit": unit,
        "sections": _sections(work),
        "now": now,
        "status_labels": STATUS_LABELS,
        "event_buttons": _event_buttons(),
        "print_unit": unit or (units[0] if len(units) == 1 else None),
    }
    template = (
        "pathways/worklist.html#worklist-sections" if request.htmx else "pathways/worklist.html"
    )
    return render(request, template, context)


def _day_now(day: date) -> datetime:
    """The clock time a day's list is computed at: now for today, else the start of the day."""
    today = timezone.localdate()
    if day == today:
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
    context = {"form": form, "unit": unit, "day": day, "sections": _sections(work)}
    return render(request, "pathways/worklist_print.html", context)


# --------------------------------------------------------------------------------------------
# Patient summary and starting a pathway
# --------------------------------------------------------------------------------------------


@require_GET
def patient_pathways(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    """The pathway summary of one patient, loaded into the patient page (or as its own page)."""
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.PATHWAY_VIEWED
    )
    context = {
        "patient": patient,
        "pathways": list(selectors.pathways_for_patient(patient=patient)[:10]),
        "event_buttons": _event_buttons(),
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
                form.add_error(None, _error_text(exc))
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
                preview_error = _error_text(exc)
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


# --------------------------------------------------------------------------------------------
# The collaboration chain
# --------------------------------------------------------------------------------------------


@require_GET
def pathway_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pathway = selectors.pathway_get_for_user(user=request.user, pathway_id=pk)
    now = timezone.now()
    chain = selectors.pathway_chain(pathway=pathway, now=now)
    context = {
        "pathway": pathway,
        "patient": pathway.patient,
        "chain": chain,
        "care_plan": [
            (entry, answer_display(entry.value))
            for entry in selectors.care_plan(patient=pathway.patient)
        ],
        "status_labels": STATUS_LABELS,
        "event_buttons": _event_buttons(),
        "now": now,
    }
    return render(request, "pathways/pathway_detail.html", context)


# --------------------------------------------------------------------------------------------
# Printed reports: the GP summary before HPH3 and the admission report (HPH6)
# --------------------------------------------------------------------------------------------


def _report_answers(answers: list[Any]) -> list[tuple[Any, str]]:
    return [(a, answer_display(a.value)) for a in answers]


@require_GET
def gp_summary(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The summary home care sends the GP before the visit (HPH3), on A4.

    The goals come from the goals app through its template (pathways does not import goals).
    """
    pathway = selectors.pathway_get_for_user(
        user=request.user, pathway_id=pk, verb=AuditVerb.SUMMARY_PRINTED
    )
    now = timezone.now()
    summary = selectors.gp_summary(pathway=pathway, now=now)
    context = {
        "pathway": pathway,
        "patient": pathway.patient,
        "summary": summary,
        "findings": _report_answers(summary.findings),
        "care_plan": _report_answers(summary.care_plan),
        "now": now,
    }
    return render(request, "pathways/gp_summary.html", context)


@require_GET
def admission_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The admission report (innleggelsesrapport) for the emergency department (HPH6), on A4."""
    pathway = selectors.pathway_get_for_user(
        user=request.user, pathway_id=pk, verb=AuditVerb.SUMMARY_PRINTED
    )
    report = selectors.admission_report(pathway=pathway)
    context = {
        "pathway": pathway,
        "patient": pathway.patient,
        "report": report,
        "medication": _report_answers(report.medication),
        "function": _report_answers(report.function),
        "now": timezone.now(),
    }
    return render(request, "pathways/admission_report.html", context)


# --------------------------------------------------------------------------------------------
# Checklist
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class ChecklistRow:
    item: ChecklistItem
    answer: ChecklistAnswer | None
    form: ChecklistAnswerForm
    state: str = ""  # "", "saved", "invalid", "conflict"
    message: str = ""
    readonly: bool = False

    @property
    def scoring_link(self) -> str:
        """For a "what matters" item answered on the goals page: the scoring in words."""
        if self.answer is not None and isinstance(self.answer.value, dict):
            return answer_display(self.answer.value)
        return ""


def _checklist_context(
    request: AuthedHttpRequest, stop_point: StopPoint, **extra: Any
) -> dict[str, Any]:
    now = timezone.now()
    status = status_view(selectors.stop_point_status(stop_point, now=now))
    readonly = status.value in CLOSED
    rows = [
        ChecklistRow(
            item=row.item,
            answer=row.answer,
            form=ChecklistAnswerForm(item=row.item, answer=row.answer),
            readonly=readonly,
        )
        for row in selectors.checklist_rows(stop_point=stop_point)
    ]
    pathway = stop_point.pathway
    context = {
        "stop_point": stop_point,
        "pathway": pathway,
        "patient": pathway.patient,
        "status": status,
        "readonly": readonly,
        **_progress(rows),
        "reason_form": ReasonForm(),
        "reopen_form": ReasonForm(),
        "assign_form": AssignForm(
            initial={"assignee": stop_point.assignee_id},
            units=Unit.objects.filter(pk=pathway.unit_id),
        ),
        "event_buttons": _event_buttons(),
        "now": now,
        "report_link": _report_link(stop_point),
    }
    context.update(extra)
    return context


# The printed report each stop point sends, linked from its checklist.
REPORTS: dict[str, tuple[str, Any]] = {
    "HPH3": ("pathways:gp-summary", gettext_lazy("Summary for the GP")),
    "HPH6": ("pathways:admission-report", gettext_lazy("Admission report")),
}


def _report_link(stop_point: StopPoint) -> tuple[str, str] | None:
    report = REPORTS.get(stop_point.definition.code)
    if report is None:
        return None
    name, label = report
    return reverse(name, args=[stop_point.pathway_id]), str(label)


def _progress(rows: list[Any]) -> dict[str, Any]:
    return {
        "rows": rows,
        "answered_count": sum(1 for row in rows if _is_answered(row.answer)),
        "missing": [row.item for row in rows if row.item.required and not _is_answered(row.answer)],
    }


def _is_answered(answer: ChecklistAnswer | None) -> bool:
    if answer is None:
        return False
    if answer.not_relevant_reason:
        return True
    return answer.value not in (None, "", [])


@require_GET
def stop_point_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk)
    return render(
        request, "pathways/stop_point_detail.html", _checklist_context(request, stop_point)
    )


@require_POST
def checklist_answer(request: AuthedHttpRequest, pk: int, item_id: int) -> HttpResponse:
    """Save one item's answer at once. htmx gets the row back (see the module docstring).

    The row carries the stop point's revision. After a save the new revision goes out of band
    to every form on the page; after a conflict it does not, so nothing more is saved over
    the other person's answers until the page is reloaded.
    """
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk)
    current = next(
        (row for row in selectors.checklist_rows(stop_point=stop_point) if row.item.pk == item_id),
        None,
    )
    if current is None:
        # An item of another stop point or template version: never save it here.
        raise Http404
    item, answer = current.item, current.answer
    form = ChecklistAnswerForm(request.POST, item=item, answer=answer)
    revision_form = RevisionForm(request.POST)
    posted_revision = stop_point.revision
    state, message, status = "invalid", "", 400
    if not revision_form.is_valid():
        message = _("The form was incomplete. Reload the page and try again.")
    elif form.is_valid():
        posted_revision = revision_form.cleaned_data["expected_revision"]
        try:
            answer = services.checklist_answer_save(
                actor=request.user,
                stop_point=stop_point,
                item_id=item.pk,
                value=form.answer_value(),
                not_relevant_reason=form.cleaned_data["not_relevant_reason"],
                expected_revision=posted_revision,
            )
        except services.ChecklistConflict:
            state, status = "conflict", 409
            message = _(
                "Someone else changed this checklist while you were filling it in. "
                "Your answer was not saved. Reload the page to see the latest answers."
            )
        except ValidationError as exc:
            message = _error_text(exc)
        else:
            state, status = "saved", 200
    else:
        posted_revision = revision_form.cleaned_data["expected_revision"]
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
    stop_point.refresh_from_db(fields=["revision"])
    if state == "saved":
        # Show the stored answer, as the server has it.
        form = ChecklistAnswerForm(item=item, answer=answer)
        posted_revision = stop_point.revision
    if not request.htmx:
        if state == "saved":
            return redirect(reverse("pathways:stop-point-detail", args=[pk]) + f"#item-{item.pk}")
        context = _checklist_context(request, stop_point)
        for row in context["rows"]:
            if row.item.pk == item.pk:
                row.form, row.state, row.message = form, state, message
        return render(request, "pathways/stop_point_detail.html", context, status=status)
    context = {
        "row": ChecklistRow(item=item, answer=answer, form=form, state=state, message=message),
        "stop_point": stop_point,
        "revision": posted_revision,
        "oob_revision": state == "saved",
    }
    if state == "saved":
        context.update(_progress(selectors.checklist_rows(stop_point=stop_point)))
    return render(request, "pathways/stop_point_detail.html#checklist-row", context)


def _stop_point_action_done(request: AuthedHttpRequest, pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("pathways:stop-point-detail", pk=pk)


def _stop_point_action_failed(
    request: AuthedHttpRequest, stop_point: StopPoint, error: str, status: int = 400, **extra: Any
) -> HttpResponse:
    context = _checklist_context(request, stop_point, action_error=error, **extra)
    return render(request, "pathways/stop_point_detail.html", context, status=status)


@require_POST
def stop_point_complete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return _stop_point_action_failed(request, stop_point, _("The form was incomplete."))
    try:
        services.stop_point_complete(
            actor=request.user,
            stop_point=stop_point,
            expected_revision=form.cleaned_data["expected_revision"],
        )
    except services.ChecklistConflict:
        stop_point.refresh_from_db()
        return _stop_point_action_failed(
            request,
            stop_point,
            _(
                "Someone else changed this checklist after you opened it. Check the answers "
                "below and sign again."
            ),
            status=409,
        )
    except (ValidationError, PermissionDenied) as exc:
        stop_point.refresh_from_db()
        return _stop_point_action_failed(request, stop_point, _error_text(exc))
    return _stop_point_action_done(request, pk, _("Checklist completed and signed."))


@require_POST
def stop_point_reopen(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _stop_point_action_failed(
            request, stop_point, _("Write why the checklist is reopened."), reopen_form=form
        )
    try:
        services.stop_point_reopen(
            actor=request.user, stop_point=stop_point, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _stop_point_action_failed(request, stop_point, _error_text(exc))
    return _stop_point_action_done(request, pk, _("Checklist reopened."))


@require_POST
def stop_point_not_relevant(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return _stop_point_action_failed(
            request,
            stop_point,
            _("Write why the stop point is not relevant."),
            reason_form=form,
        )
    try:
        services.stop_point_mark_not_relevant(
            actor=request.user, stop_point=stop_point, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _stop_point_action_failed(request, stop_point, _error_text(exc))
    return _stop_point_action_done(request, pk, _("Stop point marked not relevant."))


@require_POST
def stop_point_assign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    stop_point = selectors.stop_point_get_for_user(user=request.user, pk=pk)
    form = AssignForm(request.POST, units=Unit.objects.filter(pk=stop_point.pathway.unit_id))
    if not form.is_valid():
        return _stop_point_action_failed(request, stop_point, _("Choose a person from the unit."))
    try:
        services.stop_point_assign(
            actor=request.user, stop_point=stop_point, assignee=form.cleaned_data["assignee"]
        )
    except (ValidationError, PermissionDenied) as exc:
        return _stop_point_action_failed(request, stop_point, _error_text(exc))
    return _stop_point_action_done(request, pk, _("Responsible person saved."))


# --------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def event_record(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    """Record a fall, a decline, an admission … in seconds: the kind is preselected by the
    button that led here and the time defaults to now."""
    patient = patient_get_for_user(user=request.user, patient_id=patient_id)
    fallback = reverse("patients:detail", args=[patient.pk])
    next_url = _safe_next(request, fallback)
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
                form.add_error(None, _error_text(exc))
            else:
                messages.success(
                    request,
                    _("Recorded: %(event)s.") % {"event": EventKindChoices(data["kind"]).label},
                )
                return redirect(next_url)
        status = 400
    context = {"patient": patient, "form": form, "next": next_url}
    return render(request, "pathways/event_form.html", context, status=status)


# --------------------------------------------------------------------------------------------
# Leaders' view
# --------------------------------------------------------------------------------------------


@require_GET
def leader_view(request: AuthedHttpRequest) -> HttpResponse:
    """Stop points done on time per stop point, unit and employee, and the overdue list."""
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
        data = form.cleaned_data if form.is_bound else initial
        chosen = [data["unit"]] if data.get("unit") else list(units)
        for by, title in (
            ("definition", _("Per stop point")),
            ("unit", _("Per unit")),
            ("employee", _("Per employee")),
        ):
            rows = selectors.adherence(
                units=chosen,
                date_from=data["date_from"],
                date_to=data["date_to"],
                now=now,
                by=by,
            )
            tables.append((by, title, list(rows)))
        unit_ids = {unit.pk for unit in chosen}
        work = selectors.worklist(user=request.user, now=now, unit=data.get("unit"))
        overdue = [item for item in work.overdue if item.stop_point.pathway.unit_id in unit_ids]
    else:
        status = 400
    context = {"form": form, "tables": tables, "overdue": overdue, "now": now}
    template = "pathways/leader.html#leader-results" if request.htmx else "pathways/leader.html"
    return render(request, template, context, status=status)
