"""The driver diagram of an aim: drivers, ideas on it, the aim's status and its manual measures."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import diagrams, method_forms, selectors, services
from forlop.improvement.access import TeamRole
from forlop.improvement.models import (
    Aim,
    ChangeIdea,
    Team,
)
from forlop.improvement.views.common import apply, run
from forlop.improvement.views.method.base import (
    _base,
    _errors,
    _team,
)
from forlop.measures import services as measure_services

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
        "driver_form": forms_.get("driver_form")
        or method_forms.DriverForm(aim=aim, measures=measures),
        "idea_form": forms_.get("idea_form") or method_forms.DiagramIdeaForm(aim=aim),
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
    form = method_forms.DriverForm(request.POST, aim=found, measures=selectors.team_measures(team))
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
    form = method_forms.DiagramIdeaForm(request.POST, aim=found)
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
    form = method_forms.DriverEditForm(request.POST)
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
    form = method_forms.AimStatusForm(request.POST)
    if form.is_valid():
        services.aim_status_set(aim=found, actor=request.user, status=form.cleaned_data["status"])
        messages.success(request, _("The aim's status was saved."))
    return redirect("improvement:aims", pk=team.pk)


@require_POST
def manual_measure_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A measure the team counts by hand, where it does not run Forløp."""
    team, _role = _team(request, pk, member=True)
    form = method_forms.ManualMeasureForm(request.POST)
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
    form = method_forms.ManualValueForm(request.POST, measures=selectors.team_measures(team))
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
