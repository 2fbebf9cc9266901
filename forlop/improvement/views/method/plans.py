"""The communication and spread plans, and handing an adopted idea to the quality system."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import method_forms, selectors, services
from forlop.improvement.access import TeamRole
from forlop.improvement.models import (
    CommunicationItem,
    SpreadStep,
    Team,
)
from forlop.improvement.views.common import apply, run, status
from forlop.improvement.views.method.base import (
    _base,
    _errors,
    _team,
)

# --------------------------------------------------------------------------------------------
# Communication and spread
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plans(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    form = method_forms.CommunicationForm(request.POST or None)
    today = timezone.localdate()
    if request.method == "POST":
        if role != TeamRole.MEMBER:
            raise Http404
        if form.is_valid():
            item = apply(
                form,
                lambda: services.communication_add(
                    team=team, actor=request.user, **form.cleaned_data
                ),
            )
            if item is not None:
                messages.success(request, _("The line was added to the communication plan."))
                return redirect("improvement:plans", pk=team.pk)
    return render(
        request,
        "improvement/plans.html",
        {
            **_base(team, role, "plans"),
            "today": today,
            "form": form,
            "items": team.communication.order_by("planned_on", "pk"),
            "changes": selectors.adopted_changes(team, today=today, as_of=timezone.now()),
            "spread_form": method_forms.SpreadForm(team=team),
            "quality_form": method_forms.QualitySystemForm(),
        },
        status=status(form),
    )


@require_POST
def communication_done(request: AuthedHttpRequest, pk: int, item: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = CommunicationItem.objects.filter(team=team, pk=item).first()
    if found is None:
        raise Http404
    form = method_forms.DoneOnForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: services.communication_done(
            item=found,
            actor=request.user,
            done_on=form.cleaned_data["done_on"] or timezone.localdate(),
            today=timezone.localdate(),
        ),
    ):
        messages.success(request, _("Marked as told."))
    _errors(request, form)
    return redirect("improvement:plans", pk=team.pk)


@require_POST
def spread_add(request: AuthedHttpRequest, pk: int, idea: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = selectors.idea_get_for_team(team=team, pk=idea)
    form = method_forms.SpreadForm(request.POST, team=team)
    if form.is_valid() and run(
        form,
        lambda: services.spread_step_add(idea=found, actor=request.user, **form.cleaned_data),
    ):
        messages.success(request, _("The unit is in the spread plan."))
    _errors(request, form)
    return redirect(f"{_plans_url(team)}#change-{found.pk}")


@require_POST
def spread_adopted(request: AuthedHttpRequest, pk: int, step: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = SpreadStep.objects.filter(idea__team=team, pk=step).select_related("idea").first()
    if found is None:
        raise Http404
    form = method_forms.DoneOnForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: services.spread_step_adopted(
            step=found,
            actor=request.user,
            adopted_on=form.cleaned_data["done_on"] or timezone.localdate(),
            today=timezone.localdate(),
        ),
    ):
        messages.success(request, _("The unit has adopted the change."))
    _errors(request, form)
    return redirect(f"{_plans_url(team)}#change-{found.idea_id}")


@require_POST
def quality_system(request: AuthedHttpRequest, pk: int, idea: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = selectors.idea_get_for_team(team=team, pk=idea)
    form = method_forms.QualitySystemForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: services.idea_quality_system_set(
            idea=found, actor=request.user, where=form.cleaned_data["where"]
        ),
    ):
        messages.success(request, _("Saved where the procedure is kept."))
    _errors(request, form)
    return redirect(f"{_plans_url(team)}#change-{found.pk}")


def _plans_url(team: Team) -> str:
    from django.urls import reverse

    return reverse("improvement:plans", args=(team.pk,))
