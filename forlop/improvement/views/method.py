"""The model for improvement on the team's pages: the driver diagram of an aim, change ideas
and time thieves (voting, discussion, one step to a PDSA cycle), PDSA cycles and their ramps,
the progress score, and the communication and spread plans. Members write; the network's
coordinators read (and review progress scores); leaders of the team's organisation read the
aims, diagrams and cycles.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import diagrams, forms, method, selectors, services
from forlop.improvement.access import TeamRole
from forlop.improvement.charts import aim_charts
from forlop.improvement.models import (
    Aim,
    ChangeIdea,
    CommunicationItem,
    PdsaCycle,
    ProgressScore,
    SpreadStep,
    Team,
)
from forlop.improvement.stages import STAGE_LABELS
from forlop.improvement.views.common import apply, run, status
from forlop.measures import services as measure_services


def _team(
    request: AuthedHttpRequest, pk: int, *, member: bool = False, leader: bool = False
) -> tuple[Team, TeamRole]:
    team, role = selectors.team_get_for_user(user=request.user, pk=pk, allow_leader=leader)
    if member and role != TeamRole.MEMBER:
        raise Http404
    return team, role


def _base(team: Team, role: TeamRole, section: str) -> dict[str, Any]:
    return {"team": team, "network": team.network, "role": role, "section": section}


def _errors(request: AuthedHttpRequest, form: Form) -> None:
    """A form's errors as messages for the page redirected to, each named by its field
    ("Driver: Feltet er påkrevet."), since the form itself is not shown again."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


# --------------------------------------------------------------------------------------------
# Driver diagram
# --------------------------------------------------------------------------------------------


def diagram_tree(diagram: selectors.Diagram) -> diagrams.Tree:
    def ideas(rows: list[ChangeIdea]) -> list[diagrams.IdeaNode]:
        return [diagrams.IdeaNode(idea.title, idea.status) for idea in rows]

    return diagrams.Tree(
        aim=diagram.aim.statement,
        drivers=[
            diagrams.DriverNode(
                node.driver.text,
                children=[
                    diagrams.DriverNode(child.driver.text, ideas=ideas(child.ideas))
                    for child in node.children
                ],
                ideas=ideas(node.ideas),
            )
            for node in diagram.drivers
        ],
    )


def diagram_svg(diagram: selectors.Diagram) -> str:
    tree = diagram_tree(diagram)
    primaries = len(diagram.drivers)
    secondaries = sum(len(node.children) for node in diagram.drivers)
    return diagrams.render_diagram_svg(
        tree,
        title=_("Driver diagram: %(aim)s") % {"aim": diagram.aim.statement},
        description=_(
            "%(primary)d primary drivers, %(secondary)d secondary drivers and %(ideas)d change "
            "ideas. The same diagram follows as a list."
        )
        % {"primary": primaries, "secondary": secondaries, "ideas": diagram.idea_count},
        headings=(_("Aim"), _("Primary drivers"), _("Secondary drivers"), _("Change ideas")),
        id_prefix=f"driver-diagram-{diagram.aim.pk}",
    )


def _diagram_context(
    request: AuthedHttpRequest, team: Team, role: TeamRole, aim: Aim, **forms_: Any
) -> dict[str, Any]:
    diagram = selectors.driver_diagram(aim)
    measures = selectors.team_measures(team)
    return {
        **_base(team, role, "aims"),
        "aim": aim,
        "diagram": diagram,
        "svg": diagram_svg(diagram),
        "driver_form": forms_.get("driver_form") or forms.DriverForm(aim=aim, measures=measures),
        "idea_form": forms_.get("idea_form") or forms.DiagramIdeaForm(aim=aim),
    }


@require_GET
def aim_diagram(request: AuthedHttpRequest, pk: int, aim: int) -> HttpResponse:
    team, role = _team(request, pk, leader=True)
    found = selectors.aim_get_for_team(team=team, pk=aim)
    return render(request, "improvement/diagram.html", _diagram_context(request, team, role, found))


