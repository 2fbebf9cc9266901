"""Staff pages for 'what matters to you': the goals page of a patient, scoring, goal changes,
proposals from the portal, and a printable summary. Every page reaches the patient through
`patient_get_for_user` (which audits the read)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.core.models import AuditVerb
from forlop.goals import charts, selectors, services
from forlop.goals.forms import GoalAddForm, GoalEditForm, ScoringForm
from forlop.goals.models import Goal, PatientProposal, Scoring
from forlop.pathways import services as pathway_services
from forlop.pathways.models import ChecklistItem, StopPoint
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_get_for_user


def scored_at_from_date(day: date) -> datetime:
    """A scoring entered as a date is stored at noon local time, so two on one day compare equal."""
    return datetime.combine(day, time(12, 0), tzinfo=timezone.get_current_timezone())


def chart_context(*, patient: Patient, chart_id: str = "goals-chart") -> dict[str, Any]:
    """Rows, summary and the SVG chart of a patient's goals. Shared by staff and portal pages."""
    scorings = list(selectors.scorings_for_patient(patient=patient))
    rows = selectors.goals_for_patient(patient=patient, scorings=scorings)
    summary = selectors.goal_summary(patient=patient, scorings=scorings)
    question = selectors.question_for_language(
        version=summary.version, language=get_language() or "nb"
    )
    chart = ""
    if scorings and rows:
        labels = [formats.date_format(s.scored_at, "SHORT_DATE_FORMAT") for s in scorings]
        shown = [row for row in rows if any(p.value is not None for p in row.points)]
        average = charts.Series(_("Average"), [avg for _s, avg in summary.averages])
        description = _("Scores from 0 to 10 at each scoring. Average: %(values)s.") % {
            "values": ", ".join(
                f"{label} {formats.number_format(avg, 1) if avg is not None else '–'}"
                for label, (_s, avg) in zip(labels, summary.averages, strict=True)
            )
        }
        chart = mark_safe(  # noqa: S308 - render_goals_chart escapes every text it embeds
            charts.render_goals_chart(
                x_labels=labels,
                goals=[
                    charts.Series(row.goal.text, [p.value for p in row.points]) for row in shown
                ],
                average=average,
                title=_("Goals over time"),
                description=description,
                chart_id=chart_id,
            )
        )
    return {
        "patient": patient,
        "scorings": scorings,
        "rows": rows,
        "active_rows": [row for row in rows if row.goal.is_active],
        "summary": summary,
        "question": question,
        "chart": chart,
    }


# --------------------------------------------------------------------------------------------
# Opened from a checklist: the "what matters" item of a stop point (HPH2, HPH5, annual review)
# --------------------------------------------------------------------------------------------


def _stop_point_from(request: AuthedHttpRequest, patient: Patient) -> StopPoint | None:
    """The stop point in ``?stop_point=`` (or the form's hidden field) if it is this patient's.

    Another patient's stop point, or a malformed id, is ignored: the page works as without it.
    """
    raw = request.POST.get("stop_point") or request.GET.get("stop_point")
    if not raw:
        return None
    return selectors.stop_point_for_patient(patient=patient, stop_point_id=raw)


def _is_open(stop_point: StopPoint) -> bool:
    return (
        stop_point.completed_at is None
        and stop_point.not_relevant_at is None
        and stop_point.interrupted_at is None
    )


def _page_url(patient: Patient, stop_point: StopPoint | None) -> str:
    url = reverse("goals:page", kwargs={"patient_id": patient.pk})
    return f"{url}?stop_point={stop_point.pk}" if stop_point is not None else url


def _answer_what_matters_items(
    *, actor: Any, stop_point: StopPoint, scoring: Scoring
) -> ValidationError | None:
    """Answer the stop point's "what matters" items with the scoring just recorded.

    Runs after ``scoring_record`` has committed: the scores stand even if the checklist cannot
    be updated (signed meanwhile, or changed by someone else), and the error is returned for the
    page to show. Each save passes the stop point's revision as read just before it, so an edit
    made in between is detected by the checklist service rather than overwritten.
    """
    value = {
        "scoring": scoring.pk,
        "kind": scoring.kind,
        "scored_on": timezone.localdate(scoring.scored_at).isoformat(),
    }
    items = stop_point.definition.items.filter(kind=ChecklistItem.Kind.WHAT_MATTERS)
    for item_id in items.values_list("pk", flat=True):
        revision = StopPoint.objects.values_list("revision", flat=True).get(pk=stop_point.pk)
        try:
            pathway_services.checklist_answer_save(
                actor=actor,
                stop_point=stop_point,
                item_id=item_id,
                value=value,
                expected_revision=revision,
            )
        except ValidationError as exc:  # ChecklistConflict is a ValidationError too
            return exc
    return None


