"""Change ideas and time thieves: the list, one idea's discussion, votes, one step to a cycle."""

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
    Team,
)
from forlop.improvement.views.common import apply, run, status
from forlop.improvement.views.method.base import (
    _base,
    _errors,
    _team,
)

# --------------------------------------------------------------------------------------------
# Change ideas and time thieves
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def ideas(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    form = method_forms.IdeaForm(request.POST or None, team=team)
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
    form = method_forms.CommentForm(request.POST or None)
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
    form = method_forms.CommentForm()
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
