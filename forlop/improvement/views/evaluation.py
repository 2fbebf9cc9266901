"""A gathering's evaluation survey: the coordinators open it, the teams' members answer it
without their names, and the gathering's page shows the results (small counts hidden)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Avg, Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import forms, rules, selectors, services
from forlop.improvement.access import TeamRole
from forlop.improvement.models import Answer, Question, Survey
from forlop.improvement.services.evaluation import may_answer
from forlop.improvement.views.common import apply, coordinated_gathering, run, status


def survey_results(survey: Survey) -> list[dict[str, object]]:
    """Per question: the number of answers and, from the suppression threshold on, the
    distribution (counts below it hidden), the mean and the texts."""
    below = int(settings.FORLOP_SUPPRESS_BELOW)
    counts: dict[tuple[int, int | None], int] = {
        (row["question"], row["value"]): row["n"]
        for row in Answer.objects.filter(question__survey=survey)
        .values("question", "value")
        .annotate(n=Count("id"))
    }
    means = dict(
        Answer.objects.filter(question__survey=survey, value__isnull=False)
        .values("question")
        .annotate(mean=Avg("value"))
        .values_list("question", "mean")
    )
    results = []
    for question in survey.questions.all():
        total = sum(n for (q, _v), n in counts.items() if q == question.pk)
        shown = total >= below
        values: list[tuple[str, int | None]] = []
        if question.kind == Question.Kind.SCALE:
            scale = [(str(v), counts.get((question.pk, v), 0)) for v in range(1, 6)]
            values = list(
                zip(
                    [label for label, _n in scale],
                    rules.distribution_shown([n for _label, n in scale], below=below),
                    strict=True,
                )
            )
        elif question.kind == Question.Kind.YES_NO:
            pairs = [
                (_("Yes"), counts.get((question.pk, 1), 0)),
                (_("No"), counts.get((question.pk, 0), 0)),
            ]
            values = list(
                zip(
                    [label for label, _n in pairs],
                    rules.distribution_shown([n for _label, n in pairs], below=below),
                    strict=True,
                )
            )
        texts = (
            sorted(
                Answer.objects.filter(question=question)
                .exclude(text="")
                .values_list("text", flat=True)
            )
            if shown and question.kind == Question.Kind.TEXT
            else []
        )
        results.append(
            {
                "question": question,
                "total": total,
                "shown": shown,
                "values": values,
                # the mean with the total and the shown counts would give a hidden one back
                "mean": means.get(question.pk)
                if shown and all(n is not None for _label, n in values)
                else None,
                "texts": texts,
            }
        )
    return results


@require_POST
def survey_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    gathering = coordinated_gathering(request, pk)
    form = forms.SurveyForm(request.POST)
    if form.is_valid():
        done = apply(
            form,
            lambda: services.survey_create(
                gathering=gathering, actor=request.user, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("The evaluation is open for the teams."))
            return redirect("improvement:gathering", pk=gathering.pk)
    for error in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, str(error))
    return redirect("improvement:gathering", pk=gathering.pk)


@require_http_methods(["GET", "POST"])
def survey_answer(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    gathering, role, team = selectors.gathering_get_for_user(user=request.user, pk=pk)
    survey = Survey.objects.filter(gathering=gathering).first()
    if survey is None or role != TeamRole.MEMBER:
        raise Http404
    questions = list(survey.questions.all())
    if not may_answer(request.user, survey):
        messages.info(request, _("You have answered this evaluation. Thank you!"))
        return redirect("improvement:gathering", pk=gathering.pk)
    form = forms.AnswerForm(request.POST or None, questions=questions)
    if request.method == "POST" and form.is_valid():
        done = run(
            form,
            lambda: services.survey_answer(
                survey=survey,
                user=request.user,
                answers=form.answers(questions),
                today=timezone.localdate(),
            ),
        )
        if done:
            messages.success(request, _("Thank you! Your answers are stored without your name."))
            return redirect("improvement:gathering", pk=gathering.pk)
    return render(
        request,
        "improvement/survey_answer.html",
        {"gathering": gathering, "survey": survey, "form": form, "team": team},
        status=status(form),
    )