def _goal_page(
    request: AuthedHttpRequest,
    patient: Patient,
    *,
    add_form: GoalAddForm | None = None,
    scoring_form: ScoringForm | None = None,
    status: int = 200,
    stop_point: StopPoint | None = None,
) -> HttpResponse:
    context = chart_context(patient=patient)
    if stop_point is not None:
        context.update(
            {
                "stop_point": stop_point,
                "stop_point_open": _is_open(stop_point),
                "stop_point_scoring": selectors.scoring_for_stop_point(stop_point=stop_point),
                "checklist_url": reverse(
                    "pathways:stop-point-detail", kwargs={"pk": stop_point.pk}
                ),
            }
        )
    active_goals = [row.goal for row in context["active_rows"]]
    context.update(
        {
            "add_form": add_form or GoalAddForm(),
            "scoring_form": scoring_form
            or ScoringForm(
                goals=active_goals,
                initial={
                    "kind": Scoring.Kind.FOLLOW_UP
                    if context["summary"].baseline
                    else Scoring.Kind.BASELINE
                },
            ),
            "proposals": selectors.proposals_for_patient(patient=patient)[:20],
            "can_add": context["summary"].version is None
            or len(active_goals) < context["summary"].version.max_goals
            or bool(add_form and add_form.errors),  # show why the goal was refused
        }
    )
    return render(request, "goals/goals_page.html", context, status=status)


@require_GET
def goals_page(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.GOALS_VIEWED
    )
    return _goal_page(request, patient, stop_point=_stop_point_from(request, patient))


@require_POST
def goal_add(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.GOALS_VIEWED
    )
    stop_point = _stop_point_from(request, patient)
    form = GoalAddForm(request.POST)
    if form.is_valid():
        try:
            services.goal_add(
                patient=patient,
                actor=request.user,
                text=form.cleaned_data["text"],
                answered_by=form.cleaned_data["answered_by"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Goal added."))
            return redirect(_page_url(patient, stop_point))
    return _goal_page(request, patient, add_form=form, status=400, stop_point=stop_point)


@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthedHttpRequest, patient_id: int, goal_id: int) -> HttpResponse:
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.GOALS_VIEWED
    )
    goal = get_object_or_404(Goal, pk=goal_id, patient=patient)
    form = GoalEditForm(request.POST or None, initial={"text": goal.text, "status": goal.status})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # rewording and status change: both or neither
                goal = services.goal_update(
                    goal=goal, actor=request.user, text=data["text"], note=data["note"]
                )
                services.goal_status_change(
                    goal=goal, actor=request.user, status=data["status"], note=data["note"]
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Goal saved."))
            return redirect("goals:page", patient_id=patient.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "goals/goal_edit.html",
        {"patient": patient, "goal": goal, "form": form},
        status=status,
    )


@require_POST
def scoring_record(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.GOALS_VIEWED
    )
    stop_point = _stop_point_from(request, patient)
    # A scoring is linked only to a stop point that is still open (its checklist can be answered).
    linked = stop_point if stop_point is not None and _is_open(stop_point) else None
    goals = list(Goal.objects.filter(patient=patient, status=Goal.Status.ACTIVE))
    form = ScoringForm(request.POST, goals=goals)
    if form.is_valid():
        try:
            scoring = services.scoring_record(
                patient=patient,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                scores=form.scores(),
                scored_at=scored_at_from_date(form.cleaned_data["scored_on"]),
                answered_by=form.cleaned_data["answered_by"],
                stop_point_id=linked.pk if linked is not None else None,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if linked is None:
                messages.success(request, _("Scores saved."))
            else:
                error = _answer_what_matters_items(
                    actor=request.user, stop_point=linked, scoring=scoring
                )
                if error is None:
                    messages.success(
                        request,
                        _("Scores saved. The checklist item %(code)s is answered.")
                        % {"code": linked.definition.code},
                    )
                else:
                    messages.warning(
                        request,
                        _(
                            "Scores saved, but the checklist %(code)s could not be updated: "
                            "%(error)s"
                        )
                        % {"code": linked.definition.code, "error": " ".join(error.messages)},
                    )
            return redirect(_page_url(patient, stop_point))
    return _goal_page(request, patient, scoring_form=form, status=400, stop_point=stop_point)


@require_POST
def proposal_seen(request: AuthedHttpRequest, patient_id: int, proposal_id: int) -> HttpResponse:
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.GOALS_VIEWED
    )
    proposal = get_object_or_404(PatientProposal, pk=proposal_id, patient=patient)
    services.proposal_mark_seen(proposal=proposal, actor=request.user)
    return redirect("goals:page", patient_id=patient.pk)


@require_GET
def goals_print(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.SUMMARY_PRINTED
    )
    context = chart_context(patient=patient)
    context["today"] = timezone.localdate()
    return render(request, "goals/goals_print.html", context)
