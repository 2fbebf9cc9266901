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


def _goal_page(
    request: AuthedHttpRequest,
    patient: Patient,
    *,
    add_form: GoalAddForm | None = None,
    scoring_form: ScoringForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = chart_context(patient=patient)
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
    return _goal_page(request, patient)


@require_POST
def goal_add(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.GOALS_VIEWED
    )
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
            return redirect("goals:page", patient_id=patient.pk)
    return _goal_page(request, patient, add_form=form, status=400)


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
    goals = list(Goal.objects.filter(patient=patient, status=Goal.Status.ACTIVE))
    form = ScoringForm(request.POST, goals=goals)
    if form.is_valid():
        try:
            services.scoring_record(
                patient=patient,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                scores=form.scores(),
                scored_at=scored_at_from_date(form.cleaned_data["scored_on"]),
                answered_by=form.cleaned_data["answered_by"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Scores saved."))
            return redirect("goals:page", patient_id=patient.pk)
    return _goal_page(request, patient, scoring_form=form, status=400)


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
