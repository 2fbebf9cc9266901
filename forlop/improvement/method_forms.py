"""Forms for the model for improvement on the team's pages: diagram, ideas, cycles, progress, plans, board."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form
from forlop.core.models import Unit
from forlop.improvement.forms import CheckboxList, _date, _measure_label, _text
from forlop.improvement.models import (
    Aim,
    ChangeIdea,
    CommunicationItem,
    Driver,
    PdsaCycle,
    ProgressScore,
    Team,
    TeamMember,
)
from forlop.measures.models import Direction, Measure, Period
from forlop.pathways.models import TemplateVersion

# --------------------------------------------------------------------------------------------
# The model for improvement
# --------------------------------------------------------------------------------------------


class RadioList(forms.RadioSelect):
    """Radio buttons under one legend (``improvement/parts.html#fields`` draws them)."""

    multiple_choices = True


class ManualMeasureForm(Form):
    name = forms.CharField(label=_("Name of the measure"), max_length=200)
    numerator = forms.CharField(
        label=_("What you count"),
        max_length=500,
        help_text=_("For example: patients called the day after coming home."),
    )
    period = forms.ChoiceField(label=_("Counted per"), choices=Period.choices, initial="week")
    direction = forms.ChoiceField(
        label=_("Direction of improvement"), choices=Direction.choices, initial="up"
    )


class ManualValueForm(Form):
    measure = forms.ModelChoiceField(label=_("Measure"), queryset=Measure.objects.none())
    period_start = _date(label=_("Week or month"), help_text=_("Any day of the period."))
    value = forms.FloatField(label=_("Value"), min_value=0)

    def __init__(self, *args: Any, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["measure"]
        field.queryset = Measure.objects.filter(  # type: ignore[attr-defined]
            pk__in=[m.pk for m in measures if m.is_manual]
        )
        field.label_from_instance = _measure_label  # type: ignore[attr-defined]


class AimStatusForm(Form):
    status = forms.ChoiceField(label=_("Status"), choices=Aim.Status.choices)


class DriverForm(Form):
    text = forms.CharField(label=_("Driver"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Under the primary driver"),
        queryset=Driver.objects.none(),
        required=False,
        empty_label=_("– none: a primary driver –"),
    )
    measure = forms.ModelChoiceField(
        label=_("Process measure"), queryset=Measure.objects.none(), required=False
    )

    def __init__(self, *args: Any, aim: Aim, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = aim.drivers.filter(parent__isnull=True)  # type: ignore[attr-defined]
        field = self.fields["measure"]
        field.queryset = Measure.objects.filter(pk__in=[m.pk for m in measures])  # type: ignore[attr-defined]
        field.label_from_instance = _measure_label  # type: ignore[attr-defined]


class DriverEditForm(Form):
    text = forms.CharField(label=_("Driver"), max_length=200)


class IdeaForm(Form):
    # No max_length here: the service says what the limit is (method.idea_problems).
    title = forms.CharField(
        label=_("The idea in a few words"),
        help_text=_("At most 200 characters."),
        strip=False,
    )
    description = _text(rows=3, label=_("Description"), required=False, strip=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=ChangeIdea.Kind.choices, initial="idea", widget=RadioList
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("Where the idea comes from; it shows on that unit's huddle board."),
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = team.organisation.units.order_by("name")  # type: ignore[attr-defined]


class DiagramIdeaForm(Form):
    driver = forms.ModelChoiceField(label=_("Under the driver"), queryset=Driver.objects.none())
    existing = forms.ModelChoiceField(
        label=_("An idea from the team's list"),
        queryset=ChangeIdea.objects.none(),
        required=False,
        empty_label=_("– a new idea –"),
    )
    title = forms.CharField(
        label=_("Or a new change idea"),
        required=False,
        strip=False,
        help_text=_("At most 200 characters."),
    )

    def __init__(self, *args: Any, aim: Aim, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["driver"].queryset = aim.drivers.order_by("order", "pk")  # type: ignore[attr-defined]
        self.fields["existing"].queryset = aim.team.ideas.filter(  # type: ignore[attr-defined]
            driver__isnull=True, status__in=("open", "testing")
        )


class CommentForm(Form):
    text = _text(rows=3, label=_("Comment"), strip=False)


class CycleForm(Form):
    title = forms.CharField(label=_("What we test"), max_length=200)
    owner = forms.ModelChoiceField(
        label=_("Owner"), queryset=TeamMember.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("Tested in"), queryset=Unit.objects.none(), required=False
    )
    starts_on = _date(label=_("Starts"), required=False)
    ends_on = _date(label=_("Ends"), required=False)
    plan = _text(rows=3, label=_("Plan: who, what, where, when"), required=False)
    prediction = _text(rows=2, label=_("Prediction: what we expect to happen"), required=False)
    measures = forms.ModelMultipleChoiceField(
        label=_("Measures it targets"),
        queryset=Measure.objects.none(),
        required=False,
        widget=CheckboxList,
        help_text=_("The cycle is marked on these measures' charts."),
    )
    template_version = forms.ModelChoiceField(
        label=_("New checklist version"),
        queryset=TemplateVersion.objects.none(),
        required=False,
        help_text=_("When the cycle changes a checklist: the template version it led to."),
    )
    done_text = _text(rows=3, label=_("Do: what happened"), required=False)
    study_text = _text(
        rows=3, label=_("Study: what we learned, compared with the prediction"), required=False
    )
    decision = forms.ChoiceField(
        label=_("Act: adopt, adapt or abandon"),
        choices=[("", _("Not decided yet")), *PdsaCycle.Decision.choices],
        required=False,
        widget=RadioList,
    )
    act_text = _text(rows=2, label=_("Act: what we do next"), required=False)
    decided_on = _date(label=_("Decided on"), required=False)

    def __init__(self, *args: Any, team: Team, measures: list[Measure], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team.members.filter(active=True)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = team.organisation.units.order_by("name")  # type: ignore[attr-defined]
        field = self.fields["measures"]
        field.queryset = Measure.objects.filter(pk__in=[m.pk for m in measures])  # type: ignore[attr-defined]
        field.label_from_instance = _measure_label  # type: ignore[attr-defined]
        self.fields["template_version"].queryset = (  # type: ignore[attr-defined]
            TemplateVersion.objects.filter(
                Q(template__organisation=team.organisation)
                | Q(template__organisation__isnull=True),
                status=TemplateVersion.Status.PUBLISHED,
            )
            .select_related("template")
            .order_by("template__name", "-number")
        )


class ProgressScoreForm(Form):
    # A text field drawn as the scale's radio buttons: any value reaches the service, which
    # says what the scale is (method.progress_score_problems).
    score = forms.CharField(label=_("Progress score"), required=False, widget=RadioList)
    reason = _text(rows=3, label=_("Why this score"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from forlop.improvement.method import PROGRESS_SCALE

        super().__init__(*args, **kwargs)
        self.fields["score"].widget.choices = [  # type: ignore[attr-defined]
            (str(value), f"{str(value).replace('.', ',')} – {gettext(label)}")
            for value, label in PROGRESS_SCALE
        ]


class ScoreReviewForm(Form):
    review = forms.ChoiceField(
        label=_("Review"), choices=ProgressScore.Review.choices, widget=RadioList
    )
    note = _text(rows=2, label=_("Comment to the team"), required=False)


class CommunicationForm(Form):
    audience = forms.ChoiceField(label=_("To whom"), choices=CommunicationItem.Audience.choices)
    message = forms.CharField(label=_("What"), max_length=300)
    channel = forms.ChoiceField(label=_("Channel"), choices=CommunicationItem.Channel.choices)
    planned_on = _date(label=_("When"))
    responsible = forms.CharField(label=_("Who tells"), max_length=200, required=False)


class DoneOnForm(Form):
    done_on = _date(label=_("Done on"), required=False)


class SpreadForm(Form):
    unit = forms.ModelChoiceField(label=_("Unit that adopts next"), queryset=Unit.objects.none())
    planned_on = _date(label=_("Planned for"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = team.organisation.units.order_by("name")  # type: ignore[attr-defined]


class QualitySystemForm(Form):
    where = forms.CharField(
        label=_("Where the procedure goes in the quality system"),
        max_length=300,
        required=False,
        help_text=_("For example the document's number in the quality system."),
    )


class BoardSettingForm(Form):
    initials_only = forms.BooleanField(label=_("Show initials only"), required=False)
