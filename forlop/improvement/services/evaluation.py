"""Evaluations after a gathering: the questions (data) and anonymous answers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from forlop.core.models import User
from forlop.improvement import access
from forlop.improvement.access import require_coordinator
from forlop.improvement.models import Answer, Gathering, Question, Receipt, Response, Survey

#: The default questions (the compendium's Questback survey after each gathering). Kept as
#: msgids; each survey stores its questions in the language of the day it was created.
DEFAULT_QUESTIONS: tuple[tuple[str, str, bool], ...] = (
    (gettext_noop("How useful was the gathering for your improvement work?"), "scale", True),
    (gettext_noop("How well did the themes fit where your team is now?"), "scale", True),
    (gettext_noop("Was there enough time for the team's own work?"), "yes_no", False),
    (gettext_noop("What was most useful?"), "text", False),
    (gettext_noop("What should we do differently next time?"), "text", False),
)


def survey_create(*, gathering: Gathering, actor: User, closes_on: date, intro: str = "") -> Survey:
    if gathering.network is None:
        raise ValidationError(_("Evaluations are made per network gathering."))
    require_coordinator(actor, gathering.network)
    if closes_on < gathering.starts_on:
        raise ValidationError(_("The evaluation closes after the gathering, not before."))
    if Survey.objects.filter(gathering=gathering).exists():
        raise ValidationError(_("The gathering has an evaluation already."))
    with transaction.atomic():
        survey = Survey.objects.create(gathering=gathering, closes_on=closes_on, intro=intro)
        Question.objects.bulk_create(
            Question(survey=survey, order=order, text=_(text), kind=kind, required=required)
            for order, (text, kind, required) in enumerate(DEFAULT_QUESTIONS, start=1)
        )
    return survey


def may_answer(user: User, survey: Survey) -> bool:
    """Members of the network's teams answer, once."""
    network = survey.gathering.network
    return (
        network is not None
        and access.member_teams(user).filter(network=network).exists()
        and not Receipt.objects.filter(survey=survey, user=user).exists()
    )


def survey_answer(
    *, survey: Survey, user: User, answers: Mapping[int, int | str | None], today: date
) -> None:
    """Store the answers without who gave them; a receipt records only that ``user`` has."""
    if not access.member_teams(user).filter(network=survey.gathering.network).exists():
        raise ValidationError(_("Only the network's teams answer its evaluations."))
    if today < survey.gathering.starts_on or today > survey.closes_on:
        raise ValidationError(_("The evaluation is not open."))
    questions = list(survey.questions.all())
    rows: list[Answer] = []
    for question in questions:
        given = answers.get(question.pk)
        empty = given is None or (isinstance(given, str) and not given.strip())
        if empty:
            if question.required:
                raise ValidationError(
                    _("Answer the question “%(question)s”.") % {"question": question.text}
                )
            continue
        if question.kind == Question.Kind.TEXT:
            rows.append(Answer(question=question, text=str(given).strip()))
        else:
            value = int(given)  # type: ignore[arg-type]
            top = 5 if question.kind == Question.Kind.SCALE else 1
            bottom = 1 if question.kind == Question.Kind.SCALE else 0
            if not bottom <= value <= top:
                raise ValidationError(_("An answer is outside the scale."))
            rows.append(Answer(question=question, value=value))
    try:
        with transaction.atomic():
            Receipt.objects.create(survey=survey, user=user)
            response = Response.objects.create(survey=survey)
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
    except IntegrityError:
        raise ValidationError(_("You have answered this evaluation already.")) from None
