"""PDSA cycles and their ramps: the list, one cycle's stages, a new cycle and the next in a ramp."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import method, method_forms, selectors, services
from forlop.improvement.access import TeamRole
from forlop.improvement.charts import aim_charts
from forlop.improvement.models import (
    PdsaCycle,
    Team,
)
from forlop.improvement.stages import STAGE_LABELS
from forlop.improvement.views.common import apply, status
from forlop.improvement.views.method.base import (
    _base,
    _errors,
    _team,
)
from forlop.improvement.views.method.ideas import (
    idea_to_cycle,
)

# --------------------------------------------------------------------------------------------
# PDSA cycles
# --------------------------------------------------------------------------------------------


def _ramps(team: Team, today: date) -> list[dict[str, Any]]:
    """The team's cycles grouped by change idea, each ramp in order."""
    by_idea: dict[int, dict[str, Any]] = {}
    for cycle in selectors.team_cycles(team).order_by("starts_on", "pk"):
        ramp = by_idea.setdefault(cycle.idea_id, {"idea": cycle.idea, "cycles": []})
        stage = selectors.cycle_stage(cycle, today=today)
        ramp["cycles"].append({"cycle": cycle, "stage": stage, "label": STAGE_LABELS[stage]})
    return sorted(by_idea.values(), key=lambda r: r["cycles"][-1]["cycle"].starts_on, reverse=True)


@require_GET
def cycles(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk, leader=True)
    return render(
        request,
        "improvement/cycles.html",
        {
            **_base(team, role, "cycles"),
            "ramps": _ramps(team, timezone.localdate()),
            "ideas": team.ideas.filter(status__in=("open", "testing")).order_by("title"),
        },
    )


def _cycle_initial(cycle: PdsaCycle) -> dict[str, Any]:
    fields = [
        "title",
        "plan",
        "prediction",
        "starts_on",
        "ends_on",
        "done_text",
        "study_text",
        "decision",
        "act_text",
        "decided_on",
        "owner",
        "unit",
        "template_version",
    ]
    initial = {name: getattr(cycle, name) for name in fields}
    initial["measures"] = list(cycle.measures.all())
    return initial


@require_http_methods(["GET", "POST"])
def cycle_detail(request: AuthedHttpRequest, pk: int, cycle: int) -> HttpResponse:
    team, role = _team(request, pk, leader=True)
    found = selectors.cycle_get_for_team(team=team, pk=cycle)
    measures = selectors.team_measures(team)
    form = method_forms.CycleForm(
        request.POST or None, team=team, measures=measures, initial=_cycle_initial(found)
    )
    today = timezone.localdate()
    if request.method == "POST":
        if role != TeamRole.MEMBER:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            saved = apply(
                form,
                lambda: services.cycle_update(
                    cycle=found,
                    actor=request.user,
                    today=today,
                    title=data["title"],
                    plan=data["plan"],
                    prediction=data["prediction"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    done_text=data["done_text"],
                    study_text=data["study_text"],
                    decision=data["decision"],
                    act_text=data["act_text"],
                    decided_on=data["decided_on"],
                    owner=data["owner"],
                    unit=data["unit"],
                    measures=list(data["measures"]),
                    available=measures,
                    template_version=data["template_version"],
                ),
            )
            if saved is not None:
                messages.success(request, _("The PDSA cycle was saved."))
                return redirect("improvement:cycle", pk=team.pk, cycle=found.pk)
        found.refresh_from_db()
    stage = selectors.cycle_stage(found, today=today)
    charts = [
        chart
        for chart in aim_charts(team, today=today, as_of=timezone.now())
        if chart.measure in list(found.measures.all())
    ]
    by_measure: dict[int, Any] = {}
    for chart in charts:  # a measure linked to two aims is drawn once
        by_measure.setdefault(chart.measure.pk, chart)
    unique = list(by_measure.values())
    ramp = list(found.idea.cycles.order_by("starts_on", "pk"))
    return render(
        request,
        "improvement/cycle_detail.html",
        {
            **_base(team, role, "cycles"),
            "cycle": found,
            "stage": stage,
            "stage_label": STAGE_LABELS[stage],
            "stages": [(s, STAGE_LABELS[s]) for s in method.Stage],
            "form": form,
            "charts": unique,
            "ramp": ramp,
        },
        status=status(form),
    )


@require_POST
def cycle_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A new cycle for an idea from the cycles page (the same one step as from the idea)."""
    team, _role = _team(request, pk, member=True)
    try:
        idea_pk = int(request.POST.get("idea", ""))
    except ValueError:
        raise Http404 from None
    return idea_to_cycle(request, pk=team.pk, idea=idea_pk)


@require_POST
def cycle_next(request: AuthedHttpRequest, pk: int, cycle: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = selectors.cycle_get_for_team(team=team, pk=cycle)
    form = method_forms.CommentForm()
    created = apply(
        form,
        lambda: services.cycle_next(cycle=found, actor=request.user, today=timezone.localdate()),
    )
    if created is None:
        _errors(request, form)
        return redirect("improvement:cycle", pk=team.pk, cycle=found.pk)
    messages.success(request, _("The next cycle of the ramp is planned."))
    return redirect("improvement:cycle", pk=team.pk, cycle=created.pk)
