"""Recording and correcting events (falls, admissions, death ...)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form
from forlop.core.models import Organisation, Unit
from forlop.pathways.forms.fields import (
    DateTimeLocalField,
    now_for_input,
)
from forlop.pathways.models import (
    EventKindChoices,
)


class EventRecordForm(Form):
    kind = forms.ChoiceField(
        label=_("What happened"), choices=EventKindChoices.choices, widget=forms.RadioSelect
    )
    occurred_at = DateTimeLocalField(label=_("When"))
    ward = forms.ModelChoiceField(
        label=_("Ward"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("For an admission: the hospital ward."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    confirm_end = forms.BooleanField(
        label=_(
            "I confirm: this ends the patient's running pathways and closes their open stop points."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Unit.objects.filter(
            kind=Unit.Kind.HOSPITAL_WARD,
            organisation__kind=Organisation.Kind.HOSPITAL_TRUST,
        ).select_related("organisation")
        if not self.is_bound:
            self.fields["occurred_at"].initial = now_for_input()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        occurred_at = data.get("occurred_at")
        if occurred_at is not None and occurred_at > timezone.now() + timedelta(minutes=5):
            self.add_error("occurred_at", _("The time cannot be in the future."))
        if data.get("kind") == EventKindChoices.ADMISSION and data.get("ward") is None:
            self.add_error("ward", _("Choose the ward the patient was admitted to."))
        if data.get("kind") in ENDING_EVENTS and not data.get("confirm_end"):
            self.add_error(
                "confirm_end",
                _("A death or the end of the services ends the pathways: confirm it first."),
            )
        return data


# Events that end the running pathways: recorded only with a confirmation.
ENDING_EVENTS = frozenset({EventKindChoices.DEATH, EventKindChoices.SERVICES_ENDED})


class EventCorrectForm(Form):
    occurred_at = DateTimeLocalField(label=_("When"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    withdraw = forms.BooleanField(
        label=_("The event was recorded in error: withdraw it"), required=False
    )
    reason = forms.CharField(
        label=_("Why is it corrected?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        occurred_at = data.get("occurred_at")
        if occurred_at is not None and occurred_at > timezone.now() + timedelta(minutes=5):
            self.add_error("occurred_at", _("The time cannot be in the future."))
        return data
