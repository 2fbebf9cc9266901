"""The pathway's timeline: one form per action (``services.timeline``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form
from forlop.pathways.forms.fields import (
    DateTimeLocalField,
    now_for_input,
)
from forlop.pathways.models import (
    Pathway,
    ShortStayKind,
    TimeKindChoices,
)


class TimeForm(Form):
    """A timeline action's form. Each has its own prefix, so several share one page."""

    action: str = ""

    def __init__(self, *args: Any, pathway: Pathway, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.action)
        super().__init__(*args, **kwargs)
        self.pathway = pathway
        if not self.is_bound:
            self.set_initial()

    def set_initial(self) -> None:
        if "at" in self.fields:
            self.fields["at"].initial = now_for_input()


class ReadyForDischargeForm(TimeForm):
    action = "ready"
    at = DateTimeLocalField(label=_("Reported ready for discharge"))
    planned_discharge_at = DateTimeLocalField(
        label=_("Planned discharge"),
        help_text=_("HPH0 and HPH1 fall due from the planned discharge."),
    )


class PlannedDischargeForm(TimeForm):
    action = "planned"
    planned_discharge_at = DateTimeLocalField(label=_("New planned discharge"))
    reason = forms.CharField(label=_("Why (optional)"), max_length=1000, required=False)

    def set_initial(self) -> None:
        planned = self.pathway.planned_discharge_at
        if planned is not None:
            self.fields["planned_discharge_at"].initial = timezone.localtime(planned).replace(
                second=0, microsecond=0
            )


class DischargeForm(TimeForm):
    action = "discharge"
    at = DateTimeLocalField(label=_("Discharged from hospital"))
    destination = forms.ChoiceField(
        label=_("Discharged to"),
        choices=[("", _("Home")), *ShortStayKind.choices],
        required=False,
        widget=forms.RadioSelect,
        help_text=_("After a short stay, register the arrival home when the patient is home."),
    )

    def set_initial(self) -> None:
        self.fields["at"].initial = now_for_input()
        self.fields["destination"].initial = ""


class ShortStayForm(TimeForm):
    action = "short-stay"
    kind = forms.ChoiceField(label=_("Kind of stay"), choices=ShortStayKind.choices)
    at = DateTimeLocalField(label=_("From"))

    def set_initial(self) -> None:
        discharged = self.pathway.discharged_at
        self.fields["at"].initial = (
            timezone.localtime(discharged).replace(second=0, microsecond=0)
            if discharged is not None
            else now_for_input()
        )


class ArrivalHomeForm(TimeForm):
    action = "arrival"
    at = DateTimeLocalField(
        label=_("Arrived home"),
        help_text=_("The nurse's assessment (HPH2) falls due three days after the arrival home."),
    )


class TimeCorrectionForm(TimeForm):
    action = "correct"
    kind = forms.ChoiceField(label=_("Time to correct"), choices=TimeKindChoices.choices)
    at = DateTimeLocalField(label=_("Correct time"))
    reason = forms.CharField(
        label=_("Why is it corrected?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write why the time is corrected.")},
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds


TIME_FORMS: dict[str, type[TimeForm]] = {
    form.action: form
    for form in (
        ReadyForDischargeForm,
        PlannedDischargeForm,
        DischargeForm,
        ShortStayForm,
        ArrivalHomeForm,
        TimeCorrectionForm,
    )
}
