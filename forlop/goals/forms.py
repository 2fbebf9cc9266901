"""Forms for goals, scorings and proposals. Services do the real validation."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form
from forlop.core.validation import PlausibleDateField
from forlop.goals.models import AnsweredBy, Goal, Scoring

SCORE_CHOICES = [(str(n), str(n)) for n in range(11)]


class GoalAddForm(Form):
    text = forms.CharField(
        label=_("Goal, in the patient's own words"),
        max_length=300,
        help_text=_("For example: manage the stairs at home, be home for Christmas."),
    )
    answered_by = forms.ChoiceField(
        label=_("Who answered"), choices=AnsweredBy.choices, initial=AnsweredBy.PATIENT
    )


class GoalEditForm(Form):
    text = forms.CharField(label=_("Goal, in the patient's own words"), max_length=300)
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ScoringForm(Form):
    """One radio group (0-10) per active goal; a goal left empty is not scored this time."""

    kind = forms.ChoiceField(label=_("Kind of scoring"), choices=Scoring.Kind.choices)
    scored_on = PlausibleDateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    answered_by = forms.ChoiceField(
        label=_("Who answered"), choices=AnsweredBy.choices, initial=AnsweredBy.PATIENT
    )

    def __init__(self, *args: Any, goals: Sequence[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"score_{goal.pk}"] = forms.ChoiceField(
                label=goal.text,
                choices=SCORE_CHOICES,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "score-radio"}),
            )

    def score_fields(self) -> list[tuple[Goal, forms.BoundField]]:
        return [(goal, self[f"score_{goal.pk}"]) for goal in self.goals]

    def scores(self) -> dict[int, str]:
        return {goal.pk: self.cleaned_data.get(f"score_{goal.pk}") or "" for goal in self.goals}
