"""Staff pages for 'what matters to you': the goals page of a patient, scoring, goal changes,
proposals from the portal, and a printable summary. Every page reaches the patient through
`patient_get_for_user` (which audits the read)."""

from __future__ import annotations

from datetime import date, datetime, time

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.errors import error_text
from forlop.core.forms import form_save
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import AuditVerb
from forlop.core.validation import INT_MAX, int_param
from forlop.goals import selectors, services
from forlop.goals.forms import GoalAddForm, GoalEditForm, ScoringForm
from forlop.goals.models import Goal, PatientProposal, Scoring
from forlop.goals.presentation import chart_context
from forlop.pathways import selectors as pathway_selectors
from forlop.pathways.models import Pathway, StopPoint
from forlop.patients.models import Patient
from forlop.patients.selectors import patient_get_for_user


def scored_at_from_date(day: date) -> datetime:
    """When a scoring entered as a date happened: today's at the time it is recorded (never
    later than now, and after a baseline recorded earlier today); an earlier day's at noon."""
    if day == timezone.localdate():
        return timezone.now()
    return datetime.combine(day, time(12, 0), tzinfo=timezone.get_current_timezone())


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
    return pathway_selectors.stop_point_for_patient(patient=patient, stop_point_id=raw)


def _pathway_from(request: AuthedHttpRequest, patient: Patient) -> Pathway | None:
    """The episode the scoring form was shown for (its hidden ``pathway``), if this patient's.
    A malformed id or another patient's pathway is ignored (the service picks the episode)."""
    pk = int_param(request.POST.get("pathway") or "", maximum=INT_MAX)
    if pk is None:
        return None
    return pathway_selectors.pathways_for_patient(patient=patient).filter(pk=pk).first()


def _page_url(patient: Patient, stop_point: StopPoint | None) -> str:
    url = reverse("goals:page", kwargs={"patient_id": patient.pk})
    return f"{url}?stop_point={stop_point.pk}" if stop_point is not None else url


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
                "stop_point_open": stop_point.is_open,
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
    if form_save(
        form,
        lambda data: services.goal_add(
            patient=patient, actor=request.user, text=data["text"], answered_by=data["answered_by"]
        ),
    ):
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
    if request.method == "POST":
        saved = form_save(
            form, lambda data: services.goal_edit(goal=goal, actor=request.user, **data)
        )
        if saved is not None:
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
                stop_point=stop_point,
                # Opened from a checklist, the scoring belongs to that stop point's pathway.
                pathway=None if stop_point is not None else _pathway_from(request, patient),
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, error_text(exc))
        else:
            missing = [goal.text for goal in goals if not form.scores().get(goal.pk)]
            if missing and scoring.kind == Scoring.Kind.BASELINE:
                messages.warning(
                    request,
                    _("No baseline score for: %(goals)s. Score it when you can.")
                    % {"goals": ", ".join(f"«{text}»" for text in missing)},
                )
            elif missing:
                messages.info(
                    request,
                    _("Not scored this time: %(goals)s.")
                    % {"goals": ", ".join(f"«{text}»" for text in missing)},
                )
            if stop_point is None:
                messages.success(request, _("Scores saved."))
            elif scoring.stop_point_id is not None:
                messages.success(
                    request,
                    _("Scores saved. The checklist item %(code)s is answered.")
                    % {"code": stop_point.definition.short_name},
                )
            else:
                messages.warning(
                    request,
                    _(
                        "Scores saved. The checklist %(code)s was closed meanwhile, so it was "
                        "not changed."
                    )
                    % {"code": stop_point.definition.short_name},
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
    return redirect(_next(request, reverse("goals:page", args=[patient.pk])))


@require_POST
def proposal_accept(request: AuthedHttpRequest, patient_id: int, proposal_id: int) -> HttpResponse:
    """The patient's suggested goal becomes a goal in one step (from the goals page, the work
    list or the patient overview); back where the nurse was."""
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.GOALS_VIEWED
    )
    proposal = get_object_or_404(PatientProposal, pk=proposal_id, patient=patient)
    try:
        goal = services.proposal_accept(proposal=proposal, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Goal added: «%(goal)s».") % {"goal": goal.text})
    return redirect(_next(request, reverse("goals:page", args=[patient.pk])))


def _next(request: AuthedHttpRequest, fallback: str) -> str:
    candidate = request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


@require_GET
def goals_print(request: AuthedHttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_get_for_user(
        user=request.user, patient_id=patient_id, verb=AuditVerb.SUMMARY_PRINTED
    )
    context = chart_context(patient=patient)
    context["today"] = timezone.localdate()
    return render(request, "goals/goals_print.html", context)