@require_POST
def driver_add(request: AuthedHttpRequest, pk: int, aim: int) -> HttpResponse:
    team, role = _team(request, pk, member=True)
    found = selectors.aim_get_for_team(team=team, pk=aim)
    form = forms.DriverForm(request.POST, aim=found, measures=selectors.team_measures(team))
    if form.is_valid():
        driver = apply(
            form,
            lambda: services.driver_add(
                aim=found,
                actor=request.user,
                text=form.cleaned_data["text"],
                parent=form.cleaned_data["parent"],
                measure=form.cleaned_data["measure"],
            ),
        )
        if driver is not None:
            messages.success(request, _("The driver was added."))
            return redirect("improvement:diagram", pk=team.pk, aim=found.pk)
    context = _diagram_context(request, team, role, found, driver_form=form)
    return render(request, "improvement/diagram.html", context, status=400)


@require_POST
def diagram_idea_add(request: AuthedHttpRequest, pk: int, aim: int) -> HttpResponse:
    team, role = _team(request, pk, member=True)
    found = selectors.aim_get_for_team(team=team, pk=aim)
    form = forms.DiagramIdeaForm(request.POST, aim=found)
    if form.is_valid():
        data = form.cleaned_data
        if data["existing"] is not None:
            done = apply(
                form,
                lambda: services.idea_place(
                    idea=data["existing"], actor=request.user, driver=data["driver"]
                ),
            )
        else:
            done = apply(
                form,
                lambda: services.idea_create(
                    team=team, actor=request.user, title=data["title"], driver=data["driver"]
                ),
            )
        if done is not None:
            messages.success(request, _("The change idea is in the diagram."))
            return redirect("improvement:diagram", pk=team.pk, aim=found.pk)
    context = _diagram_context(request, team, role, found, idea_form=form)
    return render(request, "improvement/diagram.html", context, status=400)


@require_POST
def driver_edit(request: AuthedHttpRequest, pk: int, driver: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = team.aims.filter(drivers__pk=driver).first()
    node = found.drivers.filter(pk=driver).first() if found else None
    if found is None or node is None:
        raise Http404
    form = forms.DriverEditForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: services.driver_update(
            driver=node,
            actor=request.user,
            text=form.cleaned_data["text"],
            measure=node.measure,
        ),
    ):
        messages.success(request, _("The driver was saved."))
    _errors(request, form)
    return redirect("improvement:diagram", pk=team.pk, aim=found.pk)


