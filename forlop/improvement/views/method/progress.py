"""The progress score: the team's scores, the coordinator's review, the network's overview."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import diagrams, method, method_forms, selectors, services
from forlop.improvement.access import TeamRole
from forlop.improvement.models import (
    ProgressScore,
)
from forlop.improvement.views.common import apply, run, status
from forlop.improvement.views.method.base import (
    _base,
    _errors,
    _team,
)

# --------------------------------------------------------------------------------------------
# Progress score
# --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def progress(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    form = method_forms.ProgressScoreForm(request.POST or None)
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
            "review_form": method_forms.ScoreReviewForm(),
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
    form = method_forms.ScoreReviewForm(request.POST)
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
