"""The work list's filter and its printed day list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from forlop.core.forms import Form, ListedModelChoiceField, NorwegianDateField
from forlop.core.models import Unit


class WorkListFilterForm(Form):
    unit = ListedModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All my units")
    )
    mine = forms.BooleanField(label=_("Only stop points assigned to me"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class PrintDayForm(Form):
    """The printed day: the user's own list (as on the screen) unless a unit is chosen."""

    unit = ListedModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("My list")
    )
    mine = forms.BooleanField(label=_("Only stop points assigned to me"), required=False)
    date = NorwegianDateField(label=_("Date"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