@require_POST
def driver_remove(request: AuthedHttpRequest, pk: int, driver: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = team.aims.filter(drivers__pk=driver).first()
    node = found.drivers.filter(pk=driver).first() if found else None
    if found is None or node is None:
        raise Http404
    services.driver_remove(driver=node, actor=request.user)
    messages.success(request, _("The driver was removed; its change ideas stay on the list."))
    return redirect("improvement:diagram", pk=team.pk, aim=found.pk)


@require_POST
def aim_status(request: AuthedHttpRequest, pk: int, aim: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = selectors.aim_get_for_team(team=team, pk=aim)
    form = forms.AimStatusForm(request.POST)
    if form.is_valid():
        services.aim_status_set(aim=found, actor=request.user, status=form.cleaned_data["status"])
        messages.success(request, _("The aim's status was saved."))
    return redirect("improvement:aims", pk=team.pk)


@require_POST
def manual_measure_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A measure the team counts by hand, where it does not run Forløp."""
    team, _role = _team(request, pk, member=True)
    form = forms.ManualMeasureForm(request.POST)
    if form.is_valid():
        from django.utils.text import slugify

        data = form.cleaned_data
        code = slugify(data["name"])[:50] or "egen"
        taken = set(team.organisation.measures.values_list("code", flat=True))
        base, number = code, 2
        while code in taken:
            code, number = f"{base}-{number}", number + 1
        done = apply(
            form,
            lambda: measure_services.measure_create_manual(
                organisation=team.organisation,
                code=code,
                name=data["name"],
                numerator=data["numerator"],
                period=data["period"],
                direction=data["direction"],
            ),
        )
        if done is not None:
            messages.success(request, _("The measure was added; register its values below."))
    _errors(request, form)
    return redirect(f"{_aims_url(team)}#manual-heading")


@require_POST
def manual_value_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    form = forms.ManualValueForm(request.POST, measures=selectors.team_measures(team))
    if form.is_valid():
        data = form.cleaned_data
        if data["period_start"] > timezone.localdate():
            messages.error(request, _("A value cannot be registered for a period ahead."))
        else:
            measure_services.manual_value_set(
                measure=data["measure"],
                period_start=data["period_start"],
                numerator=data["value"],
                actor=request.user,
            )
            messages.success(request, _("The value was registered."))
    _errors(request, form)
    return redirect(f"{_aims_url(team)}#manual-heading")


def _aims_url(team: Team) -> str:
    from django.urls import reverse

    return reverse("improvement:aims", args=(team.pk,))


# --------------------------------------------------------------------------------------------
# Change ideas and time thieves
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ideas(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    form = forms.IdeaForm(request.POST or None, team=team)
    if request.method == "POST":
        if role != TeamRole.MEMBER:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            idea = apply(
                form,
                lambda: services.idea_create(
                    team=team,
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    kind=data["kind"],
                    unit=data["unit"],
                ),
            )
            if idea is not None:
                messages.success(request, _("The idea is on the list."))
                return redirect("improvement:ideas", pk=team.pk)
    rows = list(selectors.team_ideas(team=team, user=request.user))
    return render(
        request,
        "improvement/ideas.html",
        {
            **_base(team, role, "ideas"),
            "form": form,
            "open_ideas": [i for i in rows if i.is_open],
            "closed_ideas": [i for i in rows if not i.is_open],
        },
        status=status(form),
    )


@require_http_methods(["GET", "POST"])
def idea_detail(request: AuthedHttpRequest, pk: int, idea: int) -> HttpResponse:
    team, role = _team(request, pk)
    found = selectors.idea_get_for_team(team=team, pk=idea)
    form = forms.CommentForm(request.POST or None)
    if request.method == "POST":
        if role != TeamRole.MEMBER:
            raise Http404
        if form.is_valid() and run(
            form,
            lambda: services.idea_comment_add(
                idea=found, actor=request.user, text=form.cleaned_data["text"]
            ),
        ):
            messages.success(request, _("The comment was added."))
            return redirect("improvement:idea", pk=team.pk, idea=found.pk)
    counted = selectors.team_ideas(team=team, user=request.user).get(pk=found.pk)
    return render(
        request,
        "improvement/idea_detail.html",
        {
            **_base(team, role, "ideas"),
            "idea": counted,
            "comments": found.comments.select_related("author"),
            "cycles": found.cycles.order_by("starts_on", "pk"),
            "form": form,
        },
        status=status(form),
    )


@require_POST
def idea_vote(request: AuthedHttpRequest, pk: int, idea: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = selectors.idea_get_for_team(team=team, pk=idea)
    wanted = request.POST.get("vote")
    if wanted in ("0", "1"):  # the state the button asked for: pressed twice, still one vote
        services.idea_vote_set(idea=found, actor=request.user, vote=wanted == "1")
    elif wanted is None:
        services.idea_vote_toggle(idea=found, actor=request.user)
    # any other value is junk (the URL walk): nothing changes, the current state is shown
    counted = selectors.team_ideas(team=team, user=request.user).get(pk=found.pk)
    if request.htmx:
        return render(
            request,
            "improvement/ideas.html#vote",
            {"idea": counted, "team": team, "role": "member"},
        )
    return redirect(f"{_ideas_url(team)}#idea-{found.pk}")


def _ideas_url(team: Team) -> str:
    from django.urls import reverse

    return reverse("improvement:ideas", args=(team.pk,))


@require_POST
def idea_to_cycle(request: AuthedHttpRequest, pk: int, idea: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = selectors.idea_get_for_team(team=team, pk=idea)
    form = forms.CommentForm()
    cycle = apply(
        form,
        lambda: services.idea_to_cycle(idea=found, actor=request.user, today=timezone.localdate()),
    )
    if cycle is None:
        _errors(request, form)
        return redirect("improvement:idea", pk=team.pk, idea=found.pk)
    messages.success(
        request, _("The PDSA cycle is planned. Write down what you predict before you start.")
    )
    return redirect("improvement:cycle", pk=team.pk, cycle=cycle.pk)


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
    form = forms.CycleForm(
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
    form = forms.CommentForm()
    created = apply(
        form,
        lambda: services.cycle_next(cycle=found, actor=request.user, today=timezone.localdate()),
    )
    if created is None:
        _errors(request, form)
        return redirect("improvement:cycle", pk=team.pk, cycle=found.pk)
    messages.success(request, _("The next cycle of the ramp is planned."))
    return redirect("improvement:cycle", pk=team.pk, cycle=created.pk)


# --------------------------------------------------------------------------------------------
# Progress score
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    form = forms.ProgressScoreForm(request.POST or None)
    if request.method == "POST":
        if role != TeamRole.MEMBER:
            raise Http404
        if form.is_valid():
            row = apply(
                form,
                lambda: services.progress_score_set(
                    team=team,
                    actor=request.user,
                    score=method.parse_score(form.cleaned_data["score"]),
                    reason=form.cleaned_data["reason"],
                    today=timezone.localdate(),
                ),
            )
            if row is not None:
                messages.success(request, _("The progress score was saved."))
                return redirect("improvement:progress", pk=team.pk)
    scores = list(
        team.progress_scores.select_related("set_by", "reviewed_by").order_by("-set_on", "-pk")
    )
    return render(
        request,
        "improvement/progress.html",
        {
            **_base(team, role, "progress"),
            "form": form,
            "scores": [(row, method.score_label(row.score)) for row in scores],
            "review_form": forms.ScoreReviewForm(),
            "scale": method.PROGRESS_SCALE,
        },
        status=status(form),
    )


@require_POST
def progress_review(request: AuthedHttpRequest, pk: int, score: int) -> HttpResponse:
    team, role = _team(request, pk)
    if role != TeamRole.COORDINATOR:
        raise Http404
    row = ProgressScore.objects.filter(team=team, pk=score).first()
    if row is None:
        raise Http404
    form = forms.ScoreReviewForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: services.progress_score_review(
            row=row,
            actor=request.user,
            review=form.cleaned_data["review"],
            note=form.cleaned_data["note"],
            now=timezone.now(),
        ),
    ):
        messages.success(request, _("Your review was saved; the team sees it."))
    _errors(request, form)
    return redirect("improvement:progress", pk=team.pk)


# --------------------------------------------------------------------------------------------
# Communication and spread
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def plans(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    form = forms.CommunicationForm(request.POST or None)
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
            "spread_form": forms.SpreadForm(team=team),
            "quality_form": forms.QualitySystemForm(),
        },
        status=status(form),
    )


@require_POST
def communication_done(request: AuthedHttpRequest, pk: int, item: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = CommunicationItem.objects.filter(team=team, pk=item).first()
    if found is None:
        raise Http404
    form = forms.DoneOnForm(request.POST)
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
    form = forms.SpreadForm(request.POST, team=team)
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
    form = forms.DoneOnForm(request.POST)
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
    form = forms.QualitySystemForm(request.POST)
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


@require_GET
def network_progress(request: AuthedHttpRequest, code: str) -> HttpResponse:
    """The network's teams' progress scores over time (the coordinator's view)."""
    from django.utils.formats import date_format

    from forlop.improvement import rules

    network = selectors.network_get_for_coordinator(user=request.user, code=code)
    history = selectors.progress_history(network)
    today = timezone.localdate()
    first = network.starts_on
    last = max(today, first)
    days = (last - first).days
    lines = [
        diagrams.ScoreLine(
            team.name,
            [((row.set_on - first).days, float(row.score)) for row in rows if row.set_on >= first],
        )
        for team, rows in history
    ]
    ticks = []
    month = first.replace(day=1)
    step = max(1, round(days / 30 / 6))
    while month <= last:
        if month >= first:
            ticks.append(((month - first).days, date_format(month, "b Y")))
        month = rules.add_months(month, step)
    svg = diagrams.render_progress_svg(
        lines,
        days=days,
        ticks=ticks,
        title=_("Progress scores of the teams of %(network)s") % {"network": network.name},
        description=_(
            "Each team's own score from 0.5 to 5 over time; the table below holds the same scores."
        ),
    )
    return render(
        request,
        "improvement/network_progress.html",
        {
            "network": network,
            "history": [
                (team, [(row, method.score_label(row.score)) for row in rows])
                for team, rows in history
            ],
            "svg": svg,
        },
    )
